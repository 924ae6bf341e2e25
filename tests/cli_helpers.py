"""Running the real `callersim` entry point in a subprocess, as a user's shell would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PIZZA = ["-d", "We are a pizza restaurant.", "-s", "order a large pepperoni pizza"]


def run_cli(
    *args: str,
    input: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "callersim_cli", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


def start_piped_chat(
    base_url: str, key: str, transcript: Path, lines: str, output: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """`callersim chat` against an OpenAI-compatible server, ``lines`` written to a stdin left open, so the
    call waits for more as a pipe from a slow producer would."""
    env = {**os.environ, "OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": key}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "callersim_cli",
            "chat",
            *PIZZA,
            "--no-audio",
            "--transcript",
            str(transcript),
        ],
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=output,
        env=env,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write(lines)
    proc.stdin.flush()
    return proc


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
