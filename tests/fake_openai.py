"""A loopback OpenAI Chat Completions server for tests and benchmarks; standard library only.

The real SDK is pointed at it through ``base_url``, so what is tested is what the SDK really sends and
how our code reacts to what a server really answers: streamed chunks, slow tokens, errors with the
OpenAI error body and a ``Retry-After`` header, a connection cut mid-reply. Every request is recorded.

In a test::

    with FakeOpenAI() as server:
        server.enqueue("Hi, I'd like to book a table.", "[press 2]")
        engine = OpenAIEngine(OpenAIOptions(base_url=server.url, api_key="sk-test"))
        ...
        assert server.chat_requests[-1].body["model"] == "gpt-4o-mini"

From a shell or a benchmark (prints the base URL on its first line, serves until interrupted)::

    python tests/fake_openai.py --port 0 --reply "Hello there." --ttft 0.3 --token-delay 0.02
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import LoopbackServer

__all__ = ["Failure", "FakeOpenAI", "Recorded", "Script", "error_body", "split_tokens"]

DEFAULT_REPLY = "Hello, I'm calling about my order."

# A word and the space after it, like the pieces a real model streams ("Hello", ",", " I'd"...) but
# coarse enough that brackets get split across pieces ("[press " + "2]"), which is what the parser
# downstream must survive.
_TOKEN = re.compile(r"\S+\s*|\s+")


def split_tokens(text: str) -> list[str]:
    """The pieces a reply is streamed in when the script does not give them."""
    return _TOKEN.findall(text)


@dataclass
class Script:
    """One scripted reply, for when plain text is not enough.

    ``pieces`` streams exactly those pieces; ``ttft_s``/``token_delay_s`` override the server's delays;
    ``disconnect_after`` cuts the connection after that many pieces (no end of body, no ``[DONE]``);
    ``stream_error`` sends an OpenAI ``{"error": ...}`` event after the pieces instead of finishing;
    ``no_choices`` answers with empty ``choices`` lists, as some proxies do; ``raw_sse`` streams exactly
    that text as the body, for servers that are not Chat Completions at all.
    """

    text: str = ""
    pieces: Sequence[str] | None = None
    ttft_s: float | None = None
    token_delay_s: float | None = None
    disconnect_after: int | None = None
    stream_error: str | None = None
    no_choices: bool = False
    finish_reason: str = "stop"
    refusal: str | None = None
    raw_sse: str | None = None

    def tokens(self) -> list[str]:
        return list(self.pieces) if self.pieces is not None else split_tokens(self.text)


@dataclass
class Failure:
    """An error answered instead of a reply, ``times`` times in a row (then requests succeed again)."""

    status: int
    message: str | None = None  # None: a realistic message for the status
    type: str | None = None
    code: str | None = None
    times: int = 1
    retry_after: str | None = None  # sent as the Retry-After header, verbatim
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorded:
    """One request as the server saw it. Header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None
    at: float  # time.monotonic() when the request was read

    @property
    def bearer(self) -> str | None:
        """The key from ``Authorization: Bearer <key>``, if any."""
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))


Reply = str | Script
ReplyFunction = Callable[[dict[str, Any]], Reply]

_DEFAULT_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}


