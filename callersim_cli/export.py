"""Exporting a kept call: the whole call, both sides, written as one MP3.

Caller replies are their saved MP3s (found as ``replay`` finds them), cut where the business cut in,
else voiced now; the operator's side was only ever typed: it is voiced by a second voice, or stands as
a short silence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from callersim_cli.audio import SAMPLE_WIDTH, Clip
from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.files import refuse_folder, write_file
from callersim_cli.records import ContextRecord, KeptCall, barge_in, find_audio
from callersim_cli.speakable import speakable
from callersim_cli.voices import Voice


def voice_line(
    voice: Voice | None,
    text: str,
    side: str,
    say_once: Callable[[str, str], None],
    failed: Callable[[str], None] = lambda message: None,
) -> Clip | None:
    """``text`` said by ``voice`` (the business's or the caller's ``side``); None with no voice or no
    words. A failing voice is told once (``say_once``) and reported to ``failed``."""
    if voice is None or not text.strip():
        return None
    try:
        return voice.synthesize(speakable(text))
    except CallersimError as exc:
        failed(str(exc))
        say_once(f"voice:{side}", f"The {side}'s lines are not voiced: {exc}")
        return None


# Each unvoiced operator line is this much silence: a turn is heard to pass, no more.
OPERATOR_SILENCE_S = 1.0
# The pause between one speaker and the next.
TURN_PAUSE_S = 0.4
DEFAULT_RATE = 22_050  # the piper voice's rate, for an export with no saved audio to take a rate from


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
        return voice_line(voice, text, side, say_once, voice_errors.append)

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
