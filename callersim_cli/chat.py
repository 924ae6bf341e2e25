"""`callersim chat`: wires the engine, judge, voice, player, transcript and terminal into a call, runs it."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callersim_cli.errors import CallersimError, Terminated, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.options import flag
from callersim_cli.players import PLAYERS
from callersim_cli.scenario_file import CallSettings

if TYPE_CHECKING:  # the rest is imported when a call is set up: `callersim --help` needs only the options
    from callersim_cli.conversation import Context
    from callersim_cli.environment import Environment
    from callersim_cli.records import TranscriptWriter
    from callersim_cli.repl import Repl
    from callersim_cli.session import CallSession, PendingWarnings
    from callersim_cli.terminal import Terminal


@dataclass
class ChatOptions(CallSettings):
    """`callersim chat`'s options: the call's settings (a scenario file may hold them), then how to run it."""

    file: Path | None = flag("--file", "-f", help="A scenario file (TOML); flags override it.")
    no_audio: bool = flag("--no-audio", default=False, help="Text only: nothing is played.")
    player: str = flag(
        "--player",
        default="auto",
        help=f"Audio player; auto takes the first of {', '.join(PLAYERS.names())} that works.",
        envvar="CALLERSIM_PLAYER",
        choices=PLAYERS.choices,
    )
    save_mp3: Path | None = flag("--save-mp3", help="Keep every caller reply as an MP3 in this folder.")
    transcript: Path | None = flag(
        "--transcript", help="Write the call as JSON Lines here (default: the calls folder)."
    )
    no_log: bool = flag("--no-log", default=False, help="Don't keep this call's transcript.")
    max_turns: int | None = flag("--max-turns", min=1, help="End the call after this many caller replies.")
    check: bool = flag("--check", default=False, help="Exit 0 if the caller reached its goal, 1 if not.")
    no_judge: bool = flag("--no-judge", default=False, help="Skip the verdict at the end of the call.")
    explain: bool = flag(
        "--explain", default=False, help="After each reply, say why the offline caller gave it (as /why)."
    )


def run_chat(options: ChatOptions, env: Environment, terminal: Terminal | None = None) -> int:
    from callersim_cli.signals import ended_by_signals
    from callersim_cli.terminal import Terminal

    term = terminal or Terminal(env, history_path=env.history_path)
    with ended_by_signals(term.interrupt_prompt):
        try:
            return _run(options, env, term)
        except Terminated as exc:  # before the call began, or after it was ended
            term.end_reply()
            return exc.exit_code


def _run(options: ChatOptions, env: Environment, term: Terminal) -> int:
    try:
        session, repl = _set_up(options, env, term)
    except Terminated:
        raise
    except CallersimError as exc:
        term.error(str(exc))
        if env.debug:
            term.traceback()
        return ExitCode.USAGE
    except KeyboardInterrupt:  # at a question before the call (the business, the goal)
        term.end_reply()
        return ExitCode.INTERRUPTED
    try:
        reason = repl.run()
    finally:
        session.close()
    from callersim_cli.repl import EndReason

    if repl.terminated is not None:
        return repl.terminated.exit_code
    if reason == EndReason.INTERRUPTED:
        return ExitCode.INTERRUPTED
    if reason == EndReason.FAILED:
        return ExitCode.CALL_FAILED
    if options.check:
        verdict = repl.summaries[-1].verdict if repl.summaries else None
        return ExitCode.OK if verdict is not None and verdict.goal_reached else ExitCode.GOAL_NOT_REACHED
    return ExitCode.OK


def _ask_context(options: ChatOptions, term: Terminal) -> tuple[str | None, str | None]:
    """The description and goal, asked for on a terminal when the flags and file gave no description."""
    description, scenario = options.description, options.scenario
    if (description or "").strip() or not term.interactive:
        return description, scenario
    while not (description or "").strip():
        description = term.ask("Business description (what the caller rings): ")
        if description is None:  # Ctrl-D: the user gave up
            return None, scenario
    if scenario is None:
        scenario = term.ask("Caller goal (Enter for a typical customer task): ")
    return description, scenario


def _set_up(options: ChatOptions, env: Environment, term: Terminal) -> tuple[CallSession, Repl]:
    from callersim_cli.backends import choose
    from callersim_cli.conversation import Context, Conversation
    from callersim_cli.engines import ENGINES
    from callersim_cli.judges import create_judge
    from callersim_cli.repl import Repl
    from callersim_cli.session import CallSession, PendingWarnings

    if options.file is not None:
        _apply_scenario_file(options)
    description, scenario = _ask_context(options, term)
    context = Context.create(description, scenario, options.persona)
    notices: list[str] = []  # shown once everything is known to be usable, so an error stands alone

    # Without --seed each session gets its own caller; the seed is kept in the transcript to redo it.
    seed = options.seed if options.seed is not None else random.randrange(1_000_000)
    settings = {"model": options.model, "base_url": options.base_url, "seed": seed}
    row = choose(ENGINES, options.engine, lambda row: row.make_options(settings, env.keys), notices)
    assert row is not None  # the offline engine can always run
    engine_options = row.make_options(settings, env.keys)
    warnings = PendingWarnings()
    # Each key and where it goes: a key sent in plain text to another machine is worth one line.
    for key_var, url in (
        ("OPENAI_API_KEY", getattr(engine_options, "base_url", None)),
        ("ELEVENLABS_API_KEY", env.get("ELEVENLABS_BASE_URL")),
    ):
        if env.get(key_var) and url and sends_in_clear(url):
            term.warning(
                f"{key_var} will be sent unencrypted to {url}: use https:// for a host not on this machine"
            )
    open_transcript = _transcript_opener(options, env, term, warnings)
    engine = row.build(engine_options)
    speaker, voice_label = _build_speaker(options, env, term, warnings, notices)
    session = CallSession(
        Conversation(context, engine),
        speaker=speaker,
        open_transcript=open_transcript,
        # Kept when it brings the same caller back; an engine that only passes it on keeps the user's.
        seed=seed if row.reproducible else options.seed,
        judge=None if options.no_judge else create_judge(row.name, engine_options),
    )
    for notice in notices:
        term.notice(notice)
    if session.transcript is not None and not session.transcript.lost and options.transcript is None:
        term.notice(f"Keeping this call in {session.transcript.path}")

    def toolbar() -> str:
        return f" engine: {session.engine_label}   voice: {voice_label}   /help for commands"

    repl = Repl(
        session,
        term,
        warnings=warnings,
        max_turns=options.max_turns,
        toolbar=toolbar,
        debug=env.debug,
        explain=options.explain,
    )
    return session, repl


def sends_in_clear(url: str) -> bool:
    """Whether a request to ``url`` crosses a network in plain text: http:// to a host not on this one."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name: it may resolve anywhere


