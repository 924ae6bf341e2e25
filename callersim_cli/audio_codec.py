"""Decoding, encoding, resampling and tone generation for ``Clip``s, without ffmpeg.

miniaudio decodes MP3, lameenc encodes it, pydub does only what it does in pure Python (segments from
raw PCM, tone generators, frame-rate conversion through audioop). Every library is imported inside the
function that uses it, so importing this module costs nothing.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from callersim_cli.audio import SAMPLE_WIDTH, Clip

if TYPE_CHECKING:
    from pydub import AudioSegment

MP3_BITRATE_KBPS = 128  # as ElevenLabs' mp3_44100_128, so a reply's parts sound alike

# Keypad row and column frequencies (ITU-T Q.23); each key sounds one of each at once.
_DTMF_ROWS = (697, 770, 852, 941)
_DTMF_COLS = (1209, 1336, 1477, 1633)
_DTMF_KEYS = ("123A", "456B", "789C", "*0#D")
DTMF_FREQUENCIES: dict[str, tuple[int, int]] = {
    key: (_DTMF_ROWS[row], _DTMF_COLS[col])
    for row, keys in enumerate(_DTMF_KEYS)
    for col, key in enumerate(keys)
}
DTMF_TONE_S = 0.15
DTMF_GAP_S = 0.08


def _import_pydub() -> None:
    # At import pydub warns that ffmpeg is missing (we never ask it for ffmpeg) and Python warns that
    # audioop is deprecated (pyproject brings audioop-lts where it is gone): both only confuse users and
    # fail tests that turn warnings into errors. Once imported, later imports are silent.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pydub.effects
        import pydub.generators  # noqa: F401  (imports pydub.AudioSegment too)


def _audio_segment() -> type[AudioSegment]:
    _import_pydub()
    from pydub import AudioSegment

    return AudioSegment


def _segment(clip: Clip) -> AudioSegment:
    return _audio_segment()(data=clip.pcm, sample_width=SAMPLE_WIDTH, frame_rate=clip.sample_rate, channels=1)


def decode_mp3(data: bytes) -> Clip:
    """Decode MP3 ``data`` to mono 16-bit PCM at the file's own rate; the MP3 is kept in the clip.

    Raises ``ValueError`` when ``data`` is not MP3.
    """
    import miniaudio

    try:
        info = miniaudio.mp3_get_info(data)
        decoded = miniaudio.decode(
            data, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=info.sample_rate
        )
    except miniaudio.DecodeError as exc:
        raise ValueError(f"not decodable as MP3 ({len(data)} bytes)") from exc
    return Clip(pcm=decoded.samples.tobytes(), sample_rate=info.sample_rate, mp3=bytes(data))


def encode_mp3(pcm: bytes, sample_rate: int) -> bytes:
    """Encode mono 16-bit ``pcm`` as a constant-bitrate MP3.

    lameenc writes no gapless (LAME) tag, so a decoder returns the audio preceded by the encoder's delay
    (about 1,100 samples) and padded to a whole frame: some 25 to 50 ms more than went in.
    """
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_BITRATE_KBPS)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)  # 2 = high quality; speech-length clips encode in milliseconds anyway
    usable = len(pcm) - len(pcm) % SAMPLE_WIDTH
    return bytes(encoder.encode(pcm[:usable]) + encoder.flush())


def clip_to_mp3(clip: Clip) -> bytes:
    """The clip as MP3: the bytes the voice delivered when it delivered MP3, else a fresh encoding."""
    return clip.mp3 if clip.mp3 is not None else encode_mp3(clip.pcm, clip.sample_rate)


def silence(seconds: float, rate: int) -> Clip:
    return Clip(pcm=b"\x00" * (SAMPLE_WIDTH * round(seconds * rate)), sample_rate=rate)


def dtmf_clip(digits: str, sample_rate: int) -> Clip:
    """The keypad tones of ``digits`` (0-9, *, #, A-D), each a tone then a gap, as a phone sends them.

    Raises ``ValueError`` for a character that is not a key.
    """
    unknown = sorted({d for d in digits if d.upper() not in DTMF_FREQUENCIES})
    if unknown:
        raise ValueError(f"not keypad keys: {''.join(unknown)!r} (use 0-9, *, #, A-D)")
    _import_pydub()
    from pydub.generators import Sine

    tone_ms = DTMF_TONE_S * 1000
    gap = silence(DTMF_GAP_S, sample_rate).pcm
    pieces: list[bytes] = []
    for digit in digits.upper():
        low, high = DTMF_FREQUENCIES[digit]
        # Two tones at -7 dBFS each: their sum peaks just under full scale, so the mix never clips.
        tone = Sine(low, sample_rate=sample_rate, bit_depth=16).to_audio_segment(
            duration=tone_ms, volume=-7.0
        )
        tone = tone.overlay(
            Sine(high, sample_rate=sample_rate, bit_depth=16).to_audio_segment(duration=tone_ms, volume=-7.0)
        )
        pieces += [tone.raw_data, gap]
    return Clip(pcm=b"".join(pieces), sample_rate=sample_rate)


def resample(clip: Clip, rate: int) -> Clip:
    """The clip at ``rate``; its MP3 is dropped, as it no longer matches the PCM."""
    if clip.sample_rate == rate:
        return clip
    return Clip(pcm=_segment(clip).set_frame_rate(rate).raw_data, sample_rate=rate)


def faster(clip: Clip, speed: float) -> Clip:
    """``clip`` played ``speed`` times as fast at the same pitch (short pieces dropped and crossfaded, as
    pydub's ``speedup`` does); as it is for a speed of 1 or less."""
    if speed <= 1 or not clip.pcm:
        return clip
    _import_pydub()
    from pydub.effects import speedup

    segment = _segment(clip)
    target_ms = len(segment) / speed
    quicker = speedup(segment, speed)
    if len(quicker) > target_ms * 1.03:  # the crossfades add a little: ask for that much more speed
        quicker = speedup(segment, speed * len(quicker) / target_ms)
    return Clip(pcm=quicker.raw_data, sample_rate=clip.sample_rate)


def _without_id3v2(mp3: bytes) -> bytes:
    # A tag in the middle of a stream can be heard as a click by some players: only the first part keeps it.
    if len(mp3) >= 10 and mp3[:3] == b"ID3":
        size = (mp3[6] & 0x7F) << 21 | (mp3[7] & 0x7F) << 14 | (mp3[8] & 0x7F) << 7 | (mp3[9] & 0x7F)
        footer = 10 if mp3[5] & 0x10 else 0
        return mp3[10 + size + footer :]
    return mp3


def join_mp3(parts: list[Clip]) -> bytes:
    """One MP3 of ``parts`` in order, e.g. a whole reply: speech clips and key-press tones.

    When every part that came as MP3 has the same rate, those bytes are kept as received (no second
    generation of lossy encoding) and only the other parts (tones, silences) are encoded at that rate,
    each run of them at once.
    Otherwise everything is brought to one rate and encoded once.
    """
    parts = [part for part in parts if part.pcm or part.mp3]
    if not parts:
        return b""
    mp3_rates = {part.sample_rate for part in parts if part.mp3 is not None}
    if len(mp3_rates) == 1:
        rate = mp3_rates.pop()
        pieces: list[bytes] = []
        run: list[bytes] = []  # PCM of consecutive parts to encode: once, as each encoding adds ~50 ms
        for part in parts:
            if part.mp3 is None:
                run.append(resample(part, rate).pcm)
                continue
            if run:
                pieces.append(encode_mp3(b"".join(run), rate))
                run = []
            pieces.append(part.mp3)
        if run:
            pieces.append(encode_mp3(b"".join(run), rate))
        return pieces[0] + b"".join(_without_id3v2(piece) for piece in pieces[1:])
    rate = max(part.sample_rate for part in parts)
    return encode_mp3(b"".join(resample(part, rate).pcm for part in parts), rate)
