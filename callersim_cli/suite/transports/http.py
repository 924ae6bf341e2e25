"""The ``http`` transport: the bot is a web server that holds many calls at once.

``POST {url}/calls`` with the start event answers ``{"events": [...]}``, the bot's opening up to its
``listen``; ``POST {url}/calls/{call_id}/events`` with each of callersim's events answers the bot's next
events; ``DELETE {url}/calls/{call_id}`` ends the call (the caller's hang-up, or the end of a call the
bot ended). A status that is not 2xx, or a body that is not that JSON, is an error run with the status
and the start of the body. One client serves every call of a suite run, so connections are reused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from callersim_cli.suite.outcome import RunError
from callersim_cli.suite.protocol import TURN_ENDS, Answer, parse_event, read_answer
from callersim_cli.suite.suite_file import BotSpec
from callersim_cli.suite.transports import NoteSource

if TYPE_CHECKING:
    import httpx

BODY_SHOWN = 200  # characters of a bad answer's body quoted in the error


class HttpTransport:
    def __init__(self, spec: BotSpec, environ: Mapping[str, str]) -> None:
        import httpx

        assert spec.url is not None
        self.url = spec.url
        timeout = httpx.Timeout(spec.turn_timeout_s, connect=min(spec.turn_timeout_s, 5.0))
        self.client = httpx.Client(headers=spec.headers, timeout=timeout)
        self.timeout_s = spec.turn_timeout_s

    def call(self, call_id: str) -> HttpCall:
        return HttpCall(self, call_id)

    def close(self) -> None:
        self.client.close()


class HttpCall:
    def __init__(self, transport: HttpTransport, call_id: str) -> None:
        self.transport = transport
        self.path = f"/calls/{quote(call_id, safe='')}"
        self._started = False
        self._ended = False
        self._notes: list[tuple[NoteSource, str]] = []

    def send(self, event: dict[str, Any]) -> Answer:
        first = event["type"] == "start"
        path = "/calls" if first else f"{self.path}/events"
        started = time.monotonic()
        body = self._request("POST", path, event, reaching=first)
        self._started = True
        where = f"the answer to POST {path}"
        try:
            data = json.loads(body)
        except ValueError:
            raise RunError("protocol", f"{where} is not JSON: {_start_of(body)!r}") from None
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise RunError("protocol", f'{where} must be {{"events": [...]}}, not {_start_of(body)!r}')
        events = [parse_event(obj, f"{where}, event {n}") for n, obj in enumerate(data["events"], start=1)]
        if not events or not isinstance(events[-1], TURN_ENDS):
            raise RunError("protocol", f"{where} ends without listen, hangup or transfer")
        return read_answer(events, started)

    def _request(self, method: str, path: str, event: dict[str, Any] | None, *, reaching: bool) -> str:
        import httpx

        url = self.transport.url + path
        try:
            response = self.transport.client.request(method, url, json=event)
        except httpx.TimeoutException:
            waiting = f"{self.transport.timeout_s:g} s (turn_timeout_s)"
            raise RunError("bot_timeout", f"{method} {path} had no answer within {waiting}") from None
        except httpx.HTTPError as exc:
            kind = "bot_start" if reaching else "bot_crash"
            raise RunError(kind, f"can't reach the bot at {self.transport.url}: {_reason(exc)}") from None
        if not response.is_success:
            # The bot failed (5xx), or refused what it was sent (4xx): either way the run could not go on.
            kind = "bot_crash" if response.status_code >= 500 else "protocol"
            shown = f": {_start_of(response.text)!r}" if response.text.strip() else ""
            raise RunError(kind, f"{method} {path} answered {response.status_code}{shown}")
        return response.text

    def hang_up(self) -> None:
        self.end()

    def end(self) -> None:
        if self._ended or not self._started:
            return
        self._ended = True
        try:
            self._request("DELETE", self.path, None, reaching=False)
        except RunError as exc:
            # The call happened; a server that forgets it at once (404) or fails to is noted, not failed.
            self._notes.append(("callersim", f"ending the call: {exc}"))

    def abort(self) -> None:
        self._ended = True  # the client is closed with the suite; nothing more is sent

    def notes(self) -> list[tuple[NoteSource, str]]:
        new, self._notes = self._notes, []
        return new


def _start_of(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= BODY_SHOWN else text[: BODY_SHOWN - 3] + "..."


def _reason(exc: httpx.HTTPError) -> str:
    # httpx wraps the OS error: its words ("[Errno 111] Connection refused") are what the user can act on.
    return str(exc).split("] ")[-1] or type(exc).__name__