def _apply_scenario_file(options: ChatOptions) -> None:
    """Fill what the flags left unset from the scenario file."""
    from callersim_cli.scenario_file import load_scenario_file

    assert options.file is not None
    spec = load_scenario_file(options.file)
    for setting in dataclasses.fields(CallSettings):
        if getattr(options, setting.name) is None:
            setattr(options, setting.name, getattr(spec, setting.name))
    if not (options.description or "").strip():
        raise UsageError(f'{options.file}: no description: add description = "the business the caller rings"')


def _transcript_opener(
    options: ChatOptions, env: Environment, term: Terminal, warn: Callable[[str], None]
) -> Callable[[Context], TranscriptWriter | None]:
    """Where each call's transcript goes: the one --transcript file, or a new kept file per call."""
    from callersim_cli.records import TranscriptWriter, new_call_file

    if options.transcript is not None:
        # Checked now, so a bad path stops the command before the call begins.
        chosen = TranscriptWriter(options.transcript, env.redact, warn=warn)
        return lambda context: chosen
    if options.no_log:
        return lambda context: None

    def kept_call(context: Context) -> TranscriptWriter | None:
        try:
            return new_call_file(env.calls_dir, context.scenario, env.redact, warn=warn)
        except UsageError as exc:
            # Keeping calls by default must not stop a call; an explicit --transcript does.
            term.warning(f"{exc}; this call is not kept")
            return None

    return kept_call


def _build_speaker(
    options: ChatOptions, env: Environment, term: Terminal, warnings: PendingWarnings, notices: list[str]
) -> tuple[Any, str]:
    """The voice and player the user asked for, or the best this machine has. Returns (speaker, label)."""
    from callersim_cli.players import open_player
    from callersim_cli.speech import Speaker
    from callersim_cli.voices import VOICES, build_voice

    save_dir = _check_save_dir(options.save_mp3) if options.save_mp3 else None
    if options.no_audio and save_dir is None:
        return None, "none (--no-audio)"
    settings = {
        "voice_id": options.voice,
        "model": options.tts_model,
        "base_url": env.get("ELEVENLABS_BASE_URL"),
    }
    voice = build_voice(options.tts, settings, env.keys, warnings, notices)
    if voice is None:
        if save_dir is not None:
            raise UsageError(f"--save-mp3 needs a voice; choose --tts {' or '.join(VOICES.names())}")
        return None, "none"
    player = None
    if not options.no_audio:
        player, why = open_player(options.player)
        if player is None:
            term.warning(f"No audio output ({why}); the call goes on text-only.")
    label = voice.name + ("" if player else " (not played)")
    return Speaker(voice, player, save_dir, warnings), label


def _check_save_dir(path: Path) -> Path:
    """Refuse a folder that can't be written before the call begins, not at the first reply."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"Can't write MP3s to {path}: it is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".callersim-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"Can't write MP3s to {path}: {exc.strerror or exc}") from None
    from callersim_cli.files import remove_stale_parts

    remove_stale_parts(path)
    return path