def error_body(
    status: int, message: str, type_: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """The body OpenAI answers errors with."""
    default_type, default_code = _DEFAULT_ERRORS.get(status, ("api_error", None))
    return {
        "error": {
            "message": message,
            "type": type_ or default_type,
            "param": None,
            "code": code or default_code,
        }
    }


class FakeOpenAI(LoopbackServer):
    """A Chat Completions server on 127.0.0.1, on an ephemeral port unless one is given.

    Replies come from, in order: the function set with ``reply_with``, the queue filled by ``enqueue``,
    then ``default_reply``. Failures queued with ``fail`` come before any reply. Thread-safe; all
    settings may be changed while it runs.
    """

    def __init__(
        self,
        replies: Sequence[Reply] = (),
        *,
        ttft_s: float = 0.0,
        token_delay_s: float = 0.0,
        default_reply: str = DEFAULT_REPLY,
        models: Sequence[str] | None = None,
        require_key: str | None = None,
        port: int = 0,
    ) -> None:
        self.ttft_s = ttft_s
        self.token_delay_s = token_delay_s
        self.default_reply = default_reply
        # When set, a request for another model gets OpenAI's 404 model_not_found.
        self.models = list(models) if models is not None else None
        # When set, a request without this bearer key gets OpenAI's 401, echoing the key it was sent.
        self.require_key = require_key
        self.requests: list[Recorded] = []
        self._replies: deque[Reply] = deque(replies)
        self._reply_function: ReplyFunction | None = None
        self._failures: deque[Failure] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._port = port

    # --- lifecycle -------------------------------------------------------------------------------

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"fake": self})

    def start(self) -> FakeOpenAI:
        self._stopping.clear()
        return super().start()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping between tokens
        super().stop()

    @property
    def url(self) -> str:
        """The base URL to give the SDK (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    # --- scripting -------------------------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Replies for the next requests, one each, in order."""
        with self._lock:
            self._replies.extend(replies)

    def reply_with(self, function: ReplyFunction | None) -> None:
        """Compute every reply from the request's JSON body (None goes back to the queue)."""
        with self._lock:
            self._reply_function = function

    def fail(
        self,
        status: int,
        message: str | None = None,
        *,
        times: int = 1,
        retry_after: float | str | None = None,
        type: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` requests with this error; queued failures are used in order."""
        with self._lock:
            self._failures.append(
                Failure(
                    status,
                    message,
                    type=type,
                    code=code,
                    times=times,
                    retry_after=None if retry_after is None else _format_number(retry_after),
                    headers=dict(headers or {}),
                )
            )

    def reset(self) -> None:
        """Forget recorded requests and queued replies and failures."""
        with self._lock:
            self.requests.clear()
            self._replies.clear()
            self._failures.clear()
            self._reply_function = None

    @property
    def chat_requests(self) -> list[Recorded]:
        """The recorded POSTs to /v1/chat/completions."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # --- used by the handler ---------------------------------------------------------------------

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_failure(self) -> Failure | None:
        with self._lock:
            if not self._failures:
                return None
            failure = self._failures[0]
            failure.times -= 1
            if failure.times <= 0:
                self._failures.popleft()
            return failure

    def _next_reply(self, body: dict[str, Any]) -> Script:
        with self._lock:
            function = self._reply_function
            reply: Reply = (
                self._replies.popleft() if function is None and self._replies else self.default_reply
            )
        if function is not None:
            reply = function(body)  # outside the lock: it may call back into the server
        return reply if isinstance(reply, Script) else Script(text=reply)

    def _sleep(self, seconds: float) -> bool:
        """Wait, unless the server is stopping; False when it is."""
        return seconds <= 0 or not self._stopping.wait(seconds)

    def _new_id(self) -> str:
        return f"chatcmpl-fake{next(self._ids)}"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as the SDK's pool expects
    server_version = "FakeOpenAI/1.0"
    timeout = 60  # an idle keep-alive connection is dropped after this, as real servers do

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks read their own output

    # --- routes ----------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._record(None)
        if self._route() == "/v1/models":
            names = self.fake.models or ["gpt-4o-mini"]
            data = [{"id": name, "object": "model", "created": 0, "owned_by": "fake"} for name in names]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, error_body(404, f"Unknown path {self.path}", code="unknown_url"))

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self._record(body)
        if self._route() != "/v1/chat/completions":
            self._send_json(404, error_body(404, f"Unknown path {self.path}", code="unknown_url"))
            return
        if not isinstance(body, dict) or "messages" not in body or "model" not in body:
            self._send_json(400, error_body(400, "Missing required parameters: model, messages"))
            return
        if self._refused(body):
            return
        script = self.fake._next_reply(body)
        if body.get("stream"):
            self._stream(body, script)
        else:
            self._complete(body, script)

    # --- answers ---------------------------------------------------------------------------------

    def _refused(self, body: dict[str, Any]) -> bool:
        """Answer with an error when the key, the model or a queued failure says so."""
        fake = self.fake
        key = self._bearer()
        if fake.require_key is not None and key != fake.require_key:
            # Deliberately echoes the whole key it was sent: our code must never show server messages.
            self._send_json(401, error_body(401, f"Incorrect API key provided: {key}."))
            return True
        model = body.get("model")
        if fake.models is not None and model not in fake.models:
            message = f"The model `{model}` does not exist or you do not have access to it."
            self._send_json(404, error_body(404, message))
            return True
        failure = fake._next_failure()
        if failure is None:
            return False
        headers = dict(failure.headers)
        if failure.retry_after is not None:
            headers["Retry-After"] = failure.retry_after
        message = failure.message or _default_message(failure.status, key)
        self._send_json(
            failure.status, error_body(failure.status, message, failure.type, failure.code), headers
        )
        return True

    def _complete(self, body: dict[str, Any], script: Script) -> None:
        if not self.fake._sleep(script.ttft_s if script.ttft_s is not None else self.fake.ttft_s):
            return
        choices = []
        if not script.no_choices:
            message: dict[str, Any] = {"role": "assistant", "content": script.text, "refusal": script.refusal}
            if script.refusal is not None:
                message["content"] = None
            choices.append(
                {"index": 0, "message": message, "finish_reason": script.finish_reason, "logprobs": None}
            )
        self._send_json(
            200,
            {
                "id": self.fake._new_id(),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": choices,
                "usage": _usage(body, script.text),
            },
        )

    def _stream(self, body: dict[str, Any], script: Script) -> None:
        fake = self.fake
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        # Chunked, so that a cut connection is visibly incomplete rather than a short, valid body.
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        ident, created, model = fake._new_id(), int(time.time()), body["model"]

        def chunk(delta: dict[str, Any] | None, finish: str | None = None) -> dict[str, Any]:
            choices = (
                []
                if delta is None
                else [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
            )
            return {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
            }

        ttft = script.ttft_s if script.ttft_s is not None else fake.ttft_s
        delay = script.token_delay_s if script.token_delay_s is not None else fake.token_delay_s
        try:
            if not fake._sleep(ttft):
                return
            if script.raw_sse is not None:
                self._write_chunk(script.raw_sse.encode())
                self._write_chunk(b"")
                return
            # OpenAI opens with a role-only delta, then content deltas, then an empty delta with the reason.
            self._event(chunk(None if script.no_choices else {"role": "assistant", "content": ""}))
            for n, piece in enumerate(script.tokens()):
                if script.disconnect_after is not None and n >= script.disconnect_after:
                    self._cut()
                    return
                if n and not fake._sleep(delay):
                    return
                self._event(chunk(None if script.no_choices else {"content": piece}))
            if script.disconnect_after is not None:
                self._cut()
                return
            if script.stream_error is not None:
                self._event(error_body(500, script.stream_error))
            else:
                self._event(chunk(None if script.no_choices else {}, script.finish_reason))
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({**chunk(None), "usage": _usage(body, script.text)})
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")  # the last chunk: the body is complete
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (cancelled turn): nothing to answer

    # --- plumbing --------------------------------------------------------------------------------

    def _route(self) -> str:
        # Exact paths, as real servers have: a base URL missing its /v1 must get a 404 here too.
        return self.path.split("?", 1)[0].rstrip("/")

    def _record(self, body: Any) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.fake._record(Recorded(self.command, self.path, headers, body, time.monotonic()))

    def _bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _event(self, payload: Any) -> None:
        self._write_chunk(f"data: {json.dumps(payload)}\n\n".encode())

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _cut(self) -> None:
        """Drop the connection mid-body, as a crashing server or a broken network would."""
        self.wfile.flush()
        self.close_connection = True
        # shutdown, not close: the handler's file objects still hold the socket open until it returns.
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _default_message(status: int, key: str | None) -> str:
    return {
        400: "Invalid request.",
        401: f"Incorrect API key provided: {key}.",
        403: "Country, region, or territory not supported.",
        404: "The requested resource was not found.",
        429: "Rate limit reached for requests. Please try again in 1s.",
        500: "The server had an error while processing your request. Sorry about that!",
        503: "The engine is currently overloaded, please try again later.",
    }.get(status, f"Error {status}.")


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(
        len(str(m.get("content", "")).split()) for m in body.get("messages", []) if isinstance(m, dict)
    )
    completion = len(split_tokens(text))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _format_number(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _replies_cycle(replies: Sequence[str]) -> ReplyFunction:
    cycle: Iterator[str] = itertools.cycle(replies)
    return lambda body: next(cycle)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake OpenAI Chat Completions API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--reply", action="append", default=[], help="reply text; repeat to cycle several")
    parser.add_argument("--ttft", type=float, default=0.0, help="seconds before the first token")
    parser.add_argument("--token-delay", type=float, default=0.0, help="seconds between streamed tokens")
    parser.add_argument("--model", action="append", help="accept only these models (others get a 404)")
    parser.add_argument("--key", help="accept only this bearer key (others get a 401)")
    parser.add_argument(
        "--fail", type=int, metavar="STATUS", help="answer the first requests with this status"
    )
    parser.add_argument("--fail-times", type=int, default=1, help="how many requests --fail applies to")
    parser.add_argument("--retry-after", help="Retry-After header sent with --fail")
    args = parser.parse_args(argv)

    server = FakeOpenAI(
        ttft_s=args.ttft,
        token_delay_s=args.token_delay,
        models=args.model,
        require_key=args.key,
        port=args.port,
    )
    if args.reply:
        server.reply_with(_replies_cycle(args.reply))
    if args.fail:
        server.fail(args.fail, times=args.fail_times, retry_after=args.retry_after)
    with server:
        # The first line is the base URL, so a script that asked for port 0 learns the port.
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
