"""MP3 in and out, keypad tones, resampling and joining a reply into one MP3: measured, not mocked."""

from __future__ import annotations

import array
import math

import pytest

from callersim_cli.audio import Clip
from callersim_cli.audio_codec import (
    DTMF_FREQUENCIES,
    DTMF_GAP_S,
    DTMF_TONE_S,
    clip_to_mp3,
    decode_mp3,
    dtmf_clip,
    encode_mp3,
    join_mp3,
    resample,
    silence,
)


def _slack_s(rate: int) -> float:
    """What an MP3 adds to a clip without a gapless tag: the encoder's delay plus one frame of padding."""
    frame = 1152 if rate >= 32000 else 576
    return (1105 + frame) / rate


def _tone(seconds: float, rate: int, freq: float = 440.0) -> Clip:
    n = round(seconds * rate)
    samples = array.array("h", (round(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))
    return Clip(pcm=samples.tobytes(), sample_rate=rate)


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
def test_mp3_round_trip_keeps_the_duration(rate: int) -> None:
    clip = _tone(1.0, rate)
    mp3 = encode_mp3(clip.pcm, rate)
    decoded = decode_mp3(mp3)
    assert decoded.sample_rate == rate
    assert decoded.mp3 == mp3, "the MP3 stays with the clip, to be saved as it came"
    assert clip.duration_s <= decoded.duration_s <= clip.duration_s + _slack_s(rate)


def test_encoded_mp3_is_mono() -> None:
    import miniaudio

    info = miniaudio.mp3_get_info(encode_mp3(_tone(0.2, 44100).pcm, 44100))
    assert (info.nchannels, info.sample_rate) == (1, 44100)


def test_decoding_what_is_not_mp3_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not decodable as MP3"):
        decode_mp3(b'{"detail": "not audio"}')


def test_clip_to_mp3_keeps_received_bytes_and_encodes_the_rest() -> None:
    received = decode_mp3(encode_mp3(_tone(0.3, 44100).pcm, 44100))
    assert clip_to_mp3(received) is received.mp3
    fresh = clip_to_mp3(_tone(0.3, 22050))
    assert decode_mp3(fresh).sample_rate == 22050


@pytest.mark.parametrize("key", list(DTMF_FREQUENCIES))
def test_dtmf_key_sounds_its_two_frequencies(key: str) -> None:
    np = pytest.importorskip("numpy")
    rate = 8000
    clip = dtmf_clip(key, rate)
    assert clip.sample_rate == rate
    assert clip.duration_s == pytest.approx(DTMF_TONE_S + DTMF_GAP_S, abs=1 / rate)

    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(float)
    tone = samples[: round(DTMF_TONE_S * rate)]
    spectrum = np.abs(np.fft.rfft(tone * np.hanning(len(tone))))
    freqs = np.fft.rfftfreq(len(tone), 1 / rate)
    # The two strongest peaks, taken at least 50 Hz apart (the keypad's tones are 70+ Hz apart).
    first = int(np.argmax(spectrum))
    spectrum_without_first = np.where(np.abs(freqs - freqs[first]) < 50, 0, spectrum)
    second = int(np.argmax(spectrum_without_first))
    found = sorted((freqs[first], freqs[second]))
    bin_hz = rate / len(tone)
    assert found == pytest.approx(DTMF_FREQUENCIES[key], abs=bin_hz)
    assert np.abs(samples).max() < 32767, "the two tones together do not clip"
    assert not samples[round(DTMF_TONE_S * rate) + 1 :].any(), "the gap after a key is silent"


def test_dtmf_digits_follow_one_another() -> None:
    clip = dtmf_clip("4417#", 44100)
    assert clip.duration_s == pytest.approx(5 * (DTMF_TONE_S + DTMF_GAP_S), abs=5 / 44100)
    with pytest.raises(ValueError, match="not keypad keys: 'x'"):
        dtmf_clip("1x", 8000)


def test_resample_keeps_the_duration() -> None:
    clip = _tone(0.5, 22050)
    up = resample(clip, 44100)
    assert up.sample_rate == 44100
    assert up.duration_s == pytest.approx(0.5, abs=0.002)
    assert up.mp3 is None
    assert resample(clip, 22050) is clip


def test_silence() -> None:
    quiet = silence(0.25, 16000)
    assert (quiet.duration_s, quiet.sample_rate) == (0.25, 16000)
    assert not any(quiet.pcm)


def test_join_keeps_received_speech_mp3_and_adds_the_tones() -> None:
    speech = [decode_mp3(encode_mp3(_tone(s, 44100).pcm, 44100)) for s in (0.8, 0.5)]
    tones = dtmf_clip("12", 8000)
    parts = [speech[0], tones, silence(0.3, 22050), speech[1]]

    joined = join_mp3(parts)

    assert speech[0].mp3 is not None and speech[1].mp3 is not None
    assert joined.startswith(speech[0].mp3), "the speech is not re-encoded"
    assert speech[1].mp3 in joined
    decoded = decode_mp3(joined)
    assert decoded.sample_rate == 44100
    expected = sum(part.duration_s for part in parts)
    # The speech parts already hold their encoder slack; the tones and pause, encoded here once, add one.
    assert expected <= decoded.duration_s <= expected + _slack_s(44100)


def test_join_without_mp3_parts_encodes_once_at_the_highest_rate() -> None:
    parts = [_tone(0.7, 22050), dtmf_clip("9", 8000), silence(0.2, 22050)]
    decoded = decode_mp3(join_mp3(parts))
    assert decoded.sample_rate == 22050
    expected = sum(part.duration_s for part in parts)
    assert expected <= decoded.duration_s <= expected + _slack_s(22050)


def test_join_of_nothing_is_empty() -> None:
    assert join_mp3([]) == b""
    assert join_mp3([silence(0, 44100)]) == b""
