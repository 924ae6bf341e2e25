"""Every test runs isolated: no API keys or base URLs from the machine, data and config dirs in tmp."""

from __future__ import annotations

from pathlib import Path

import pytest

ISOLATED_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "ELEVENLABS_API_KEY",
    "ELEVENLABS_BASE_URL",
    "CALLERSIM_ENGINE",
    "CALLERSIM_MODEL",
    "CALLERSIM_TTS",
    "CALLERSIM_PLAYER",
    "CALLERSIM_VOICE",
    "NO_COLOR",
    "CALLERSIM_HOME",
    "CALLERSIM_VOICE_OPERATOR",
    "ALSA_CONFIG_PATH",
)

# The four sample flows shipped beside the project (../shared/ivr-samples), copied in so a plain clone
# tests the same: a test must not read outside the repository.
SAMPLES_DIR = Path(__file__).parent / "flows" / "samples"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ISOLATED_VARS:
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # a .env in the developer's checkout must not leak in
    return tmp_path
