"""Commands for kept calls and scenario files: init, calls, show, replay (registered on the main app).

Flags in, calls on ``scenario_file``, ``calls`` and ``replay`` out; what they print is decided there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from callersim_cli.exit_codes import ExitCode

# A negative index (-1, the newest call) is an argument, not an unknown option.
_TAKES_NEGATIVE = {"ignore_unknown_options": True}


def _consoles():
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return (
        Console(highlight=False, no_color=no_color, soft_wrap=True),
        Console(stderr=True, highlight=False, no_color=no_color, soft_wrap=True),
    )


def _fail(message: str, code: int = ExitCode.USAGE) -> NoReturn:
    from rich.text import Text

    _, err = _consoles()
    err.print(Text(message, style="red"))
    raise typer.Exit(code)


def _load(ref: str):
    from callersim_cli.records import find_call
    from callersim_cli.settings import calls_dir

    return find_call(ref, calls_dir())


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    from callersim_cli.errors import CallersimError, UsageError

    @app.command()
    def init(
        name: Annotated[
            str | None, typer.Argument(help="File name; NAME.toml [default: callersim.toml].")
        ] = None,
    ) -> None:
        """Write a commented example scenario file to start from."""
        from callersim_cli.scenario_file import example_path, write_example

        path = example_path(name)
        try:
            write_example(path)
        except CallersimError as exc:
            _fail(str(exc), ExitCode.USAGE)
        typer.echo(f"Wrote {path}. Edit it, then: callersim chat --file {path}")

    @app.command("calls")
    def calls_(
        limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show this many.")] = 20,
    ) -> None:
        """List the kept calls, newest first."""
        from callersim_cli.records import list_calls
        from callersim_cli.settings import calls_dir
        from callersim_cli.views import calls_table

        out, err = _consoles()
        try:
            found = list_calls(calls_dir(), limit)
        except CallersimError as exc:
            _fail(str(exc), ExitCode.USAGE)
        if not found:
            err.print(f"No calls kept yet in {calls_dir()}.", style="dim", markup=False)
            return
        out.print(calls_table(found, out.width), soft_wrap=False)

    @app.command(context_settings=_TAKES_NEGATIVE)
    def show(
        call_id: Annotated[
            str, typer.Argument(metavar="ID|PATH", help="A call ID (or unique prefix), last, -N, or a file.")
        ],
        markdown: Annotated[bool, typer.Option("--markdown", help="Export it as Markdown.")] = False,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write the Markdown here, not to stdout.")
        ] = None,
    ) -> None:
        """Show a kept call as a conversation (or as Markdown)."""
        from callersim_cli import views
        from callersim_cli.files import write_file

        out, err = _consoles()
        try:
            call = _load(call_id)
            if output is not None and not markdown:
                raise UsageError("-o/--output writes Markdown: add --markdown")
            if markdown:
                text = views.markdown(call)
                if output is None:
                    typer.echo(text, nl=False)
                    return
                write_file(output, text.encode("utf-8"))
                err.print(f"Wrote {output}", style="dim", markup=False)
                return
        except CallersimError as exc:
            _fail(str(exc), ExitCode.USAGE)
        for renderable in views.drawn(call.events, call.label):
            out.print(renderable)

    @app.command(context_settings=_TAKES_NEGATIVE)
    def replay(
        call_id: Annotated[
            str, typer.Argument(metavar="ID|PATH", help="A call ID (or unique prefix), last, -N, or a file.")
        ],
        speed: Annotated[
            float, typer.Option(min=0.01, help="Play faster (2 = twice as fast); pauses are capped anyway.")
        ] = 1.0,
        no_audio: Annotated[bool, typer.Option("--no-audio", help="Print only; play nothing.")] = False,
        audio_dir: Annotated[
            Path | None,
            typer.Option("--audio-dir", help="Where the caller's MP3s are (the folder given to --save-mp3)."),
        ] = None,
        voice_operator: Annotated[
            str | None,
            typer.Option(
                "--voice-operator",
                envvar="CALLERSIM_VOICE_OPERATOR",
                help="ElevenLabs voice ID for the business's lines [offline: piper, retuned].",
            ),
        ] = None,
        export: Annotated[
            Path | None,
            typer.Option("--export", help="Write the whole call, both sides, as one MP3 (nothing plays)."),
        ] = None,
        player: Annotated[
            str, typer.Option(envvar="CALLERSIM_PLAYER", help="Audio player: auto, miniaudio or simpleaudio.")
        ] = "auto",
    ) -> None:
        """Replay a kept call at its pace, with the caller's saved audio; or export it as one MP3."""
        from callersim_cli import replay as rp
        from callersim_cli.views import CallView, to_rich

        out, err = _consoles()

        def notice(message: str) -> None:
            err.print(message, style="dim", markup=False)

        try:
            call = _load(call_id)
            base_url = os.environ.get("ELEVENLABS_BASE_URL") or None
            if export is not None:
                voices = rp.open_voices(
                    operator_voice_id=voice_operator, keys=os.environ, base_url=base_url, with_caller=True
                )
                result = rp.export_call(
                    call,
                    export,
                    audio_dir=audio_dir,
                    operator_voice=voices.operator,
                    caller_voice=voices.caller,
                    why_no_voice=voices.why_not,
                    notice=notice,
                )
                unvoiced = f": {voices.why_not}" if voices.why_not and voices.operator is None else ""
                silent = (
                    f", {result.silent_lines} business lines as silence{unvoiced}"
                    if result.silent_lines
                    else ""
                )
                notice(f"Wrote {result.path} ({result.duration_s:.1f} s{silent})")
                return
            view = CallView(call.label)

            def show(event: rp.Record) -> None:
                for piece in view.pieces(event):
                    out.print(to_rich(piece))

            session = rp.Replay(call, show, notice, audio_dir=audio_dir, speed=speed)
            if not no_audio:
                from callersim_cli.players import open_player

                session.player, why = open_player(player)
                if session.player is None:
                    notice(f"No sound ({why}); replaying text only.")
                else:
                    voices = rp.open_voices(
                        operator_voice_id=voice_operator,
                        keys=os.environ,
                        base_url=base_url,
                        with_caller=False,
                    )
                    session.operator_voice = voices.operator
                    if voices.why_not:
                        notice(f"The business's lines are not voiced ({voices.why_not}).")
            session.run()
        except CallersimError as exc:
            _fail(str(exc), ExitCode.USAGE)
