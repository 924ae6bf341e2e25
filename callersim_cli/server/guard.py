"""What every request passes before a route sees it: the Host header (against DNS rebinding), the
token when one is set, and the size of the body. An ASGI middleware, so streamed responses pass too.

CORS is Starlette's own middleware, added only when ``--cors-origin`` names origins: without it a page
of another origin cannot read a response, and cannot send JSON at all (the preflight is refused).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


def host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:5000`` is ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class Guard:
    token: str | None
    allowed_hosts: frozenset[str] | None  # None: any name (bound to every interface, behind a token)
    max_body: int

    @classmethod
    def for_bind(cls, host: str, token: str | None, extra_hosts: list[str], max_body: int) -> Guard:
        """The names a browser may use to reach ``host``: its own and loopback's, and those given."""
        names = {h.lower().strip("[]") for h in extra_hosts}
        if host in WILDCARDS and not names:
            return cls(token, None, max_body)
        names |= LOOPBACK_NAMES if is_loopback(host) or host in WILDCARDS else set()
        if host not in WILDCARDS:
            names.add(host.lower().strip("[]"))
        return cls(token, frozenset(names), max_body)

    def refusal(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, sentence) for a request that may not pass; None when it may."""
        host = host_name(headers.get("host", ""))
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return (
                403,
                f"Host {host!r} is not served here: use one of {', '.join(sorted(self.allowed_hosts))}",
            )
        if self.token and not (method == "GET" and path == "/"):  # the page itself holds nothing
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), self.token.encode()
            ):
                return 401, "This server needs its token: send Authorization: Bearer <token>"
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            from callersim_cli.server.bodies import TooLarge  # the same refusal as a body streamed too long

            too_large = TooLarge(self.max_body)
            return too_large.status, str(too_large)
        return None


class GuardMiddleware:
    def __init__(self, app: Any, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            refused = self.guard.refusal(scope["method"], scope["path"], headers)
            if refused is not None:
                from starlette.responses import JSONResponse

                status, message = refused
                await JSONResponse({"error": message}, status_code=status)(scope, receive, send)
                return
        await self.app(scope, receive, send)
