"""Voices: each turns a piece of the caller's text into audio.

One file per voice, one line per voice in ``VOICES``; modules are imported only when chosen.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from callersim_cli.audio import Clip
from callersim_cli.errors import UsageError


class Voice(Protocol):
    """Turns text into audio. A voice holding connections may also have ``close()``; the session
    calls it at its end when present."""

    name: str

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        """Speak ``text``; the neighbouring text lets a voice join the prosody up. Raises ``VoiceError``."""
        ...


@dataclass(frozen=True)
class VoiceOptions:
    api_key: str | None = None  # ElevenLabs
    base_url: str | None = None  # ElevenLabs API address (proxies, loopback tests)
    voice_id: str | None = None
    model: str | None = None
    timeout_s: float = 20.0


# name -> "module:class"; the class is built as Class(options).
VOICES: dict[str, str] = {
    "elevenlabs": "callersim_cli.voices.elevenlabs_voice:ElevenLabsVoice",
    "piper": "callersim_cli.voices.piper_voice:PiperVoice",
}


def create_voice(name: str, options: VoiceOptions) -> Voice:
    if name not in VOICES:
        raise UsageError(f"Unknown voice {name!r}; choose one of: auto, {', '.join(VOICES)}, none")
    module_name, _, class_name = VOICES[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)(options)
