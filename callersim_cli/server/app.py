"""The routes: the original web API and the page, a thin face over ``calls`` (no conversation here).

Every error is ``{"error": "..."}`` with one sentence: a ``CallersimError``'s own words, and its status
from one table; a bug of ours is a 500 with no detail (the server's log has it, redacted).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from callersim_cli.actions import CallerEvent, HangUp, Press, Speech
from callersim_cli.audio import Clip
from callersim_cli.conversation import Context
from callersim_cli.errors import CallersimError, VoiceError
from callersim_cli.phone_call import PhoneCallError, PhoneSetupError
from callersim_cli.redact import Redactor
from callersim_cli.server.bodies import read_json, text
from callersim_cli.server.calls import CallBook, CallOver, NoContext, Refusal, ServerCall
from callersim_cli.server.guard import Guard, GuardMiddleware
from callersim_cli.voices import Voice, cut_text

log = logging.getLogger("callersim.serve")

COOKIE = "callersim_session"
SESSION_HEADER = "x-callersim-session"
_SESSION_ID = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")

# The status of each kind of error; the first row it is an instance of wins. Refusals carry their own.
STATUS: tuple[tuple[type[CallersimError], int], ...] = (
    (PhoneSetupError, 500),
    (PhoneCallError, 502),
    (VoiceError, 502),
    (CallersimError, 400),
)


def status_of(exc: CallersimError) -> int:
    if isinstance(exc, Refusal):
        return exc.status
    return next(status for kind, status in STATUS if isinstance(exc, kind))


class NoVoice(Refusal):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "This server has no voice (started with --tts none or --no-audio, or none is installed)"
        )


@dataclass(frozen=True)
class Limits:
    max_body: int  # bytes of a request body
    max_message_chars: int  # characters of a message, a description or a goal


def _mp3(clips: list[Clip]) -> str | None:
    from callersim_cli.audio_codec import join_mp3

    audio = join_mp3(clips) if clips else b""
    return base64.b64encode(audio).decode("ascii") if audio else None


def _sse(kind: str, data: Mapping[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _event(item: CallerEvent | Clip) -> str:
    """One streamed event of a turn as server-sent event text (made on the thread that has it)."""
    if isinstance(item, Speech):
        return _sse("text", {"text": item.text})
    if isinstance(item, Press):
        return _sse("dtmf", {"digits": item.digits})
    if isinstance(item, HangUp):
        return _sse("hangup", {})
    from callersim_cli.audio_codec import clip_to_mp3

    mp3 = base64.b64encode(clip_to_mp3(item)).decode("ascii")
    return _sse("audio", {"audio_base64": mp3, "duration_s": round(item.duration_s, 3)})


def create_app(
    book: CallBook,
    *,
    guard: Guard,
    redact: Redactor,
    voice: Voice | None = None,
    environ: Mapping[str, str | None] | None = None,
    limits: Limits,
    cors_origins: list[str] | None = None,
) -> Starlette:
    environ = environ or {}
    page = resources.files("callersim_cli.server").joinpath("page.html").read_bytes()

    def session_id(request: Request) -> str:
        named = request.headers.get(SESSION_HEADER)
        if named is not None:
            if not _SESSION_ID.match(named):
                raise Refusal("X-Callersim-Session must be 1 to 128 letters, digits, '.', '_', '~' or '-'")
            return "header:" + named
        cookie = request.cookies.get(COOKIE, "")
        return "page:" + cookie if _SESSION_ID.match(cookie) else "default"

    def call_of(request: Request) -> ServerCall:
        return book.call(session_id(request))

    async def body_of(request: Request) -> dict[str, Any]:
        return await read_json(request, limits.max_body)

    async def home(request: Request) -> Response:
        response = HTMLResponse(page, headers={"cache-control": "no-store"})
        if not _SESSION_ID.match(request.cookies.get(COOKIE, "")):
            response.set_cookie(COOKIE, secrets.token_urlsafe(24), httponly=True, samesite="strict")
        return response

    async def set_context(request: Request) -> Response:
        body = await body_of(request)
        cap = limits.max_message_chars
        description = text(body, "description", "No description provided", cap)
        context = Context.create(description, text(body, "scenario", max_chars=cap))
        call = call_of(request)
        call_id = await anyio.to_thread.run_sync(call.start, context)
        return JSONResponse({"ok": True, "scenario": context.scenario, "call_id": call_id})

    async def message_of(request: Request) -> tuple[ServerCall, str]:
        body = await body_of(request)
        call = call_of(request)
        if call.session is None:
            raise NoContext
        message = text(body, "message", "No message provided", limits.max_message_chars)
        assert message is not None
        return call, message

    async def chat(request: Request) -> Response:
        call, message = await message_of(request)
        result = await anyio.to_thread.run_sync(call.turn, message)
        audio = await anyio.to_thread.run_sync(_mp3, result.clips)
        return JSONResponse({"text": result.text, "audio_base64": audio, **result.as_json()})

    async def chat_stream(request: Request) -> Response:
        call, message = await message_of(request)
        if call.session is not None and (call.session.ended or call.session.conversation.hung_up):
            raise CallOver
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def on_event(item: CallerEvent | Clip) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, _event(item))

        async def run() -> None:
            try:
                result = await anyio.to_thread.run_sync(call.turn, message, on_event)
                queue.put_nowait(_sse("done", {"text": result.text, **result.as_json()}))
            except CallersimError as exc:
                queue.put_nowait(_sse("error", {"error": redact(str(exc)), "status": status_of(exc)}))
            except Exception:
                log.error("a streamed turn failed: %s", redact(_traceback()))
                queue.put_nowait(_sse("error", {"error": "Internal error", "status": 500}))
            finally:
                queue.put_nowait(None)

        task = asyncio.ensure_future(run())  # runs to its end even if the client goes away

        async def events() -> AsyncIterator[str]:
            while (item := await queue.get()) is not None:
                yield item
            await task

        headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def hang_up(request: Request) -> Response:
        call = call_of(request)
        call_id, verdict = await anyio.to_thread.run_sync(call.hang_up)
        return JSONResponse({"ok": True, "call_id": call_id, **verdict})

    async def tts(request: Request) -> Response:
        body = await body_of(request)
        words = text(body, "text", "No text provided")
        assert words is not None
        if voice is None:
            raise NoVoice

        def speak() -> bytes:
            from callersim_cli.audio_codec import clip_to_mp3

            assert voice is not None
            return clip_to_mp3(voice.synthesize(cut_text(words)))

        return Response(await anyio.to_thread.run_sync(speak), media_type="audio/mpeg")

    async def phone(request: Request) -> Response:
        from callersim_cli.phone_call import place_call

        body = await body_of(request)
        cap = limits.max_message_chars
        session = call_of(request).session
        context = session.conversation.context if session is not None else None
        description = text(body, "business_description", max_chars=cap) or (
            context.description if context else None
        )
        if not description:
            raise Refusal("No description provided")
        scenario = text(body, "scenario", max_chars=cap) or (context.scenario if context else None)
        to_number = body.get("to_number")
        placed = await anyio.to_thread.run_sync(
            place_call, to_number if isinstance(to_number, str) else None, description, scenario, environ
        )
        return JSONResponse({"ok": True, **placed.as_json()})

    async def known_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CallersimError)
        return JSONResponse({"error": redact(str(exc))}, status_code=status_of(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        words = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, exc.detail)
        return JSONResponse({"error": words}, status_code=exc.status_code)

    async def bug(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed: %s", request.method, request.url.path, redact(_traceback(exc)))
        return JSONResponse({"error": "Internal error"}, status_code=500)

    middleware = []
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", SESSION_HEADER],
            )
        )
    middleware.append(Middleware(GuardMiddleware, guard=guard))

    async def sweeping() -> None:
        while True:
            await asyncio.sleep(min(30.0, book.idle_timeout_s / 2))
            await anyio.to_thread.run_sync(book.sweep)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Every turn runs on a worker thread: enough of them for every live call at once.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, book.max_calls + 8)
        sweeper = asyncio.ensure_future(sweeping())
        try:
            yield
        finally:
            sweeper.cancel()
            await anyio.to_thread.run_sync(book.close)

    return Starlette(
        debug=False,
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/api/context", set_context, methods=["POST"]),
            Route("/api/chat", chat, methods=["POST"]),
            Route("/api/chat/stream", chat_stream, methods=["POST"]),
            Route("/api/hangup", hang_up, methods=["POST"]),
            Route("/api/call", phone, methods=["POST"]),
            Route("/tts", tts, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={CallersimError: known_error, HTTPException: http_error, Exception: bug},
        lifespan=lifespan,
    )


def _traceback(exc: BaseException | None = None) -> str:
    import traceback

    if exc is None:
        return traceback.format_exc()
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
