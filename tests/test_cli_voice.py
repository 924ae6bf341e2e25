"""`callersim chat` with the ElevenLabs voice, through the entry point and the real SDK, on loopback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_helpers import PIZZA, read_jsonl, run_cli
from fake_elevenlabs import FakeElevenLabs

from callersim_cli.audio_codec import decode_mp3

ELEVEN_KEY = "sk_0123456789abcdef0123456789abcdef0123456789abcdef"


@pytest.fixture
def tts():
    with FakeElevenLabs(seconds_per_char=0.01) as fake:
        yield fake


def eleven_env(server: FakeElevenLabs) -> dict[str, str]:
    return {"ELEVENLABS_API_KEY": ELEVEN_KEY, "ELEVENLABS_BASE_URL": server.base_url}


def test_a_key_selects_elevenlabs_with_the_original_voice_and_model(
    tts: FakeElevenLabs, tmp_path: Path
) -> None:
    mp3 = tmp_path / "mp3"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--save-mp3",
        str(mp3),
        "--transcript",
        str(tmp_path / "t.jsonl"),
        input="Pizza Palace, how can I help you?\n",
        env=eleven_env(tts),
    )
    assert result.returncode == 0, result.stderr
    assert tts.requests, "no speech was requested"
    first = tts.requests[0]
    assert first.voice_id == "JBFqnCBsd6RMkjVDRZzb"
    assert first.body["model_id"] == "eleven_turbo_v2_5"
    assert first.query["output_format"].startswith("mp3_")
    assert first.headers["xi-api-key"] == ELEVEN_KEY
    spoken = " ".join(r.body["text"] for r in tts.requests)
    caller = next(e for e in read_jsonl(tmp_path / "t.jsonl") if e["type"] == "caller")
    assert spoken == caller["text"]  # every sentence of the reply was spoken, in order
    saved = (mp3 / caller["audio"]).read_bytes()
    assert decode_mp3(saved).duration_s > 0.2
    assert ELEVEN_KEY not in result.stdout + result.stderr


def test_voice_and_model_flags_override_the_defaults(tts: FakeElevenLabs, tmp_path: Path) -> None:
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--save-mp3",
        str(tmp_path),
        "--voice",
        "someOtherVoice",
        "--tts-model",
        "eleven_flash_v2_5",
        "--no-log",
        input="Hello?\n",
        env=eleven_env(tts),
    )
    assert result.returncode == 0, result.stderr
    assert {r.voice_id for r in tts.requests} == {"someOtherVoice"}
    assert {r.body["model_id"] for r in tts.requests} == {"eleven_flash_v2_5"}


def fallback_call(env: dict[str, str], tmp_path: Path) -> tuple[str, list[float]]:
    """A piped two-line call saving its replies; returns stderr and the saved replies' sample rates."""
    pytest.importorskip("piper", reason="the offline voice is not installed")
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--save-mp3",
        str(tmp_path / "mp3"),
        "--transcript",
        str(tmp_path / "t.jsonl"),
        input="Pizza Palace, how can I help you?\nWhat size?\n",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "pepperoni" in result.stdout.lower() and "large" in result.stdout.lower()
    assert ELEVEN_KEY not in result.stdout + result.stderr
    saved = [e["audio"] for e in read_jsonl(tmp_path / "t.jsonl") if e["type"] == "caller"]
    return result.stderr, [decode_mp3((tmp_path / "mp3" / name).read_bytes()).sample_rate for name in saved]


def test_a_rejected_key_at_the_start_falls_back_to_the_offline_voice_with_one_warning(
    tts: FakeElevenLabs, tmp_path: Path
) -> None:
    tts.fail_next("bad_key", times=50)

    stderr, rates = fallback_call(eleven_env(tts), tmp_path)

    warnings = [line for line in stderr.splitlines() if "ELEVENLABS_API_KEY" in line]
    assert warnings == [
        "ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY; "
        "the offline voice (piper) speaks instead"
    ]
    assert len(tts.requests) == 1  # asked once; then the offline voice for the rest of the call
    assert rates == [22050, 22050]  # both replies were spoken, in the offline voice


def test_no_network_at_the_start_falls_back_to_the_offline_voice(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"

    stderr, rates = fallback_call({"ELEVENLABS_API_KEY": ELEVEN_KEY, "ELEVENLABS_BASE_URL": dead}, tmp_path)

    warnings = [line for line in stderr.splitlines() if "Can't reach ElevenLabs" in line]
    assert len(warnings) == 1 and warnings[0].endswith("the offline voice (piper) speaks instead")
    assert rates == [22050, 22050]


def test_elevenlabs_without_a_key_is_refused() -> None:
    result = run_cli("chat", *PIZZA, "--tts", "elevenlabs", "--no-log", input="Hi\n")
    assert result.returncode == 2 and "ELEVENLABS_API_KEY" in result.stderr
