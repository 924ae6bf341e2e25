"""The streaming speech pipeline: the caller starts speaking as soon as its first sentence exists.

The reply's text is cut into sentences as it streams (``callersim_cli.sentences``). Two worker threads,
owned by one ``Speaker`` per call session, take it from there:

- the synthesis worker turns each sentence into audio as soon as it is complete (the engine is still
  writing the next one), and each key press into DTMF tones at its place in the order; when a reply's
  synthesis is complete it saves the reply as one MP3;
- the playback worker plays the clips in order, one after the other, while the next is synthesized.

So the time to first audio is the time to write the first sentence plus the time to synthesize it, not
the time to write and synthesize the whole reply. Neither worker ever raises into the turn: a voice or
player failure is told once through ``warn`` and the reply goes on as text. The REPL's thread only
queues work (``feed``/``finish`` never block); ``SpokenReply.wait`` is the one call that waits.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from callersim_cli.actions import CallerEvent, HangUp, Press, Speech
from callersim_cli.errors import CallersimError, PlayerError, VoiceError
from callersim_cli.files import write_atomic
from callersim_cli.sentences import SentenceSplitter
from callersim_cli.speakable import speakable

if TYPE_CHECKING:
    from callersim_cli.audio import Clip
    from callersim_cli.players import Playback, Player
    from callersim_cli.voices import Voice

DEFAULT_SAMPLE_RATE = 22_050  # for key tones before any voice clip has told us the voice's rate
_SAVED_NAME = re.compile(r"^(\d+)-caller\.mp3$")
# How long close() waits for a worker: a synthesis request in flight cannot be cancelled, and leaving
# must not wait for a slow TTS server; the workers are daemon threads, so the process still exits.
_JOIN_TIMEOUT_S = 2.0
# A device that takes longer than this to open or to stop has stopped consuming audio (a stalled sound
# server, a paused pipe): its calls are made on a helper thread and abandoned past this.
_DEVICE_TIMEOUT_S = 2.0
# A clip whose playback ends this long after its duration was not played in time: the device stalled.
# (The players give up on a clip 2 s past its end; this allows for that and for stopping the device.)
_LATE_S = 2.0
_T = TypeVar("_T")
STALLED = "The audio device stopped taking sound; the call goes on text-only."


def _bounded(call: Callable[[], _T], timeout: float) -> tuple[bool, _T | None]:
    """``call()`` on a daemon thread: (True, its result) if it returned within ``timeout`` seconds,
    (False, None) if it is still blocked. Its exception, if any, is raised here."""
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name="callersim-device-call", daemon=True)
    thread.start()
    thread.join(timeout)
    if failure:
        raise failure[0]
    return (not thread.is_alive(), outcome[0] if outcome else None)


@dataclass(frozen=True)
class _Sentence:
    index: int  # into SpokenReply._sentences, so the worker can find the neighbours known by then


@dataclass(frozen=True)
class _Tones:
    digits: str


class _End:
    """The reply has no more audio to come: save it (synthesis queue), then mark it done (playback)."""


_END = _End()
_Job = _Sentence | _Tones | _End


class SpokenReply:
    """The audio of one caller reply, fed with the reply's events as they stream."""

    def __init__(self, speaker: Speaker, started: float, audio_path: Path | None, silent: bool) -> None:
        self._speaker = speaker
        self.started = started
        self.audio_path = audio_path  # set back to None once it is known that nothing was saved
        self.first_audio_s: float | None = None
        self.interrupted = False
        self._splitter = SentenceSplitter()
        self._sentences: list[str] = []  # complete sentences, in order
        self._clips: list[Clip] = []  # synthesized audio, in order, sentences and tones
        self._ended = False  # finish() or interrupt() has queued the end
        self._voice_failed = False
        self._player_failed = False
        self._muted = False  # nothing more of it is played (barge-in, or the session is closing)
        self._done = threading.Event()
        self._lock = threading.Lock()  # guards the clips and the playback state against interrupt()
        self._heard_s = 0.0  # clips played to their end
        self._playing: Playback | None = None
        self._playing_since = 0.0
        self._playing_clip_s = 0.0
        if silent:
            self._ended = True
            self.audio_path = None
            self._done.set()

    # -- the REPL's side: never blocks --------------------------------------------------------------

    def feed(self, event: CallerEvent) -> None:
        """Take the next streamed event; complete sentences go to synthesis at once."""
        if self._ended:
            return
        if isinstance(event, Speech):
            self._queue_sentences(self._splitter.feed(event.text))
        elif isinstance(event, Press):
            # The words before the keys are said before the tones, so they cannot wait for a full stop.
            self._queue_sentences(self._splitter.flush())
            self._speaker._synth_queue.put((self, _Tones(event.digits)))
        elif isinstance(event, HangUp):
            self._queue_sentences(self._splitter.flush())

    def finish(self) -> None:
        """The reply's text is complete: speak the last partial sentence, then save the reply."""
        if self._ended:
            return
        self._queue_sentences(self._splitter.flush())
        self._ended = True
        self._speaker._synth_queue.put((self, _END))

    def interrupt(self) -> None:
        """Barge-in: cut the sound now and drop everything not yet played or synthesized.

        With no player nothing is heard, so nothing can be talked over: a reply whose text is complete
        is still synthesized and saved whole (piped ``--no-audio --save-mp3`` scripts send the next
        line at once). Only a reply cut mid-stream (a cancelled turn) counts as interrupted then.
        """
        if self._done.is_set() or self.interrupted:
            return  # already over: nothing was cut
        if self._speaker.player is None and self._ended:
            return
        with self._lock:  # against the synthesis worker adding a clip: from here the clips are final
            self.interrupted = True
            if not self._clips:
                self._speaker._drop_file(self)
        self._mute()
        if not self._ended:
            self._ended = True
            self._speaker._synth_queue.put((self, _END))  # save what was synthesized
        if self._speaker.player is not None:
            # Everything the record needs is final now (what was heard, what was made), and nothing
            # more will sound, so the next turn need not wait for a synthesis request still in flight.
            # The file is written when that request is over; close() waits for it.
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until all is played (or, with no player, synthesized and saved); False on timeout.

        After a barge-in it returns at once: the partial MP3 is written in the background.
        """
        return self._done.wait(timeout)

    # -- what the transcript records ---------------------------------------------------------------

    @property
    def heard_s(self) -> float:
        """Seconds of this reply's audio played so far (at the cut, after a barge-in)."""
        with self._lock:
            heard = self._heard_s
            if self._playing is not None:
                heard += min(time.perf_counter() - self._playing_since, self._playing_clip_s)
            return heard

    @property
    def duration_s(self) -> float:
        """Seconds of audio synthesized for this reply (up to the cut, after a barge-in)."""
        return sum(clip.duration_s for clip in list(self._clips))

    @property
    def done(self) -> bool:
        return self._done.is_set()

    # -- internals, called by the Speaker's workers ------------------------------------------------

    def _mute(self) -> None:
        """Stop the sound now and play nothing more of this reply; synthesis and saving go on."""
        with self._lock:
            self._muted = True
            playback = self._playing
            if playback is not None:
                self._heard_s += min(time.perf_counter() - self._playing_since, self._playing_clip_s)
                self._playing = None
        if playback is not None:
            self._speaker._stop(playback)

    def _queue_sentences(self, sentences: list[str]) -> None:
        for text in sentences:
            self._sentences.append(text)
            self._speaker._synth_queue.put((self, _Sentence(len(self._sentences) - 1)))

    def _neighbours(self, index: int) -> tuple[str, str]:
        # Appends happen on the REPL's thread; a list's append and len are atomic, so reading the
        # sentences known so far from the worker is safe without a lock.
        known = len(self._sentences)
        previous = self._sentences[index - 1] if index > 0 else ""
        following = self._sentences[index + 1] if index + 1 < known else ""
        return previous, following


