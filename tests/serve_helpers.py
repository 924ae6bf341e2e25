"""Serving for the tests: the real app in process (Starlette's TestClient, lifespan and all), or the
real ``callersim serve`` in a subprocess on a free port, as a user starts it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

from callersim_cli.environment import Environment
from callersim_cli.server.serve import ServeOptions, build_app

JSON = {"Content-Type": "application/json"}
PIZZA = {"description": "We are a pizza restaurant.", "scenario": "order a large pepperoni pizza"}
BASE = "http://127.0.0.1:5000"


@contextmanager
def serving(vars: dict[str, str] | None = None, **options: Any) -> Iterator[TestClient]:
    """A client of the app ``callersim serve`` would run with ``options`` (text only unless a voice is
    asked for) in an environment of ``vars``, with the calls kept under ``CALLERSIM_HOME``."""
    options.setdefault("tts", "none")
    env = Environment({"CALLERSIM_HOME": os.environ.get("HOME", ".") + "/callersim", **(vars or {})})
    app, _ = build_app(ServeOptions(**options), env)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield client


def events(client: TestClient, message: str, **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of one streamed turn, in order."""
    out = []
    with client.stream("POST", "/api/chat/stream", json={"message": message}, **kwargs) as response:
        assert response.status_code == 200, response.read()
        kind = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: "):
                assert kind is not None
                out.append((kind, json.loads(line[len("data: ") :])))
    return out


@dataclass
class Served:
    url: str
    log: str = ""  # what it printed on stderr, once stopped
    exit_code: int | None = None


@contextmanager
def serve_process(*args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """``callersim serve --port 0 ARGS`` in a subprocess; yields its base URL (and, once it is stopped
    with Ctrl-C, its log)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "callersim_cli", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stderr is not None
    seen = []
    url = None
    deadline = time.monotonic() + 60
    while url is None and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if m := re.search(r"callersim serve: (http://\S+/)", line):
            url = m.group(1).rstrip("/")
    assert url is not None, "".join(seen) + process.stderr.read()
    served = Served(url)
    try:
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, rest = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, rest = process.communicate()
        served.log = "".join(seen) + rest
        served.exit_code = process.returncode
