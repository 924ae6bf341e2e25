"""A suite run: which runs to make (cases, repeats, tags, shard), with which caller, how many at once.

Everything that can be refused is refused before the first call (an engine that can't run here, a
judge that can't judge a case's criteria), so a bad setup is exit 2, never a suite of errors. Runs go
to a pool of ``jobs`` threads; each builds its own caller engine and judge, so runs share nothing but
the transport (one HTTP client, or nothing at all for processes).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from callersim_cli.backends import Backend
from callersim_cli.errors import UsageError
from callersim_cli.records import TranscriptWriter, new_call_file
from callersim_cli.redact import Redactor
from callersim_cli.suite.results import CaseResult, PlannedRun, ResultsFile, RunResult
from callersim_cli.suite.suite_file import Case, Suite

if TYPE_CHECKING:
    from callersim_cli.judges import Judge

STOP_WAIT_S = 5.0  # after Ctrl-C, how long runs in flight get to record how they ended


@dataclass(frozen=True)
class Overrides:
    """What the command line says over the suite file; None where it says nothing."""

    engine: str | None = None
    model: str | None = None
    base_url: str | None = None
    seed: int | None = None
    judge: str | None = None
    repeat: int | None = None
    jobs: int | None = None
    max_turns: int | None = None
    cases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    shard: tuple[int, int] | None = None  # (I, N): the I-th of N slices, from 1


def derive_seed(base: int, case_id: str, attempt: int) -> int:
    """Run ``attempt`` of a case gets its own seed, the same every time: ``chat --seed`` with it, the same
    business and goal, brings that caller back."""
    digest = hashlib.sha256(f"{base}\n{case_id}\n{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 1_000_000


def select(suite: Suite, overrides: Overrides) -> list[Case]:
    """The cases to run: those named (--case) or tagged (--tag), then the shard's slice of them."""
    cases = list(suite.cases)
    known = {case.id for case in cases}
    for wanted in overrides.cases:
        if wanted not in known:
            listed = ", ".join(sorted(known))
            raise UsageError(f"--case {wanted}: no such case in {suite.path} (its cases: {listed})")
    if overrides.cases:
        cases = [case for case in cases if case.id in overrides.cases]
    if overrides.tags:
        cases = [case for case in cases if set(case.tags) & set(overrides.tags)]
        if not cases:
            raise UsageError(f"--tag {', '.join(overrides.tags)}: no case to run has that tag")
    if overrides.shard is not None:
        # Every N-th case in the file's order: the same slice every time, and the shards even in size.
        index, count = overrides.shard
        cases = cases[index - 1 :: count]
    return cases


def plan(suite: Suite, cases: list[Case], overrides: Overrides) -> list[PlannedRun]:
    runs = []
    for case in cases:
        repeat = overrides.repeat or case.repeat or suite.repeat
        base = overrides.seed if overrides.seed is not None else case.settings.seed
        base = suite.seed if base is None else base
        runs += [PlannedRun(case, k, repeat, derive_seed(base, case.id, k)) for k in range(1, repeat + 1)]
    return runs


# --- the caller of each case -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """The engine and judge a case's calls are made and judged with, chosen before any call."""

    engine: Backend
    judge: Backend | None
    settings: dict[str, Any]  # what the rows' options are made from: model, base_url

    def build(self, seed: int, keys: Mapping[str, str | None]) -> tuple[Any, Judge | None]:
        settings = {**self.settings, "seed": seed}
        engine = self.engine.build(self.engine.make_options(settings, keys))
        judge = self.judge.build(self.judge.make_options(settings, keys)) if self.judge else None
        return engine, judge


def choose_callers(
    suite: Suite, cases: list[Case], overrides: Overrides, keys: Mapping[str, str | None], notices: list[str]
) -> dict[str, Caller]:
    """Each case's caller, or ``UsageError`` naming the case when one can't be made here."""
    from callersim_cli.engines import ENGINES
    from callersim_cli.judges import JUDGES, CriteriaJudge

    callers: dict[str, Caller] = {}
    for case in cases:
        given = case.settings
        settings = {
            "model": overrides.model or given.model or suite.model,
            "base_url": overrides.base_url or given.base_url or suite.base_url,
        }

        def options(row: Backend, settings: dict[str, Any] = settings) -> Any:
            return row.make_options(settings, keys)

        wanted = overrides.engine or given.engine or suite.engine
        if wanted == "auto":
            engine, reasons = ENGINES.auto(options)
            assert engine is not None  # the offline engine can always run
            if reasons:
                why = "; ".join(reason[0].lower() + reason[1:] for reason in reasons)
                notices.append(f"Using {engine.label} ({why}).")
        else:
            engine = ENGINES[wanted]
        judge_name = overrides.judge or suite.judge
        judge = None if judge_name == "none" else JUDGES[engine.name if judge_name == "auto" else judge_name]
        if judge is None and "goal_reached" in case.expect:
            raise UsageError(
                f"{case.origin}: case '{case.id}' expects goal_reached, which needs a judge (not none)"
            )
        for row in (engine, judge):
            reason = row.why_not(options(row)) if row is not None else None
            if reason is not None:
                raise UsageError(f"{case.origin}: case '{case.id}': {reason}")
        if case.expect.get("criteria"):
            made = judge.build(options(judge)) if judge is not None else None
            fit = isinstance(made, CriteriaJudge)
            if made is not None:
                made.close()
            if not fit:
                raise UsageError(
                    f"{case.origin}: case '{case.id}' has expect.criteria, which the "
                    f'{judge.name if judge else "none"} judge can\'t judge: set judge = "openai" '
                    "(OPENAI_API_KEY, or base_url for a local server)"
                )
        callers[case.id] = Caller(engine, judge, settings)
    return callers


