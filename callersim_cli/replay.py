"""Replaying a kept call: its conversation at the original pace with the caller's saved audio, or the whole
call, both sides, written as one MP3.

Caller events name their file (``"audio": "003-caller.mp3"``), which is looked for in ``--audio-dir``,
in the ``--save-mp3`` folder recorded by the context event of its call (a file may hold several calls),
next to the transcript, and in a folder named after the transcript beside it. The operator's side was
only ever typed: it can be voiced by a second voice, or stands as a short silence in an export.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callersim_cli.audio import SAMPLE_WIDTH, Clip
from callersim_cli.errors import CallersimError, PlayerError, UsageError
from callersim_cli.files import refuse_folder, write_file
from callersim_cli.records import ContextRecord, KeptCall, Record, barge_in, on_the_line, parse_ts

if TYPE_CHECKING:
    from callersim_cli.players import Playback, Player
    from callersim_cli.voices import Voice

# A call kept open while the user read the docs must not stall the replay: gaps are capped at this.
MAX_GAP_S = 3.0
# In an export, each unvoiced operator line is this much silence: a turn is heard to pass, no more.
OPERATOR_SILENCE_S = 1.0
# In an export, the pause between one speaker and the next.
TURN_PAUSE_S = 0.4
DEFAULT_RATE = 22_050  # the piper voice's rate, for an export with no saved audio to take a rate from
# The operator's piper voice: the caller's voice played slower, so lower and unhurried; a different
# person to the ear, from the one offline model.
OPERATOR_RETUNE = 0.86


# --- where the audio is ---------------------------------------------------------------------------------


def audio_folders(call: KeptCall, audio_dir: Path | None, context: ContextRecord | None = None) -> list[Path]:
    """Where a reply's audio may be; ``context`` is the context event of the reply's call."""
    folders = [audio_dir] if audio_dir is not None else []
    context = context or call.context
    recorded = context.get("audio_dir") if context else None
    if isinstance(recorded, str) and recorded:
        folders.append(Path(recorded))
    folders += [call.path.parent, call.path.parent / call.path.stem]
    return folders


def find_audio(
    call: KeptCall, name: Any, audio_dir: Path | None, context: ContextRecord | None = None
) -> Path | None:
    if not isinstance(name, str) or not name:
        return None
    # Only the file name: a transcript must not point the replay anywhere else on the disk.
    base = Path(name).name
    for folder in audio_folders(call, audio_dir, context):
        candidate = folder / base
        if candidate.is_file():
            return candidate
    return None


# --- voices and players ---------------------------------------------------------------------------------


class RetunedVoice:
    """Another voice from the same model: its audio played slower, so deeper, then brought back to rate."""

    def __init__(self, voice: Voice, factor: float = OPERATOR_RETUNE) -> None:
        self.voice = voice
        self.factor = factor
        self.name = f"{voice.name} (retuned)"

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        from callersim_cli.audio_codec import resample

        clip = self.voice.synthesize(text, previous_text=previous_text, next_text=next_text)
        if not clip.pcm:
            return clip
        slowed = Clip(pcm=clip.pcm, sample_rate=round(clip.sample_rate * self.factor))
        return resample(slowed, clip.sample_rate)  # players and MP3 want a standard rate

    def close(self) -> None:
        self.voice.close()


@dataclass
class ReplayVoices:
    operator: Voice | None = None
    caller: Voice | None = None  # for caller replies whose audio was not saved (export only)
    why_not: str | None = None  # why there is no operator voice, to say once


def open_voices(
    *, operator_voice_id: str | None, keys: Mapping[str, str | None], base_url: str | None, with_caller: bool
) -> ReplayVoices:
    """The operator's voice (ElevenLabs with ``operator_voice_id``, else the offline voice retuned) and,
    when asked, a caller voice (the offline one) for unsaved replies. Raises ``VoiceError`` for a voice
    asked for but unusable; ``keys`` are the environment's, by variable name.
    """
    from callersim_cli.voices import VOICES, offline_voice

    voices = ReplayVoices()
    if operator_voice_id:
        row = VOICES["elevenlabs"]  # --voice-operator is an ElevenLabs voice ID
        settings = {"voice_id": operator_voice_id, "base_url": base_url}
        voices.operator = row.build(row.make_options(settings, keys))
    local: Voice | None = None
    if voices.operator is None or with_caller:
        try:
            local = offline_voice()
        except CallersimError as exc:
            voices.why_not = str(exc)
    if local is not None:
        if voices.operator is None:
            voices.operator = RetunedVoice(local)
        if with_caller:
            voices.caller = local
    return voices


# --- replaying ------------------------------------------------------------------------------------------


@dataclass
class Replay:
    """Shows a call's events at their pace and plays the caller's saved audio in its place."""

    call: KeptCall
    show: Callable[[Record], None]
    notice: Callable[[str], None]
    player: Player | None = None
    operator_voice: Voice | None = None
    audio_dir: Path | None = None
    speed: float = 1.0
    max_gap_s: float = MAX_GAP_S
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _said: set[str] = field(default_factory=set)
    _playing: Playback | None = None
    _playing_since: float = 0.0
    _context: ContextRecord | None = None  # of the call being replayed, for where its audio is

    def say_once(self, key: str, message: str) -> None:
        if key not in self._said:
            self._said.add(key)
            self.notice(message)

    def run(self) -> None:
        if self.speed <= 0:
            raise UsageError("--speed must be more than 0")
        try:
            self._run([event for event in self.call.events if on_the_line(event)])
        finally:
            if self._playing is not None:
                self._playing.stop()  # Ctrl-C must not leave the caller talking

    def _run(self, events: list[Record]) -> None:
        previous = None
        due = self.clock()
        for event in events:
            ts = parse_ts(event.get("ts"))
            if previous is not None and ts is not None:
                # The cap is on the wait itself, so a slow --speed can't stretch a pause past it either.
                due += min(max((ts - previous).total_seconds(), 0.0) / self.speed, self.max_gap_s)
            previous = ts or previous
            self._settle_caller_audio(event)
            due = max(due, self.clock())  # time spent listening counts towards the gap
            self._wait_until(due)
            self.show(event)
            if event["type"] == "context":
                self._context = event
            elif event["type"] == "operator":
                self._speak_operator(str(event.get("text") or ""))
            elif event["type"] == "caller":
                self._start_caller_audio(event)
            due = max(due, self.clock())
        self._settle_caller_audio(None)

    def _wait_until(self, moment: float) -> None:
        delay = moment - self.clock()
        if delay > 0:
            self.sleep(delay)

    def _settle_caller_audio(self, event: Record | None) -> None:
        """Before the next thing happens the caller finishes speaking, or is cut off where it was then."""
        if self._playing is None:
            return
        playing, self._playing = self._playing, None
        cut = barge_in(event) if event is not None else None
        if cut is not None:
            self._wait_until(self._playing_since + cut[0])
            playing.stop()
        else:
            playing.wait()

    def _play(self, clip: Clip) -> Playback | None:
        if self.player is None or not clip.pcm:
            return None
        try:
            return self.player.play(clip)
        except PlayerError as exc:
            self.say_once("player", f"No sound ({exc}); replaying text only.")
            self.player = None
            return None

    def _start_caller_audio(self, event: Record) -> None:
        if self.player is None:
            return
        name = event.get("audio")
        if not name:
            return
        path = find_audio(self.call, name, self.audio_dir, self._context)
        if path is None:
            self.say_once(
                "missing",
                f"The caller's audio ({name}) is not next to the transcript or in {self.call.path.stem}/; "
                "--audio-dir DIR points at the folder given to --save-mp3.",
            )
            return
        clip = load_clip(path, self.say_once)
        if clip is not None:
            self._playing = self._play(clip)
            self._playing_since = self.clock()

    def _speak_operator(self, text: str) -> None:
        if self.player is None or self.operator_voice is None or not text.strip():
            return
        try:
            clip = self.operator_voice.synthesize(text)
        except CallersimError as exc:
            self.say_once("operator-voice", f"The business's lines are not voiced: {exc}")
            self.operator_voice = None
            return
        playback = self._play(clip)
        if playback is not None:
            playback.wait()  # the business speaks; the caller answers after


def load_clip(path: Path, say_once: Callable[[str, str], None]) -> Clip | None:
    from callersim_cli.audio_codec import decode_mp3

    try:
        return decode_mp3(path.read_bytes())
    except (OSError, ValueError) as exc:
        say_once(f"unreadable:{path}", f"Can't play {path}: {exc}")
        return None


# --- exporting ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    path: Path
    duration_s: float  # of the audio put in, before MP3 framing
    saved_replies: int  # caller replies taken from their saved MP3
    voiced_lines: int  # lines synthesized now (either side)
    silent_lines: int  # operator lines that stand as silence


def export_call(
    call: KeptCall,
    out: Path,
    *,
    audio_dir: Path | None = None,
    operator_voice: Voice | None = None,
    caller_voice: Voice | None = None,
    why_no_voice: str | None = None,
    notice: Callable[[str], None] = lambda message: None,
) -> ExportResult:
    """Write the whole call, both sides in order, as one MP3 at ``out`` (atomically).

    Caller replies are their saved MP3s (cut where the business cut in), else voiced by ``caller_voice``;
    operator lines are voiced by ``operator_voice``, else a short silence. ``why_no_voice`` is why a
    voice is missing (from ``open_voices``), to say if that leaves nothing to hear. Raises
    ``UsageError`` when there is no audio at all to write, or ``out`` can't be written.
    """
    from callersim_cli.audio_codec import decode_mp3, dtmf_clip, join_mp3, silence

    refuse_folder(out)  # said now, not after every line has been voiced
    said: set[str] = set()
    voice_errors: list[str] = []

    def say_once(key: str, message: str) -> None:
        if key not in said:
            said.add(key)
            notice(message)

    # Saved replies are decoded first: their rate becomes the export's, so they go in as received.
    saved: dict[int, Clip] = {}
    context: ContextRecord | None = None
    for index, event in enumerate(call.events):
        if event["type"] == "context":
            context = event
        elif event["type"] == "caller" and event.get("audio"):
            path = find_audio(call, event.get("audio"), audio_dir, context)
            if path is None:
                say_once(
                    "missing",
                    f"Some caller audio ({event['audio']}) was not found; use --audio-dir DIR "
                    "(the folder given to --save-mp3).",
                )
                continue
            try:
                saved[index] = decode_mp3(path.read_bytes())
            except (OSError, ValueError) as exc:
                say_once(f"bad:{path}", f"Skipping {path}: {exc}")
    rate = next(iter(saved.values())).sample_rate if saved else DEFAULT_RATE

    def voiced(voice: Voice | None, text: str, side: str) -> Clip | None:
        if voice is None or not text.strip():
            return None
        try:
            return voice.synthesize(text)
        except CallersimError as exc:
            voice_errors.append(str(exc))
            say_once(f"voice:{side}", f"The {side}'s lines are not voiced: {exc}")
            return None

    parts: list[Clip] = []
    last_caller: int | None = None  # index into parts of the last caller reply, for a barge-in to cut
    counts = {"saved": 0, "voiced": 0, "silent": 0, "tones": 0, "lines": 0}
    for index, event in enumerate(call.events):
        kind = event["type"]
        text = str(event.get("text") or "")
        counts["lines"] += kind in ("operator", "caller") and bool(text.strip())
        if event["type"] == "operator":
            clip = voiced(operator_voice, text, "business")
            counts["voiced" if clip is not None else "silent"] += 1
            _append_turn(parts, clip or silence(OPERATOR_SILENCE_S, rate), rate)
            last_caller = None
        elif event["type"] == "caller":
            if index in saved:
                clip = saved[index]
                counts["saved"] += 1
            else:
                spoken = voiced(caller_voice, text, "caller")
                counts["voiced"] += spoken is not None
                pieces = [p for p in (spoken,) if p is not None]
                if keys := event.get("dtmf"):
                    # Keys a phone does not have make no tone.
                    with contextlib.suppress(ValueError):
                        pieces.append(dtmf_clip(str(keys), rate))
                        counts["tones"] += 1
                clip = _concat([_at_rate(p, rate) for p in pieces], rate) if pieces else None
            if clip is not None:
                last_caller = _append_turn(parts, clip, rate)
        elif (cut := barge_in(event)) is not None and last_caller is not None:
            parts[last_caller] = _cut(parts[last_caller], cut[0])
            last_caller = None
    if counts["saved"] + counts["voiced"] + counts["tones"] == 0:
        raise UsageError(
            _nothing_to_export(call, counts["lines"], "missing" in said, voice_errors, why_no_voice)
        )
    write_file(out, join_mp3(_coalesce(parts, rate)))
    duration = sum(p.duration_s for p in parts)
    return ExportResult(out, duration, counts["saved"], counts["voiced"], counts["silent"])


def _nothing_to_export(
    call: KeptCall, lines: int, audio_missing: bool, voice_errors: list[str], why_no_voice: str | None
) -> str:
    """Why an export would be silence only: the true reason, not a guess at one."""
    start = f"Nothing to export: call {call.id}"
    if lines == 0:
        return f"{start} has no lines said in it and no keys pressed"
    saved = "has no saved caller audio" + (" (see --audio-dir)" if audio_missing else "")
    if voice_errors:
        return f"{start} {saved}, and the voice failed: {voice_errors[0]}"
    return f"{start} {saved} and no voice to speak it ({why_no_voice or 'no offline voice'})"


def _at_rate(clip: Clip, rate: int) -> Clip:
    from callersim_cli.audio_codec import resample

    return resample(clip, rate)


def _concat(clips: list[Clip], rate: int) -> Clip:
    return Clip(pcm=b"".join(c.pcm for c in clips), sample_rate=rate)


def _append_turn(parts: list[Clip], clip: Clip, rate: int) -> int:
    """Add a pause (between speakers) and ``clip``; returns the clip's index in ``parts``."""
    from callersim_cli.audio_codec import silence

    if parts:
        parts.append(silence(TURN_PAUSE_S, rate))
    parts.append(clip)
    return len(parts) - 1


def _cut(clip: Clip, heard_s: float) -> Clip:
    """What the business let the caller say before cutting in."""
    keep = max(0, round(heard_s * clip.sample_rate)) * SAMPLE_WIDTH
    if keep >= len(clip.pcm):
        return clip
    return Clip(pcm=clip.pcm[:keep], sample_rate=clip.sample_rate)


def _coalesce(parts: list[Clip], rate: int) -> list[Clip]:
    """Runs of PCM-only clips (pauses, voiced lines) as one clip each at ``rate``.

    ``join_mp3`` encodes each PCM part on its own, and every encoding adds the encoder's delay and
    padding (tens of ms): a pause, a line and a pause encoded once add it once.
    """
    out: list[Clip] = []
    run: list[Clip] = []
    for part in parts:
        if part.mp3 is not None:
            if run:
                out.append(_concat(run, rate))
                run = []
            out.append(part)
        else:
            run.append(_at_rate(part, rate))
    if run:
        out.append(_concat(run, rate))
    return out