class Speaker:
    """Speaks the caller's replies for one call session: one synthesis and one playback thread.

    With no voice, or with nothing to do with audio (no player and no ``save_dir``), replies are
    text-only. With no player but a ``save_dir``, each reply is still synthesized as it streams and
    saved as soon as it is complete. ``warn`` is called from the worker threads, with one line.
    """

    def __init__(
        self,
        voice: Voice | None,
        player: Player | None,
        save_dir: Path | None,
        warn: Callable[[str], None],
    ) -> None:
        self.voice = voice
        self.player = player
        self.save_dir = save_dir
        self._warn = warn
        self._warned: set[str] = set()
        self._warn_lock = threading.Lock()
        self._closing = False  # close() was called: nothing more is played
        self.device_stalled = False  # the player stopped taking audio: nothing more is played
        self._closed = False  # nothing more is synthesized either
        self._last_number = 0
        self._sample_rate = DEFAULT_SAMPLE_RATE
        self._replies: list[SpokenReply] = []  # not done yet; close() ends them
        self._synth_queue: queue.SimpleQueue[tuple[SpokenReply | None, _Job]] = queue.SimpleQueue()
        self._play_queue: queue.SimpleQueue[tuple[SpokenReply | None, Clip | _End]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        if self._active:
            self._start(self._synthesis_worker, "callersim-synthesis")
            if player is not None:
                self._start(self._playback_worker, "callersim-playback")

    @property
    def _active(self) -> bool:
        return self.voice is not None and (self.player is not None or self.save_dir is not None)

    def _start(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def start_reply(self, started: float) -> SpokenReply:
        """A new reply, timed from ``started`` (``turn.started``: the perf_counter when Enter was hit)."""
        silent = not self._active or self._closing
        path = None if silent or self.save_dir is None else self._next_path(self.save_dir)
        reply = SpokenReply(self, started, path, silent)
        if not silent:
            self._replies = [r for r in self._replies if not r.done]
            self._replies.append(reply)
        return reply

    def close(self, timeout: float = 5.0) -> None:
        """Stop speaking at once, finish saving, and join the workers.

        Replies whose text was complete are still synthesized to the end, for up to ``timeout``
        seconds, so that a file saved with ``--save-mp3`` is whole when leaving right after a turn;
        past that, what was synthesized is saved. A reply still streaming is cut like a barge-in.
        """
        if self._closed:
            return
        self._closing = True
        for reply in self._replies:
            if reply._ended:
                reply._mute()
            else:
                reply.interrupt()
        self._synth_queue.put((None, _END))
        if self._threads:
            self._threads[0].join(timeout)
        # Out of time: drop the rest of the synthesis (one request in flight cannot be cancelled; the
        # workers are daemon threads, so leaving does not wait for it past the join timeout).
        self._closed = True
        for thread in self._threads:
            thread.join(_JOIN_TIMEOUT_S)
        for reply in self._replies:
            with contextlib.suppress(OSError):
                if reply.audio_path is not None and reply.audio_path.stat().st_size == 0:
                    self._drop_file(reply)  # never saved: its reserved name must not stay behind
            reply._done.set()  # a worker that did not stop in time must not leave wait() hanging
        self._replies = []

    def __enter__(self) -> Speaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- saved files -------------------------------------------------------------------------------

    def _next_path(self, save_dir: Path) -> Path | None:
        """001-caller.mp3, 002-caller.mp3 ...: after the highest number already there, never over one.

        The name is taken by creating the file exclusively (empty until the reply is saved over it), so
        two calls saving into one folder can never be given the same file; None when none can be made.
        """
        highest = self._last_number
        if save_dir.is_dir():
            for entry in save_dir.iterdir():
                if m := _SAVED_NAME.match(entry.name):
                    highest = max(highest, int(m.group(1)))
        number = highest + 1
        while True:
            path = save_dir / f"{number:03d}-caller.mp3"
            try:
                save_dir.mkdir(parents=True, exist_ok=True)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                number += 1  # another call took it since the folder was read
                continue
            except OSError as exc:
                self._warn_once(f"Couldn't save the caller's audio to {save_dir}: {exc.strerror or exc}")
                return None
            self._last_number = number
            return path

    def _drop_file(self, reply: SpokenReply) -> None:
        """Nothing will be saved for ``reply``: give its name back, and the transcript names no file."""
        if reply.audio_path is not None:
            with contextlib.suppress(OSError):
                if reply.audio_path.stat().st_size == 0:  # only the empty file this call reserved
                    reply.audio_path.unlink()
            reply.audio_path = None

    def _save(self, reply: SpokenReply) -> None:
        if reply.audio_path is None:
            return
        if not reply._clips:
            self._drop_file(reply)  # nothing was said: no file, and the transcript points at none
            return
        from callersim_cli.audio_codec import join_mp3

        try:
            write_atomic(reply.audio_path, join_mp3(list(reply._clips)))
        except OSError as exc:
            self._warn_once(f"Couldn't save the caller's audio to {reply.audio_path}: {exc.strerror or exc}")
            self._drop_file(reply)

    # -- workers -----------------------------------------------------------------------------------

    def _synthesis_worker(self) -> None:
        while True:
            reply, job = self._synth_queue.get()
            if reply is None:
                self._play_queue.put((None, _END))
                return
            try:
                self._synthesize(reply, job)
            except CallersimError as exc:
                self._warn_once(str(exc))
            except Exception as exc:
                # Last resort: a bug in a voice or codec must not kill the worker and leave every later
                # reply's wait() hanging. Specific failures are handled inside _synthesize.
                # (_end_synthesis marks the reply done even when saving fails this way.)
                self._warn_once(
                    f"Speech failed unexpectedly ({type(exc).__name__}: {exc}); going on without it"
                )
                reply._voice_failed = True

    def _synthesize(self, reply: SpokenReply, job: _Job) -> None:
        if isinstance(job, _End):
            self._end_synthesis(reply, save=True)
            return
        if reply.interrupted or reply._voice_failed or self._closed:
            return  # dropped: barge-in, a failed voice (text-only from here), or leaving
        if isinstance(job, _Tones):
            from callersim_cli.audio_codec import dtmf_clip

            clip = dtmf_clip(job.digits, self._sample_rate)
        else:
            assert self.voice is not None
            previous, following = reply._neighbours(job.index)
            try:
                # Numbers, emails and spellings said as a caller says them; the transcript keeps the text.
                clip = self.voice.synthesize(
                    speakable(reply._sentences[job.index]),
                    previous_text=speakable(previous),
                    next_text=speakable(following),
                )
            except VoiceError as exc:
                reply._voice_failed = True
                self._warn_once(str(exc))
                return
            self._sample_rate = clip.sample_rate
        with reply._lock:
            if reply.interrupted:
                return  # cut while this was being made: the caller never said it
            reply._clips.append(clip)
        if self.player is None:
            if reply.first_audio_s is None:
                reply.first_audio_s = time.perf_counter() - reply.started
        else:
            self._play_queue.put((reply, clip))

    def _end_synthesis(self, reply: SpokenReply, *, save: bool) -> None:
        try:
            if save:
                self._save(reply)
        finally:
            if self.player is None:
                reply._done.set()
            else:
                self._play_queue.put((reply, _END))  # done once everything before it has played

    def _playback_worker(self) -> None:
        while True:
            reply, clip = self._play_queue.get()
            if reply is None:
                return
            if isinstance(clip, _End):
                reply._done.set()
                continue
            try:
                self._play(reply, clip)
            except PlayerError as exc:
                reply._player_failed = True
                self._warn_once(str(exc))
            except Exception as exc:
                # Last resort, as in the synthesis worker: the thread must outlive a player's bug.
                reply._player_failed = True
                self._warn_once(
                    f"Playback failed unexpectedly ({type(exc).__name__}: {exc}); going on without it"
                )

    def _play(self, reply: SpokenReply, clip: Clip) -> None:
        player = self.player
        assert player is not None
        with reply._lock:
            # Under the reply's lock, so an interrupt() either comes before (and the clip is skipped)
            # or finds the playback to stop: a clip can never start playing after the cut.
            if reply._muted or reply._player_failed or self._closing or self.device_stalled:
                return
            asked = time.perf_counter()
            opened, playback = _bounded(lambda: player.play(clip), _DEVICE_TIMEOUT_S)
            if not opened:
                self._stalled()
                return
            assert playback is not None
            now = time.perf_counter()
            if reply.first_audio_s is None:
                reply.first_audio_s = now - reply.started
            reply._playing = playback
            reply._playing_since = now
            reply._playing_clip_s = clip.duration_s
        deadline = clip.duration_s + _LATE_S + _DEVICE_TIMEOUT_S
        ended, _ = _bounded(playback.wait, deadline)
        if not ended or (time.perf_counter() - asked > clip.duration_s + _LATE_S and not reply._muted):
            self._stalled()
        with reply._lock:
            if reply._playing is playback:  # played to its end, not cut
                reply._heard_s += clip.duration_s
                reply._playing = None

    def _stop(self, playback: Playback) -> None:
        if self.device_stalled:
            return  # stopping it would block as well; it was abandoned
        try:
            stopped, _ = _bounded(playback.stop, _DEVICE_TIMEOUT_S)
        except PlayerError as exc:
            self._warn_once(str(exc))
            return
        if not stopped:
            self._stalled()

    def _stalled(self) -> None:
        """The device stopped consuming: abandon it (its blocked calls stay on their daemon threads)."""
        self.device_stalled = True
        self._warn_once(STALLED)

    def _warn_once(self, message: str) -> None:
        """Tell the user about an audio failure once; the same failure on every sentence is noise."""
        with self._warn_lock:
            if message in self._warned:
                return
            self._warned.add(message)
        self._warn(message)
