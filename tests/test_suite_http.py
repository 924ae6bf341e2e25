"""`callersim test` against HTTP bots: the example server holding many calls at once, and a loopback bot
that answers what a broken server does (a 500, a body that is not JSON, no answer in time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import read_jsonl
from loopback import LoopbackServer
from suite_helpers import EXAMPLES, case, results, run_test, write_suite


@pytest.fixture
def http_bot(tmp_path: Path):
    """The example HTTP bot, serving on a free port; yields its URL. Requests need the token."""
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "pizza_http_bot.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PIZZA_BOT_TOKEN": "tok-SECRET-4f9a2c1e"},
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=5)
        process.stdout.close()


def http_suite(tmp_path: Path, url: str, cases: int = 1) -> Path:
    bot = f'url = "{url}"\nheaders = {{ Authorization = "Bearer ${{BOT_TOKEN}}" }}'
    listed = [
        f'[[case]]\nid = "order-{n}"\nscenario = "order a large pepperoni pizza for pickup and pay by card"\n'
        f'data = {{ customer_id = "C-{n}" }}\n'
        'expect = { bot_events = ["place_order"], goal_reached = true }\n'
        for n in range(cases)
    ]
    return write_suite(tmp_path, bot, *listed, suite="concurrency = 4")


def test_the_http_transport_runs_many_calls_on_one_server(
    tmp_path: Path, http_bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "tok-SECRET-4f9a2c1e")
    out = tmp_path / "out"

    result = run_test(http_suite(tmp_path, http_bot, cases=6), "--out", out)

    assert result.exit_code == 0, result.output
    for line in results(out):
        events = read_jsonl(Path(line["call_log"]))
        [order] = [e for e in events if e["type"] == "bot_event"]
        assert order["data"]["customer_id"] == "C-" + line["case"].split("-")[1]  # its own call, no other's


def test_an_http_error_is_an_error_run_with_the_status_and_body(
    tmp_path: Path, http_bot: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "not-the-token")
    out = tmp_path / "out"

    result = run_test(http_suite(tmp_path, http_bot), "--out", out)

    assert result.exit_code == 3
    [failure] = results(out)[0]["failures"]
    assert failure["kind"] == "protocol"
    assert failure["message"] == 'POST /calls answered 401: \'{"error": "unauthorized"}\''


# --- a loopback bot that misbehaves ---------------------------------------------------------------------

Answer = tuple[int, str]  # status, body
GREETING = json.dumps({"events": [{"type": "say", "text": "Acme, hello."}, {"type": "listen"}]})


class FakeBot(LoopbackServer):
    """Answers ``POST /calls`` with a greeting, and every later request with ``later(method, path)``."""

    def __init__(self, later: Callable[[str, str], Answer]) -> None:
        self.later = later
        self.requests: list[tuple[str, str, Any]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        bot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                bot.requests.append((self.command, self.path, body))
                first = self.command == "POST" and self.path.endswith("/calls")
                status, text = (200, GREETING) if first else bot.later(self.command, self.path)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_DELETE = answer

        return Handler

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"


def slow(method: str, path: str) -> Answer:
    time.sleep(1.5)
    return 200, GREETING


@pytest.mark.parametrize(
    ("later", "kind", "message"),
    [
        (
            lambda m, p: (500, "Internal Server Error: menu db down"),
            "bot_crash",
            "POST /calls/x-1-1/events answered 500: 'Internal Server Error: menu db down'",
        ),
        (lambda m, p: (200, "<html>oops</html>"), "protocol", "is not JSON: '<html>oops</html>'"),
        (lambda m, p: (200, '{"say": "hi"}'), "protocol", 'must be {"events": [...]}, not \'{"say": "hi"}\''),
        (
            lambda m, p: (200, '{"events": [{"type": "say", "text": "Hm."}]}'),
            "protocol",
            "ends without listen, hangup or transfer",
        ),
        (
            lambda m, p: (200, '{"events": [{"type": "sya", "text": "Hm."}]}'),
            "protocol",
            "event 1: unknown event type 'sya'",
        ),
        (slow, "bot_timeout", "had no answer within 0.5 s (turn_timeout_s)"),
    ],
)
def test_a_broken_http_bot_is_an_error_run_saying_what_it_answered(
    tmp_path: Path, later: Callable[[str, str], Answer], kind: str, message: str
) -> None:
    out = tmp_path / "out"
    with FakeBot(later) as bot:
        path = write_suite(tmp_path, f'url = "{bot.url}"', case("x"), suite="turn_timeout_s = 0.5")
        result = run_test(path, "--out", out)

    assert result.exit_code == 3
    [failure] = results(out)[0]["failures"]
    assert failure["kind"] == kind and message in failure["message"]
    assert [(m, p) for m, p, _ in bot.requests][:2] == [
        ("POST", "/bot/calls"),
        ("POST", "/bot/calls/x-1-1/events"),
    ]
    events = read_jsonl(Path(results(out)[0]["call_log"]))
    assert any(e["type"] == "error" and message in e["message"] for e in events)
