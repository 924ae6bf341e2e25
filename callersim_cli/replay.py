"""`callersim replay`: a kept call's conversation at its pace with the caller's saved audio, or (with
``--export``, see ``callersim_cli.export``) the whole call, both sides, written as one MP3.

``--speed`` hurries everything: the pauses and, above 1, the audio (at the same pitch). The operator's
side was only ever typed: it is voiced by a second voice. A caller reply whose audio was not saved is
spoken by the offline voice, and the replay says so once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from callersim_cli.audio import Clip
from callersim_cli.errors import CallersimError, PlayerError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.export import voice_line
from callersim_cli.options import flag
from callersim_cli.players import PLAYERS
from callersim_cli.records import (
    ContextRecord,
    KeptCall,
    Record,
    barge_in,
    find_audio,
    find_call,
    on_the_line,
    parse_ts,
)

if TYPE_CHECKING:
    from callersim_cli.environment import Environment
    from callersim_cli.players import Playback, Player
    from callersim_cli.voices import Voice

# A call kept open while the user read the docs must not stall the replay: gaps are capped at this.
MAX_GAP_S = 3.0
# The operator's piper voice: the caller's voice played slower, so lower and unhurried; a different
# person to the ear, from the one offline model.
OPERATOR_RETUNE = 0.86


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
    caller_voice: Voice | None = None  # for replies whose audio was not saved
    why_no_caller_voice: str | None = None  # why there is none, to say with the missing audio
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
            # Where the business cut in, in the audio as it is played now.
            self._wait_until(self._playing_since + cut[0] / max(self.speed, 1.0))
            playing.stop()
        else:
            playing.wait()

    def _play(self, clip: Clip) -> Playback | None:
        from callersim_cli.audio_codec import faster

        if self.player is None or not clip.pcm:
            return None
        try:
            return self.player.play(faster(clip, self.speed))
        except PlayerError as exc:
            self.say_once("player", f"No sound ({exc}); replaying text only.")
            self.player = None
            return None

    def _start_caller_audio(self, event: Record) -> None:
        if self.player is None:
            return
        name = event.get("audio")
        if not name:
            self._speak_unsaved(str(event.get("text") or ""))
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

    def _speak_unsaved(self, text: str) -> None:
        """A reply kept without its audio (no --save-mp3): said in the offline voice, told once."""
        if not text.strip():
            return
        kept = "The caller's audio was not kept with this call (chat --save-mp3 keeps it)"
        if self.caller_voice is None:
            offer = (
                f"; for the offline voice to speak it: {self.why_no_caller_voice}"
                if self.why_no_caller_voice
                else ""
            )
            self.say_once("unsaved", kept + offer + ".")
            return
        self.say_once("unsaved", f"{kept}; the offline voice speaks its lines.")
        clip = voice_line(self.caller_voice, text, "caller", self.say_once)
        if clip is None:
            self.caller_voice = None  # it failed: told once, and not asked again
            return
        self._playing = self._play(clip)
        self._playing_since = self.clock()

    def _speak_operator(self, text: str) -> None:
        if self.player is None or self.operator_voice is None or not text.strip():
            return
        clip = voice_line(self.operator_voice, text, "business", self.say_once)
        if clip is None:
            self.operator_voice = None  # it failed: told once, and not asked again
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


# --- the command ----------------------------------------------------------------------------------------


@dataclass
class ReplayOptions:
    call_id: str = flag(
        default=dataclasses.MISSING,
        metavar="ID|PATH",
        help="A call ID (or unique prefix), last, -N, or a file.",
    )
    speed: float = flag(
        "--speed", default=1.0, min=0.01, help="Play faster (2 = twice as fast); pauses are capped anyway."
    )
    no_audio: bool = flag("--no-audio", default=False, help="Print only; play nothing.")
    audio_dir: Path | None = flag(
        "--audio-dir", help="Where the caller's MP3s are (the folder given to --save-mp3)."
    )
    voice_operator: str | None = flag(
        "--voice-operator",
        envvar="CALLERSIM_VOICE_OPERATOR",
        help="ElevenLabs voice ID for the business's lines [offline: piper, retuned].",
    )
    export: Path | None = flag(
        "--export", help="Write the whole call, both sides, as one MP3 (nothing plays)."
    )
    player: str = flag(
        "--player",
        default="auto",
        envvar="CALLERSIM_PLAYER",
        choices=PLAYERS.choices,
        help="Audio player; auto takes the first that works.",
    )


def run_replay(options: ReplayOptions, env: Environment) -> int:
    """Replay or export the call ``options`` name; the twin of ``run_chat``. Returns the exit code."""
    try:
        call = find_call(options.call_id, env.calls_dir)
        if options.export is not None:
            _export(call, options, env)
        else:
            _replay(call, options, env)
    except CallersimError as exc:
        env.error(str(exc))
        if env.debug:
            env.traceback()
        return ExitCode.USAGE
    return ExitCode.OK


def _voices(options: ReplayOptions, env: Environment, *, with_caller: bool) -> ReplayVoices:
    return open_voices(
        operator_voice_id=options.voice_operator,
        keys=env.keys,
        base_url=env.get("ELEVENLABS_BASE_URL"),
        with_caller=with_caller,
    )


def _export(call: KeptCall, options: ReplayOptions, env: Environment) -> None:
    from callersim_cli.export import export_call

    assert options.export is not None
    voices = _voices(options, env, with_caller=True)
    result = export_call(
        call,
        options.export,
        audio_dir=options.audio_dir,
        operator_voice=voices.operator,
        caller_voice=voices.caller,
        why_no_voice=voices.why_not,
        notice=env.notice,
    )
    unvoiced = f": {voices.why_not}" if voices.why_not and voices.operator is None else ""
    silent = f", {result.silent_lines} business lines as silence{unvoiced}" if result.silent_lines else ""
    env.notice(f"Wrote {result.path} ({result.duration_s:.1f} s{silent})")


def _replay(call: KeptCall, options: ReplayOptions, env: Environment) -> None:
    from callersim_cli import views
    from callersim_cli.players import open_player

    view = views.CallView(call.label)

    def show(event: Record) -> None:
        for piece in view.pieces(event):
            env.out.print(views.to_rich(piece))

    replay = Replay(call, show, env.notice, audio_dir=options.audio_dir, speed=options.speed)
    if not options.no_audio:
        replay.player, why = open_player(options.player)
        if replay.player is None:
            env.notice(f"No sound ({why}); replaying text only.")
        else:
            unsaved = any(e["type"] == "caller" and not e.get("audio") and e.get("text") for e in call.events)
            voices = _voices(options, env, with_caller=unsaved)
            replay.operator_voice, replay.caller_voice = voices.operator, voices.caller
            replay.why_no_caller_voice = voices.why_not
            if voices.why_not and voices.operator is None:
                env.notice(f"The business's lines are not voiced ({voices.why_not}).")
    replay.run()
