"""Pizza Palace over HTTP: one server holds many calls at once (``[bot] url``). Standard library only.

    python3 examples/pizza_http_bot.py --port 8000     # serves http://127.0.0.1:8000/callersim

``POST /callersim/calls`` with the start event, ``POST /callersim/calls/{call_id}/events`` with each of
callersim's events, ``DELETE /callersim/calls/{call_id}`` at the end; each POST answers
``{"events": [...]}``. With ``PIZZA_BOT_TOKEN`` set, every request needs ``Authorization: Bearer`` it.
The first line printed is the base URL (with ``--port 0`` the system picks the port).
"""

import argparse
import contextlib
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pizza_ivr import PizzaCall

CALLS: dict[str, PizzaCall] = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: callersim reuses its connections

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, status: int, body: object = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def allowed(self) -> bool:
        token = os.environ.get("PIZZA_BOT_TOKEN")
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self.reply(401, {"error": "unauthorized"})
            return False
        return True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        event = json.loads(self.rfile.read(length) or b"{}")
        if not self.allowed():
            return
        if re.search(r"/calls$", self.path):
            call = PizzaCall()
            with LOCK:
                CALLS[event["call_id"]] = call
            self.reply(200, {"events": call.start(event)})
            return
        found = re.search(r"/calls/([^/]+)/events$", self.path)
        with LOCK:
            call = CALLS.get(found.group(1)) if found else None
        if call is None:
            self.reply(404, {"error": "no such call"})
            return
        self.reply(200, {"events": call.handle(event)})

    def do_DELETE(self) -> None:
        if not self.allowed():
            return
        found = re.search(r"/calls/([^/]+)$", self.path)
        with LOCK:
            gone = CALLS.pop(found.group(1), None) if found else None
        self.reply(204 if gone else 404)


def main() -> None:
    parser = argparse.ArgumentParser(description="Pizza Palace's phone bot, over HTTP.")
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args().port
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/callersim", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
