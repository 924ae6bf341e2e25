"""A loopback stand-in for ElevenLabs' text-to-speech API, for tests and benchmarks.

It answers ``POST /v1/text-to-speech/{voice_id}`` and ``.../{voice_id}/stream`` the way the real API does
for the SDK: a real MP3 (a tone as long as the text would take to say) in the ``output_format`` asked
for, or an error body ``{"detail": {"status", "message"}}``. It also places an agent's phone call,
``POST /v1/convai/twilio/outbound-call``, with made-up ids. It records every request, can wait before
the first byte, and can be told to fail. Standard library plus lameenc only.

    with FakeElevenLabs(ttfb_s=0.2) as server:
        voice = ElevenLabsVoice(ElevenLabsOptions(api_key="k", base_url=server.base_url))

As a script it serves until interrupted (``python tests/fake_elevenlabs.py --ttfb 0.3``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from loopback import LoopbackServer

_PATH = re.compile(r"^/v1/text-to-speech/(?P<voice>[^/]+)(?P<stream>/stream)?$")
OUTBOUND_CALL_PATH = "/v1/convai/twilio/outbound-call"
_FORMAT = re.compile(r"^mp3_(?P<rate>\d+)_(?P<kbps>\d+)$")

# name -> (HTTP status, ElevenLabs status, message), as the real API words them.
ERRORS: dict[str, tuple[int, str, str]] = {
    "bad_key": (401, "invalid_api_key", "Invalid API key"),
    "quota": (
        429,
        "quota_exceeded",
        "This request exceeds your quota of 10000. You have 12 credits remaining, while 150 credits are "
        "required for this request.",
    ),
    "voice_not_found": (404, "voice_not_found", "A voice with the voice_id you provided was not found."),
    "busy": (429, "too_many_concurrent_requests", "Too many concurrent requests for your subscription."),
    "server_error": (500, "internal_error", "An internal error occurred."),
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]

    @property
    def voice_id(self) -> str | None:
        m = _PATH.match(self.path)
        return m["voice"] if m else None


@dataclass
class FakeElevenLabs(LoopbackServer):
    """The fake server; a context manager that serves on 127.0.0.1 from a background thread."""

    ttfb_s: float = 0.0  # wait before the status line: the API's time to first byte
    seconds_per_char: float = 0.06  # ~ 15 characters a second, like speech
    api_key: str | None = None  # when set, any other key gets 401
    known_voices: set[str] | None = None  # when set, any other voice gets 404
    requests: list[RecordedRequest] = field(default_factory=list)
    _failures: list[tuple[int, str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, kind: str, *, message: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests with error ``kind`` (a key of ``ERRORS``)."""
        status, detail_status, default_message = ERRORS[kind]
        with self._lock:
            self._failures += [(status, detail_status, message or default_message)] * times

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"server_fake": self})

    def _take_failure(self) -> tuple[int, str, str] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None


def speech_like_mp3(text: str, rate: int, kbps: int, seconds_per_char: float) -> bytes:
    """A real MP3: a 220 Hz tone whose length grows with the text, as speech would."""
    import lameenc

    seconds = max(0.3, len(text) * seconds_per_char)
    n = round(seconds * rate)
    step = 2 * math.pi * 220 / rate
    pcm = struct.pack(f"<{n}h", *(round(6000 * math.sin(step * i)) for i in range(n)))
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)  # fast: the server's speed is not what is being measured
    return bytes(encoder.encode(pcm) + encoder.flush())


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeElevenLabs
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_POST(self) -> None:
        fake = self.server_fake
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        query = dict(parse_qsl(url.query))
        with fake._lock:
            fake.requests.append(
                RecordedRequest(
                    method="POST",
                    path=url.path,
                    query=query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
            )
        if fake.ttfb_s:
            time.sleep(fake.ttfb_s)

        if url.path == OUTBOUND_CALL_PATH:
            return self._outbound_call(body)
        match = _PATH.match(url.path)
        if not match:
            return self._error(404, "not_found", f"No route for {url.path}")
        if failure := fake._take_failure():
            return self._error(*failure)
        if fake.api_key is not None and self.headers.get("xi-api-key") != fake.api_key:
            return self._error(*ERRORS["bad_key"])
        if fake.known_voices is not None and match["voice"] not in fake.known_voices:
            return self._error(*ERRORS["voice_not_found"])
        output_format = query.get("output_format", "mp3_44100_128")
        fmt = _FORMAT.match(output_format)
        if not fmt:
            return self._error(
                422, "invalid_output_format", f"This fake speaks MP3 only, not {output_format}"
            )
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return self._error(422, "invalid_text", "text is required")
        audio = speech_like_mp3(text, int(fmt["rate"]), int(fmt["kbps"]), fake.seconds_per_char)
        self.send_response(200)
        self.send_header("content-type", "audio/mpeg")
        self.send_header("content-length", str(len(audio)))
        self.end_headers()
        self.wfile.write(audio)

    def _outbound_call(self, body: dict[str, Any]) -> None:
        """Conversational AI's Twilio outbound call: the call is "placed" and given ids, as the API does."""
        fake = self.server_fake
        if failure := fake._take_failure():
            return self._error(*failure)
        if fake.api_key is not None and self.headers.get("xi-api-key") != fake.api_key:
            return self._error(*ERRORS["bad_key"])
        missing = [k for k in ("agent_id", "agent_phone_number_id", "to_number") if not body.get(k)]
        if missing:
            return self._error(422, "invalid_request", f"missing: {', '.join(missing)}")
        n = len(fake.requests)
        payload = json.dumps(
            {"success": True, "message": "Success", "conversation_id": f"conv_{n}", "callSid": f"CA{n:032d}"}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, detail_status: str, message: str) -> None:
        payload = json.dumps({"detail": {"status": detail_status, "message": message}}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttfb", type=float, default=0.0, help="seconds before the first byte")
    parser.add_argument("--seconds-per-char", type=float, default=0.06)
    args = parser.parse_args()
    with FakeElevenLabs(ttfb_s=args.ttfb, seconds_per_char=args.seconds_per_char) as server:
        print(server.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