# --- running ----------------------------------------------------------------------------------------------


class Reporter(Protocol):
    """Shows a suite run as it goes; called from every worker thread, so it must lock what it keeps."""

    def begin(self, suite: Suite, runs: list[PlannedRun]) -> None: ...

    def started(self, run: PlannedRun) -> None: ...

    def turn(self, run: PlannedRun, turns: int) -> None: ...

    def finished(self, result: RunResult) -> None: ...

    def end(self, outcome: Outcome) -> None: ...


@dataclass
class Outcome:
    suite: Suite
    cases: list[CaseResult]
    interrupted: bool = False
    duration_s: float = 0.0
    results_path: Path | None = None
    junit_path: Path | None = None
    shard: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class SuiteRun:
    """One ``callersim test``: the suite, its runs, and where their call logs and results go."""

    suite: Suite
    runs: list[PlannedRun]
    callers: dict[str, Caller]
    keys: Mapping[str, str | None]
    environ: Mapping[str, str]  # what a bot process inherits
    redact: Redactor
    calls_dir: Path
    results: ResultsFile
    jobs: int
    max_turns: int

    def run(self, reporter: Reporter, cases: list[Case]) -> Outcome:
        from callersim_cli.suite.call import Switchboard
        from callersim_cli.suite.transports import open_transport

        started = time.monotonic()
        by_case = {c.id: CaseResult(c, 0, self.suite.pass_rate) for c in cases}
        for run in self.runs:
            by_case[run.case.id].planned += 1
        outcome = Outcome(self.suite, list(by_case.values()), results_path=self.results.path)
        transport = open_transport(self.suite.bot, self.environ)
        board = Switchboard(self.suite.name, transport, self.max_turns)
        reporter.begin(self.suite, self.runs)
        pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.jobs, thread_name_prefix="callersim-run"
        )
        ids = itertools.count(1)
        futures = [pool.submit(self._one, run, next(ids), board, reporter) for run in self.runs]
        recorded: set[concurrent.futures.Future[RunResult]] = set()

        def record(future: concurrent.futures.Future[RunResult]) -> None:
            recorded.add(future)
            result = future.result()
            by_case[result.run.case.id].runs.append(result)
            self.results.write(result)
            reporter.finished(result)

        try:
            for future in concurrent.futures.as_completed(futures):
                record(future)
        except BaseException as exc:
            # Ctrl-C, or a bug in a run: the calls in flight are cut, the runs not begun are not begun.
            outcome.interrupted = isinstance(exc, KeyboardInterrupt)
            board.stop()
            pool.shutdown(wait=False, cancel_futures=True)
            if not outcome.interrupted:
                raise
            done, _ = concurrent.futures.wait(futures, timeout=STOP_WAIT_S)
            for future in done - recorded:
                if not future.cancelled() and future.exception() is None:
                    record(future)
        finally:
            pool.shutdown(wait=not outcome.interrupted)
            transport.close()
            self.results.close()
        outcome.duration_s = time.monotonic() - started
        return outcome

    def _one(self, run: PlannedRun, run_id: int, board: Any, reporter: Reporter) -> RunResult:
        from callersim_cli.conversation import Context, Conversation
        from callersim_cli.persona import invent_persona
        from callersim_cli.session import CallSession
        from callersim_cli.suite.call import run_call

        reporter.started(run)
        given = run.case.settings
        context = Context.create(given.description, given.scenario, given.persona)
        engine, judge = self.callers[run.case.id].build(run.seed, self.keys)
        session = CallSession(
            Conversation(context, engine),
            transcript=self._call_log(run),
            seed=run.seed,
            judge=judge,
        )
        number = (given.persona.phone if given.persona else None) or invent_persona(run.seed, context).phone
        on_turn: Callable[[int], None] = lambda turns: reporter.turn(run, turns)  # noqa: E731
        try:
            return run_call(run, session, board, run_id, number, judge, on_turn)
        finally:
            session.close()

    def _call_log(self, run: PlannedRun) -> TranscriptWriter:
        # Kept even when nothing was said: a bot that would not start is worth a look too.
        return new_call_file(self.calls_dir, f"{run.case.id} {run.attempt}", self.redact, keep_if_empty=True)
