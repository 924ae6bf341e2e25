"""Audio as the voices, players and files of callersim pass it around.

PCM is signed 16-bit little-endian mono throughout. No audio library is imported here: decoding,
encoding and tone generation live in ``callersim_cli.audio_codec`` and are imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_WIDTH = 2  # bytes per sample: 16-bit


@dataclass(frozen=True)
class Clip:
    """A piece of audio: PCM to play, and the MP3 the voice delivered when it delivered one."""

    pcm: bytes
    sample_rate: int
    mp3: bytes | None = None  # kept as received (e.g. from ElevenLabs), so saved files are not re-encoded

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / (SAMPLE_WIDTH * self.sample_rate)
