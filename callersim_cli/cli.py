"""The command line: flags in, calls on the core out. No conversation logic lives here.

``main()`` reads the environment once and hands it to every command (``ctx.obj``). ``chat`` and
``replay`` are made from their options dataclasses (``ChatOptions``, ``ReplayOptions``), so an option
is written once; ``init``, ``calls`` and ``show`` are small enough to spell out.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from callersim_cli import __version__
from callersim_cli.chat import ChatOptions, run_chat
from callersim_cli.environment import Environment
from callersim_cli.errors import CallersimError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.options import flags
from callersim_cli.phone_call import CallOptions, run_call
from callersim_cli.replay import ReplayOptions, run_replay
from callersim_cli.server.serve import ServeOptions, run_serve
from callersim_cli.suite.main import TestOptions, run_test

app = typer.Typer(
    name="callersim",
    help="Talk to an AI customer: rehearse and test IVRs, phone bots and voice agents from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
# A negative index (-1, the newest call) is an argument, not an unknown option.
TAKES_NEGATIVE = {"ignore_unknown_options": True}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"callersim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Talk to an AI customer: rehearse and test IVRs, phone bots and voice agents from the terminal."""
    if ctx.obj is None:  # called without main(), as tests do: the environment as it is
        ctx.obj = Environment.read()


def _env(ctx: typer.Context, debug: bool) -> Environment:
    env: Environment = ctx.obj
    env.debug = env.debug or debug
    return env


def _fail(env: Environment, exc: CallersimError) -> NoReturn:
    env.error(str(exc))
    if env.debug:
        env.traceback()
    raise typer.Exit(ExitCode.USAGE)


# --- commands made from their options -------------------------------------------------------------------


def _parameter(field: dataclasses.Field[Any], how: Any, annotation: Any) -> inspect.Parameter:
    default = field.default
    if how.choices is not None:
        # The registry's choices, as typer shows them in --help and checks them.
        choice = enum.Enum(f"{field.name.title()}Choice", {c: c for c in how.choices()}, type=str)  # type: ignore[misc]
        annotation = choice | None if type(None) in typing.get_args(annotation) else choice
        default = choice(default) if isinstance(default, str) else default
    if how.names:
        info: Any = typer.Option(
            *how.names, help=how.help, envvar=how.envvar, min=how.min, metavar=how.metavar
        )
    else:
        info = typer.Argument(help=how.help, metavar=how.metavar)
    empty = default is dataclasses.MISSING
    return inspect.Parameter(
        field.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=inspect.Parameter.empty if empty else default,
        annotation=Annotated[annotation, info],
    )


def _command(
    name: str,
    options_class: type,
    run: Callable[[Any, Environment], int],
    help: str,
    context_settings: dict[str, Any] | None = None,
) -> None:
    """Register ``name``: its parameters are the fields of ``options_class``, then --debug."""
    hints = typing.get_type_hints(options_class)
    parameters = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
    parameters += [_parameter(field, how, hints[field.name]) for field, how in flags(options_class)]
    parameters.append(
        inspect.Parameter("debug", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Debug)
    )

    def command(ctx: typer.Context, **values: Any) -> None:
        env = _env(ctx, values.pop("debug"))
        values = {k: v.value if isinstance(v, enum.Enum) else v for k, v in values.items()}
        raise typer.Exit(run(options_class(**values), env))

    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = help
    app.command(name, context_settings=context_settings)(command)


_command(
    "chat",
    ChatOptions,
    run_chat,
    "Talk to the AI caller: type what the business says; the caller answers, on screen and aloud.",
)


# --- kept calls and scenario files ----------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="File name; NAME.toml [default: callersim.toml].")
    ] = None,
    debug: Debug = False,
) -> None:
    """Write a commented example scenario file to start from."""
    from callersim_cli.scenario_file import example_path, write_example

    env = _env(ctx, debug)
    path = example_path(name)
    try:
        write_example(path)
    except CallersimError as exc:
        _fail(env, exc)
    typer.echo(f"Wrote {path}. Edit it, then: callersim chat --file {path}")


