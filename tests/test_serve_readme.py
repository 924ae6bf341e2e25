"""The README's curl lines for `callersim serve`, run as written against a real server (only the port
is this test's own: 5000 may be taken on the machine running the tests)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from fake_elevenlabs import FakeElevenLabs
from serve_helpers import serve_process

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_curl_lines() -> list[str]:
    section = README.read_text().split("## Over HTTP: `callersim serve`", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("curl ")]


def test_the_readme_has_the_originals_three_examples() -> None:
    paths = [re.search(r"http://localhost:5000(\S+)", line).group(1) for line in readme_curl_lines()]  # type: ignore[union-attr]
    assert paths == ["/api/context", "/api/chat", "/tts"]


@pytest.mark.skipif(subprocess.run(["which", "curl"], capture_output=True).returncode != 0, reason="no curl")
def test_the_readme_curl_lines_work_one_after_the_other(tmp_path: Path) -> None:
    with FakeElevenLabs() as voice:
        env = {"ELEVENLABS_API_KEY": "xi-readme-key-1234567890", "ELEVENLABS_BASE_URL": voice.base_url}
        with serve_process("--tts", "elevenlabs", env=env) as served:
            port = served.url.rsplit(":", 1)[1]
            outputs = []
            for line in readme_curl_lines():
                command = line.replace("localhost:5000", f"localhost:{port}")
                done = subprocess.run(
                    ["bash", "-c", command + " -sS"], capture_output=True, text=True, cwd=tmp_path
                )
                assert done.returncode == 0, done.stderr
                outputs.append(done.stdout)
    context, chat = json.loads(outputs[0]), json.loads(outputs[1])
    assert context["ok"] is True and context["scenario"] == "order a large pepperoni pizza"
    assert "pepperoni" in chat["text"].lower() and chat["audio_base64"]
    mp3 = (tmp_path / "hello.mp3").read_bytes()
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF
