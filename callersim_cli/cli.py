"""The command line: flags in, calls on the core out. No conversation logic lives here."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callersim_cli import __version__
from callersim_cli.backends import Registry
from callersim_cli.engines import ENGINES
from callersim_cli.players import PLAYERS
from callersim_cli.voices import VOICES

app = typer.Typer(
    name="callersim",
    help="Talk to an AI customer: rehearse and test IVRs, phone bots and voice agents from the terminal.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _choices(name: str, registry: Registry) -> Any:
    """The registry's choices as the enum typer shows in --help and checks."""
    return enum.Enum(name, {choice: choice for choice in registry.choices()}, type=str)


if TYPE_CHECKING:
    EngineChoice = str
    TtsChoice = str
    PlayerChoice = str
else:
    EngineChoice = _choices("EngineChoice", ENGINES)
    TtsChoice = _choices("TtsChoice", VOICES)
    PlayerChoice = _choices("PlayerChoice", PLAYERS)


def _value(choice: Any) -> str | None:
    return None if choice is None else str(choice.value)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"callersim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Talk to an AI customer: rehearse and test IVRs, phone bots and voice agents from the terminal."""


@app.command()
def chat(
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="The business being called.")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="The caller's goal, e.g. 'order a large pepperoni pizza'."),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="A scenario file (TOML); flags override it.")
    ] = None,
    engine: Annotated[
        EngineChoice | None,
        typer.Option(
            envvar="CALLERSIM_ENGINE", help="Caller engine; auto is openai when configured, else offline."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(envvar="CALLERSIM_MODEL", help="Chat model for the openai engine [gpt-4o-mini]."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar="OPENAI_BASE_URL", help="An OpenAI-compatible server (Ollama, vLLM, LM Studio...)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the invented persona and offline caller.")
    ] = None,
    no_audio: Annotated[bool, typer.Option("--no-audio", help="Text only: nothing is played.")] = False,
    tts: Annotated[
        TtsChoice | None,
        typer.Option(
            envvar="CALLERSIM_TTS", help="Voice; auto is elevenlabs with a key, else piper, else none."
        ),
    ] = None,
    voice: Annotated[
        str | None, typer.Option(envvar="CALLERSIM_VOICE", help="ElevenLabs voice ID [JBFqnCBsd6RMkjVDRZzb].")
    ] = None,
    tts_model: Annotated[str | None, typer.Option(help="ElevenLabs model [eleven_turbo_v2_5].")] = None,
    player: Annotated[
        PlayerChoice,
        typer.Option(envvar="CALLERSIM_PLAYER", help="Audio player; auto takes the first that works."),
    ] = "auto",
    save_mp3: Annotated[
        Path | None, typer.Option("--save-mp3", help="Keep every caller reply as an MP3 in this folder.")
    ] = None,
    transcript: Annotated[
        Path | None, typer.Option(help="Write the call as JSON Lines here (default: the calls folder).")
    ] = None,
    no_log: Annotated[bool, typer.Option("--no-log", help="Don't keep this call's transcript.")] = False,
    max_turns: Annotated[
        int | None, typer.Option(min=1, help="End the call after this many caller replies.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 0 if the caller reached its goal, 1 if not.")
    ] = False,
    no_judge: Annotated[
        bool, typer.Option("--no-judge", help="Skip the verdict at the end of the call.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Talk to the AI caller: type what the business says; the caller answers, on screen and aloud."""
    from callersim_cli.chat import ChatOptions, run_chat

    code = run_chat(
        ChatOptions(
            description=description,
            scenario=scenario,
            file=file,
            engine=_value(engine),
            model=model,
            base_url=base_url,
            seed=seed,
            no_audio=no_audio,
            tts=_value(tts),
            voice=voice,
            tts_model=tts_model,
            player=_value(player) or "auto",
            save_mp3=save_mp3,
            transcript=transcript,
            no_log=no_log,
            max_turns=max_turns,
            check=check,
            judge=not no_judge,
            debug=debug,
        )
    )
    raise typer.Exit(code)


from callersim_cli.cli_calls import register as _register_call_commands  # noqa: E402

_register_call_commands(app)


def main() -> None:
    """The console script: one line per error, and exit codes a script can rely on."""
    from callersim_cli.exit_codes import ExitCode
    from callersim_cli.settings import load_dotenv_file

    try:  # typer >= 0.29 carries its own copy of click
        from typer._click.exceptions import NoArgsIsHelpError, UsageError
    except ImportError:  # pragma: no cover - older typer on top of click
        from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[no-redef]

    load_dotenv_file()
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        code = ExitCode.USAGE
    except UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        typer.echo(f"callersim: {exc.format_message()}{hint}", err=True)
        code = ExitCode.USAGE
    except (typer.Abort, KeyboardInterrupt):
        code = ExitCode.INTERRUPTED
    except Exception as exc:  # a bug of ours: one line, unless asked for the traceback
        if "--debug" in sys.argv:
            raise
        from callersim_cli.redact import Redactor

        redact = Redactor([os.environ.get("OPENAI_API_KEY"), os.environ.get("ELEVENLABS_API_KEY")])
        message = redact(f"{type(exc).__name__}: {exc}")
        typer.echo(f"callersim: unexpected error: {message} (run with --debug for details)", err=True)
        code = ExitCode.INTERNAL
    sys.exit(code if isinstance(code, int) else 0)
