"""Fault 9 of issue 10: calls saving MP3s into one folder at once never overwrite each other's audio,
and no transcript points at a file another call wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cli_helpers import PIZZA, run_cli
from fake_elevenlabs import FakeElevenLabs

ELEVEN_KEY = "sk_0123456789abcdef0123456789abcdef0123456789abcdef"
CALLS, LINES = 4, ["Pizza Palace, how can I help you?", "What size would you like?", "Anything else?"]


def test_concurrent_calls_saving_into_one_folder_keep_every_reply(tmp_path: Path) -> None:
    mp3 = tmp_path / "mp3"
    with FakeElevenLabs(seconds_per_char=0.001) as tts:
        env = {
            **os.environ,
            "ELEVENLABS_API_KEY": ELEVEN_KEY,
            "ELEVENLABS_BASE_URL": tts.base_url,
        }
        chats = []
        for n in range(CALLS):
            args = [*PIZZA, "--engine", "offline", "--seed", str(n), "--no-audio", "--no-judge"]
            args += ["--save-mp3", str(mp3), "--transcript", str(tmp_path / f"call{n}.jsonl")]
            chats.append(
                subprocess.Popen(
                    [sys.executable, "-m", "callersim_cli", "chat", *args],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
            )
        for chat in chats:  # every call gets its lines at once, so they save side by side
            assert chat.stdin is not None
            chat.stdin.write("".join(line + "\n" for line in LINES))
            chat.stdin.close()
        for chat in chats:
            assert chat.stdout is not None and chat.stderr is not None
            with chat.stdout, chat.stderr:
                chat.stdout.read()
                err = chat.stderr.read()
            assert chat.wait(timeout=120) == 0, err

    named: list[str] = []
    for n in range(CALLS):
        events = [json.loads(line) for line in (tmp_path / f"call{n}.jsonl").read_text().splitlines()]
        named += [e["audio"] for e in events if e["type"] == "caller"]
    assert len(named) == CALLS * len(LINES) and None not in named
    assert len(set(named)) == len(named)  # no two replies share a file
    assert sorted(p.name for p in mp3.iterdir()) == sorted(named)  # nothing else left, nothing missing
    assert all((mp3 / name).stat().st_size > 0 for name in named)


def test_a_stale_part_file_from_a_killed_save_is_removed_and_a_fresh_one_kept(tmp_path: Path) -> None:
    mp3 = tmp_path / "mp3"
    mp3.mkdir()
    stale, fresh = mp3 / ".001-caller.mp3.abc123.part", mp3 / ".002-caller.mp3.def456.part"
    for part in (stale, fresh):
        part.write_bytes(b"\0" * 1024)
    an_hour_ago = stale.stat().st_mtime - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    with FakeElevenLabs(seconds_per_char=0.001) as tts:
        env = {"ELEVENLABS_API_KEY": ELEVEN_KEY, "ELEVENLABS_BASE_URL": tts.base_url}
        args = (*PIZZA, "--engine", "offline", "--no-audio", "--no-judge", "--no-log", "--save-mp3", str(mp3))
        result = run_cli("chat", *args, input="Hello?\n", env=env)
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and fresh.exists()
