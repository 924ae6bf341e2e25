"""`callersim serve`: the options, and the server from them: chat's engine and voice, behind the guard.

Nothing here is imported by ``callersim --help`` beyond the options; starlette and uvicorn (the
``server`` extra) are imported when the server starts.
"""

from __future__ import annotations

import importlib.util
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callersim_cli.chat import ChatOptions
from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.options import flag, same_flag
from callersim_cli.scenario_file import CallSettings

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from callersim_cli.environment import Environment
    from callersim_cli.server.calls import CallMaker
    from callersim_cli.voices import Voice

INSTALL_HINT = "callersim serve needs the server extra: pip install 'callersim[server]'"


@dataclass
class ServeOptions:
    """`callersim serve`'s options: where it listens and who may use it, then chat's call settings."""

    host: str = flag(
        "--host", default="127.0.0.1", help="Address to listen on; any but loopback needs --token."
    )
    port: int = flag("--port", "-p", default=5000, min=0, help="Port to listen on.")
    token: str | None = flag(
        "--token", envvar="CALLERSIM_TOKEN", help="Require 'Authorization: Bearer TOKEN' on the API."
    )
    cors_origin: list[str] | None = flag(
        "--cors-origin", help="Let pages of this origin call the API (give it again for more).", metavar="URL"
    )
    allowed_host: list[str] | None = flag(
        "--allowed-host", help="Another name the server is reached by (the Host header).", metavar="NAME"
    )
    max_calls: int = flag("--max-calls", default=100, min=1, help="Live calls at most.")
    idle_timeout: float = flag(
        "--idle-timeout", default=900.0, min=1, help="Seconds without a request before a call ends."
    )
    max_body: int = flag("--max-body", default=65536, min=1024, help="Largest request body, in bytes.")
    max_message: int = flag(
        "--max-message", default=4000, min=1, help="Longest message or description, in characters."
    )
    engine: str | None = same_flag(CallSettings, "engine")
    model: str | None = same_flag(CallSettings, "model")
    base_url: str | None = same_flag(CallSettings, "base_url")
    seed: int | None = same_flag(CallSettings, "seed")
    tts: str | None = same_flag(CallSettings, "tts")
    voice: str | None = same_flag(CallSettings, "voice")
    tts_model: str | None = same_flag(CallSettings, "tts_model")
    no_audio: bool = same_flag(ChatOptions, "no_audio")
    no_judge: bool = same_flag(ChatOptions, "no_judge")
    no_log: bool = same_flag(ChatOptions, "no_log")


def run_serve(options: ServeOptions, env: Environment) -> int:
    if any(importlib.util.find_spec(m) is None for m in ("starlette", "uvicorn")):
        env.error(INSTALL_HINT)
        return ExitCode.USAGE
    try:
        sock = _bind(options)
        try:
            app, notices = build_app(options, env)
        except BaseException:
            sock.close()
            raise
    except CallersimError as exc:
        env.error(str(exc))
        if env.debug:
            env.traceback()
        return ExitCode.USAGE
    import uvicorn

    for notice in notices:
        env.notice(notice)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    env.notice(f"callersim serve: http://{shown}:{port}/ (Ctrl-C stops)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
    return ExitCode.OK


def build_app(options: ServeOptions, env: Environment) -> tuple[Starlette, list[str]]:
    """The server's app from its options, and what to tell the user about its setup. Raises
    ``CallersimError`` for a setup that can't run here."""
    from callersim_cli.server.app import Limits, create_app
    from callersim_cli.server.calls import CallBook
    from callersim_cli.server.guard import Guard

    maker, notices = call_maker(options, env)
    book = CallBook(maker, max_calls=options.max_calls, idle_timeout_s=options.idle_timeout)
    app = create_app(
        book,
        guard=Guard.for_bind(options.host, options.token, options.allowed_host or [], options.max_body),
        redact=env.redact,
        voice=maker.voice,
        environ=env.vars,
        cors_origins=options.cors_origin,
        limits=Limits(options.max_body, options.max_message),
    )
    where = "not kept (--no-log)" if maker.calls_dir is None else f"kept in {maker.calls_dir}"
    notices.append(f"Calls are {where}.")
    return app, notices


def _bind(options: ServeOptions) -> socket.socket:
    from callersim_cli.server.guard import is_loopback

    if not is_loopback(options.host) and not options.token:
        raise UsageError(
            f"--host {options.host} lets other machines in: give --token (or set CALLERSIM_TOKEN) as well"
        )
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((options.host, options.port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"Can't listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def call_maker(options: ServeOptions, env: Environment) -> tuple[CallMaker, list[str]]:
    """The engine and voice every call is made with, chosen as ``chat`` chooses them."""
    from callersim_cli.backends import choose
    from callersim_cli.engines import ENGINES
    from callersim_cli.server.calls import CallMaker

    notices: list[str] = []
    settings: dict[str, Any] = {"model": options.model, "base_url": options.base_url}
    row = choose(ENGINES, options.engine, lambda r: r.make_options(settings, env.keys), notices)
    assert row is not None  # the offline engine can always run
    row.build(row.make_options(settings, env.keys)).close()  # refused now, not at the first call
    voice = None if options.no_audio else _voice(options, env, notices)
    maker = CallMaker(
        engine=row,
        settings=settings,
        keys=env.keys,
        redact=env.redact,
        calls_dir=None if options.no_log else env.calls_dir,
        voice=voice,
        judge=not options.no_judge,
        seed=options.seed,
        warn=lambda message: env.error(f"warning: {message}"),
    )
    return maker, notices


def _voice(options: ServeOptions, env: Environment, notices: list[str]) -> Voice | None:
    from callersim_cli.voices import build_voice

    settings = {
        "voice_id": options.voice,
        "model": options.tts_model,
        "base_url": env.get("ELEVENLABS_BASE_URL"),
    }
    voice = build_voice(
        options.tts, settings, env.keys, lambda message: env.error(f"warning: {message}"), notices
    )
    if voice is not None:
        notices.append(f"Voice: {voice.name}.")
    return voice
