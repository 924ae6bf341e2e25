"""`callersim chat`: wires the engine, voice, player, transcript and terminal into a call and runs it."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callersim_cli.conversation import Context, Conversation
from callersim_cli.engines import EngineOptions, create_engine, resolve_engine_name
from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.persona import Persona
from callersim_cli.redact import Redactor
from callersim_cli.session import CallSession, PendingWarnings
from callersim_cli.settings import calls_dir, history_path
from callersim_cli.terminal import Terminal

if TYPE_CHECKING:
    from callersim_cli.records import TranscriptWriter


@dataclass
class ChatOptions:
    description: str | None = None
    scenario: str | None = None
    file: Path | None = None
    engine: str | None = None
    model: str | None = None
    base_url: str | None = None
    seed: int | None = None
    no_audio: bool = False
    tts: str | None = None
    voice: str | None = None
    tts_model: str | None = None
    player: str = "auto"
    save_mp3: Path | None = None
    transcript: Path | None = None
    no_log: bool = False
    max_turns: int | None = None
    check: bool = False
    judge: bool = True
    debug: bool = False
    persona: Persona | None = None  # from a scenario file


def run_chat(options: ChatOptions, terminal: Terminal | None = None) -> int:
    term = terminal or Terminal(history_path=history_path())
    try:
        session, repl = _set_up(options, term)
    except CallersimError as exc:
        term.error(str(exc))
        if options.debug:
            term.traceback()
        return ExitCode.USAGE
    try:
        reason = repl.run()
    finally:
        session.close()
    from callersim_cli.repl import EndReason

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
        if description is None:  # Ctrl-D or Ctrl-C: the user gave up
            return None, scenario
    if scenario is None:
        scenario = term.ask("Caller goal (Enter for a typical customer task): ")
    return description, scenario


def _set_up(options: ChatOptions, term: Terminal):
    from callersim_cli.repl import Repl

    if options.file is not None:
        _apply_scenario_file(options)
    description, scenario = _ask_context(options, term)
    context = Context.create(description, scenario, options.persona)
    notices: list[str] = []  # shown once everything is known to be usable, so an error stands alone

    api_key = os.environ.get("OPENAI_API_KEY") or None
    # Without --seed each session gets its own caller; the seed is kept in the transcript to redo it.
    seed = options.seed if options.seed is not None else random.randrange(1_000_000)
    engine_options = EngineOptions(model=options.model, base_url=options.base_url, api_key=api_key, seed=seed)
    requested = options.engine or "auto"
    engine_name = resolve_engine_name(requested, engine_options)
    if engine_name == "openai" and not (api_key or options.base_url):
        raise UsageError("The openai engine needs OPENAI_API_KEY, or --base-url for a local server")
    if requested == "auto" and engine_name == "offline":
        notices.append(
            "Using the offline caller (no OPENAI_API_KEY set). "
            "Set OPENAI_API_KEY, or --base-url for a local server, to use an LLM."
        )
    redact = Redactor([api_key, os.environ.get("ELEVENLABS_API_KEY")])
    open_transcript = _transcript_opener(options, redact, term)
    engine = create_engine(engine_name, engine_options)
    warnings = PendingWarnings()
    speaker, voice_label = _build_speaker(options, term, warnings, notices)
    session = CallSession(
        Conversation(context, engine),
        speaker=speaker,
        open_transcript=open_transcript,
        seed=seed if engine_name == "offline" else options.seed,
        judge=options.judge,
    )
    for notice in notices:
        term.notice(notice)
    if session.transcript is not None and options.transcript is None:
        term.notice(f"Keeping this call in {session.transcript.path}")

    def toolbar() -> str:
        return f" engine: {session.engine_label}   voice: {voice_label}   /help for commands"

    repl = Repl(
        session, term, warnings=warnings, max_turns=options.max_turns, toolbar=toolbar, debug=options.debug
    )
    return session, repl


def _apply_scenario_file(options: ChatOptions) -> None:
    """Fill what the flags left unset from the scenario file."""
    from callersim_cli.scenario_file import load_scenario_file

    assert options.file is not None
    spec = load_scenario_file(options.file)
    # Every setting the file can hold is a ChatOptions field of the same name (path is the file itself).
    for setting in dataclasses.fields(spec):
        name = setting.name
        if name != "path" and getattr(options, name) is None:
            setattr(options, name, getattr(spec, name))
    if not (options.description or "").strip():
        raise UsageError(f'{options.file}: no description: add description = "the business the caller rings"')


def _transcript_opener(
    options: ChatOptions, redact: Redactor, term: Terminal
) -> Callable[[Context], TranscriptWriter | None]:
    """Where each call's transcript goes: the one --transcript file, or a new kept file per call."""
    from callersim_cli.records import TranscriptWriter, new_call_file

    if options.transcript is not None:
        # Checked now, so a bad path stops the command before the call begins.
        chosen = TranscriptWriter(options.transcript, redact)
        return lambda context: chosen
    if options.no_log:
        return lambda context: None

    def kept_call(context: Context) -> TranscriptWriter | None:
        try:
            return new_call_file(calls_dir(), context.scenario, redact)
        except UsageError as exc:
            # Keeping calls by default must not stop a call; an explicit --transcript does.
            term.warning(f"{exc}; this call is not kept")
            return None

    return kept_call


def _build_speaker(options: ChatOptions, term: Terminal, warnings: PendingWarnings, notices: list[str]):
    """The voice and player the user asked for, or the best this machine has. Returns (speaker, label)."""
    from callersim_cli.voices import VoiceOptions, create_voice

    save_dir = _check_save_dir(options.save_mp3) if options.save_mp3 else None
    eleven_key = os.environ.get("ELEVENLABS_API_KEY") or None
    tts = options.tts or "auto"
    if options.no_audio and save_dir is None:
        return None, "none (--no-audio)"
    if tts == "auto":
        if eleven_key:
            tts = "elevenlabs"
        elif importlib.util.find_spec("piper") is not None:
            tts = "piper"
        else:
            notices.append(
                "No voice: text only. pip install 'callersim[offline]' for an offline voice, "
                "or set ELEVENLABS_API_KEY."
            )
            tts = "none"
    if tts == "none":
        if save_dir is not None:
            raise UsageError("--save-mp3 needs a voice; choose --tts piper or elevenlabs")
        return None, "none"
    if tts == "elevenlabs" and not eleven_key:
        raise UsageError("The elevenlabs voice needs ELEVENLABS_API_KEY")
    voice = create_voice(
        tts,
        VoiceOptions(
            api_key=eleven_key,
            base_url=os.environ.get("ELEVENLABS_BASE_URL") or None,
            voice_id=options.voice,
            model=options.tts_model,
        ),
    )
    player = None if options.no_audio else _open_player(options.player, term)
    from callersim_cli.speech import Speaker

    label = tts + ("" if player else " (not played)")
    return Speaker(voice, player, save_dir, warnings), label


def _open_player(name: str, term: Terminal):
    from callersim_cli.errors import PlayerError
    from callersim_cli.players import PLAYERS, create_player

    names = list(PLAYERS) if name == "auto" else [name]
    reasons = []
    for candidate in names:
        try:
            return create_player(candidate)
        except PlayerError as exc:
            reasons.append(str(exc))
    term.warning(f"No audio output ({reasons[-1] if reasons else 'no player'}); the call goes on text-only.")
    return None


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
    return path
