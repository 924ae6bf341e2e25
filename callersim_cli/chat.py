"""`callersim chat`: wires the engine, voice, player, transcript and terminal into a call and runs it."""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callersim_cli.backends import Backend, Registry
from callersim_cli.conversation import Context, Conversation
from callersim_cli.engines import ENGINES, EngineOptions
from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.judges import create_judge
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

    keys = os.environ
    # Without --seed each session gets its own caller; the seed is kept in the transcript to redo it.
    seed = options.seed if options.seed is not None else random.randrange(1_000_000)
    settings = {"model": options.model, "base_url": options.base_url, "seed": seed}
    row = _choose(ENGINES, options.engine, lambda row: row.make_options(settings, keys), notices)
    assert row is not None  # the offline engine can always run
    engine_options = row.make_options(settings, keys)
    redact = Redactor([keys.get("OPENAI_API_KEY"), keys.get("ELEVENLABS_API_KEY")])
    open_transcript = _transcript_opener(options, redact, term)
    engine = row.build(engine_options)
    warnings = PendingWarnings()
    speaker, voice_label = _build_speaker(options, term, warnings, notices)
    session = CallSession(
        Conversation(context, engine),
        speaker=speaker,
        open_transcript=open_transcript,
        # The seed makes the same caller again only with the offline engine.
        seed=seed if row.options is EngineOptions else options.seed,
        judge=create_judge(row.name, engine_options) if options.judge else None,
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


def _choose(registry: Registry, requested: str | None, options_for, notices: list[str]) -> Backend | None:
    """The backend asked for, or for "auto" the first that can run here (saying why the ones before
    it can't); None for a word of the registry's own ("none")."""
    if requested in registry.words:
        return None
    if requested not in (None, "auto"):
        return registry[requested]
    row, reasons = registry.auto(options_for)
    if reasons:
        why = "; ".join(reason[0].lower() + reason[1:] for reason in reasons)
        notices.append(f"Using {row.label} ({why})." if row else f"No {registry.kind}: {why}.")
    return row


def _build_speaker(options: ChatOptions, term: Terminal, warnings: PendingWarnings, notices: list[str]):
    """The voice and player the user asked for, or the best this machine has. Returns (speaker, label)."""
    from callersim_cli.players import open_player
    from callersim_cli.speech import Speaker
    from callersim_cli.voices import VOICES

    save_dir = _check_save_dir(options.save_mp3) if options.save_mp3 else None
    if options.no_audio and save_dir is None:
        return None, "none (--no-audio)"
    keys = os.environ
    settings = {
        "voice_id": options.voice,
        "model": options.tts_model,
        "base_url": keys.get("ELEVENLABS_BASE_URL") or None,
    }
    row = _choose(VOICES, options.tts, lambda row: row.make_options(settings, keys), notices)
    if row is None:
        if save_dir is not None:
            raise UsageError(f"--save-mp3 needs a voice; choose --tts {' or '.join(VOICES.names())}")
        return None, "none"
    voice = row.build(row.make_options(settings, keys))
    player = None
    if not options.no_audio:
        player, why = open_player(options.player)
        if player is None:
            term.warning(f"No audio output ({why}); the call goes on text-only.")
    label = row.name + ("" if player else " (not played)")
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
    return path
