"""Request bodies: JSON objects only, read within a size limit, each field checked in one place.

Every way a body can be wrong is a ``Refusal`` with one sentence, which the app sends as a JSON 400 (or
413): never an HTML error page.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from callersim_cli.server.calls import Refusal

if TYPE_CHECKING:
    from starlette.requests import Request


class TooLarge(Refusal):
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body too large (at most {limit} bytes)")


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object. Raises ``Refusal``: too large, not JSON, malformed, not an object."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise Refusal("Send a JSON body with Content-Type: application/json")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise TooLarge(limit)
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except UnicodeDecodeError:
        raise Refusal("Malformed JSON: the body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise Refusal(f"Malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(body, dict):
        raise Refusal('The body must be a JSON object, like {"message": "..."}')
    return body


def text(
    body: dict[str, Any], name: str, missing: str | None = None, max_chars: int | None = None
) -> str | None:
    """Field ``name`` as text, stripped; a blank or absent one is ``missing`` (a ``Refusal``) when given,
    else None. Raises ``Refusal`` for a value that is not a string, or longer than ``max_chars``."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise Refusal(f'"{name}" must be a string')
    value = (value or "").strip()
    if not value:
        if missing is not None:
            raise Refusal(missing)
        return None
    if max_chars is not None and len(value) > max_chars:
        raise Refusal(f'"{name}" is too long (at most {max_chars} characters)')
    return value