@app.command("calls")
def calls_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show this many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as a JSON array.")] = False,
    debug: Debug = False,
) -> None:
    """List the kept calls, newest first. On a pipe: one tab-separated row each (-N, ID, call of the
    file, time, business, goal, turns, verdict), nothing cut."""
    from callersim_cli import views
    from callersim_cli.records import list_calls

    env = _env(ctx, debug)
    try:
        found = list_calls(env.calls_dir, limit)
    except CallersimError as exc:
        _fail(env, exc)
    if as_json:
        rows = [{"index": f"-{n}", **call.summary()} for n, call in enumerate(found, start=1)]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not found:
        env.notice(f"No calls kept yet in {env.calls_dir}.")
    elif env.out.is_terminal:
        env.out.print(views.calls_table(found, env.out.width), soft_wrap=False)
    else:
        typer.echo(views.calls_tsv(found), nl=False)


@app.command(context_settings=TAKES_NEGATIVE)
def show(
    ctx: typer.Context,
    call_id: Annotated[
        str, typer.Argument(metavar="ID|PATH", help="A call ID (or unique prefix), last, -N, or a file.")
    ],
    markdown: Annotated[bool, typer.Option("--markdown", help="Export it as Markdown.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the Markdown here, not to stdout.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print it as JSON: its summary and events.")
    ] = False,
    debug: Debug = False,
) -> None:
    """Show a kept call as a conversation (or as Markdown, or JSON)."""
    from callersim_cli import views
    from callersim_cli.errors import UsageError
    from callersim_cli.files import write_file
    from callersim_cli.records import find_call

    env = _env(ctx, debug)
    try:
        call = find_call(call_id, env.calls_dir)
        if output is not None and not markdown:
            raise UsageError("-o/--output writes Markdown: add --markdown")
        if as_json and markdown:
            raise UsageError("--json and --markdown: choose one")
        if as_json:
            typer.echo(json.dumps(call.as_json(), ensure_ascii=False, indent=2))
            return
        if markdown:
            text = views.markdown(call)
            if output is None:
                typer.echo(text, nl=False)
                return
            write_file(output, text.encode("utf-8"))
            env.notice(f"Wrote {output}")
            return
    except CallersimError as exc:
        _fail(env, exc)
    for renderable in views.drawn(call.events, call.label):
        env.out.print(renderable)


_command(
    "replay",
    ReplayOptions,
    run_replay,
    "Replay a kept call at its pace, with the caller's saved audio; or export it as one MP3.",
    TAKES_NEGATIVE,
)


_command(
    "test",
    TestOptions,
    run_test,
    "Ring your bot with AI callers, unattended: the cases of a suite file, many calls at once, JUnit for CI.",
)


_command(
    "serve",
    ServeOptions,
    run_serve,
    "Serve the caller over HTTP: the original web API (/api/context, /api/chat, /tts, /api/call) and a page.",
)


_command(
    "call",
    CallOptions,
    run_call,
    "Ring a real phone: ElevenLabs' agent calls through Twilio as the caller (needs ELEVENLABS_AGENT_ID...).",
)


# --- the console script ---------------------------------------------------------------------------------


def main() -> None:
    """The console script: one line per error, and exit codes a script can rely on."""
    import sys

    from callersim_cli.environment import load_dotenv_file

    try:  # typer >= 0.29 carries its own copy of click
        from typer._click.exceptions import NoArgsIsHelpError, UsageError
    except ImportError:  # pragma: no cover - older typer on top of click
        from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[no-redef,assignment,unused-ignore]

    skipped_settings = load_dotenv_file()
    env = Environment.read()
    for line in skipped_settings:
        env.warning(line)
    try:
        code = app(standalone_mode=False, obj=env, prog_name="callersim")
    except NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        code = ExitCode.USAGE
    except UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        typer.echo(env.shown(f"callersim: {exc.format_message()}{hint}"), err=True)
        code = ExitCode.USAGE
    except (typer.Abort, KeyboardInterrupt):
        code = ExitCode.INTERRUPTED
    except Exception as exc:  # a bug of ours: one line, unless asked for the traceback
        if env.debug:
            raise
        message = env.shown(f"{type(exc).__name__}: {exc}")
        typer.echo(f"callersim: unexpected error: {message} (run with --debug for details)", err=True)
        code = ExitCode.INTERNAL
    sys.exit(code if isinstance(code, int) else 0)
