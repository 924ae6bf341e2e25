"""`callersim test`: the options, and the run from reading the suite to the exit code.

The options are a dataclass like ``chat``'s (the caller options are ``chat``'s own fields), so the CLI
registers this command with one line. Nothing here draws: the reporters do (``progress``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.options import flag, same_flag
from callersim_cli.scenario_file import CallSettings

if TYPE_CHECKING:
    from callersim_cli.environment import Environment
    from callersim_cli.suite.runner import Outcome


def _judges() -> tuple[str, ...]:
    from callersim_cli.suite.suite_file import JUDGE_CHOICES

    return JUDGE_CHOICES


@dataclass
class TestOptions:
    """`callersim test`'s options: the suite, which of it to run and how, and where the results go."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    suite: Path = flag(default=dataclasses.MISSING, help="The suite file (TOML).", metavar="SUITE.toml")
    case: list[str] | None = flag("--case", help="Run only this case (give it again for more).", metavar="ID")
    tag: list[str] | None = flag(
        "--tag", help="Run only the cases with this tag (or another given).", metavar="T"
    )
    repeat: int | None = flag("--repeat", min=1, help="Runs per case, over the suite's repeat.")
    jobs: int | None = flag(
        "--jobs", "-j", min=1, help="Calls in flight at once, over the suite's concurrency."
    )
    junit: Path | None = flag("--junit", help="Write a JUnit XML report here.", metavar="PATH")
    as_json: bool = flag("--json", default=False, help="Print one JSON summary on stdout.")
    out: Path | None = flag(
        "--out",
        help="Write results.jsonl and the call logs here [default: under the data dir].",
        metavar="DIR",
    )
    shard: str | None = flag(
        "--shard", help="Run the I-th of N stable slices of the cases (CI matrices).", metavar="I/N"
    )
    engine: str | None = same_flag(CallSettings, "engine")
    model: str | None = same_flag(CallSettings, "model")
    base_url: str | None = same_flag(CallSettings, "base_url")
    seed: int | None = flag(
        "--seed", help="The suite's seed, over [suite] seed: each run's is derived from it."
    )
    judge: str | None = flag("--judge", help="Who gives the verdict, over [suite] judge.", choices=_judges)
    max_turns: int | None = flag(
        "--max-turns", min=1, help="Caller turns before a call is cut, over the suite's."
    )


def parse_shard(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    index, count = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or count < 1 or not 1 <= index <= count:
        raise UsageError(f"--shard {text}: give I/N with 1 <= I <= N, e.g. --shard 2/4")
    return index, count


def run_test(options: TestOptions, env: Environment) -> int:
    from callersim_cli.redact import Redactor
    from callersim_cli.suite.progress import LiveTable, ProgressLines
    from callersim_cli.suite.results import ResultsFile, exit_code
    from callersim_cli.suite.runner import Overrides, SuiteRun, choose_callers, plan, select
    from callersim_cli.suite.suite_file import load_suite

    redact = env.redact
    notices: list[str] = []
    try:
        suite = load_suite(options.suite, env.vars)
        redact = Redactor([*env.keys.values(), *suite.bot.secrets])
        overrides = Overrides(
            engine=options.engine,
            model=options.model,
            base_url=options.base_url,
            seed=options.seed,
            judge=options.judge,
            repeat=options.repeat,
            jobs=options.jobs,
            max_turns=options.max_turns,
            cases=tuple(options.case or ()),
            tags=tuple(options.tag or ()),
            shard=parse_shard(options.shard) if options.shard else None,
        )
        cases = select(suite, overrides)
        runs = plan(suite, cases, overrides)
        callers = choose_callers(suite, cases, overrides, env.keys, notices)
        out_dir, calls_dir = _where(options.out, env, suite.name)
        if options.junit is not None and options.junit.is_dir():
            raise UsageError(f"--junit {options.junit}: it is a folder; give a file name")
        results = ResultsFile(out_dir / "results.jsonl", redact)
    except CallersimError as exc:
        env.err.print(redact(str(exc)), style="red", markup=False, highlight=False)
        if env.debug:
            env.traceback()
        return ExitCode.USAGE
    for notice in dict.fromkeys(notices):
        env.notice(notice)
    if not runs:
        env.notice(f"{suite.name}: no cases in shard {options.shard}")
    live = env.out.is_terminal and not options.as_json
    reporter = (
        LiveTable(env.out, redact)
        if live
        else ProgressLines(
            lambda line: env.err.print(line, markup=False, highlight=False, soft_wrap=True), redact
        )
    )
    outcome = SuiteRun(
        suite,
        runs,
        callers,
        keys=env.keys,
        environ=env.vars,
        redact=redact,
        calls_dir=calls_dir,
        results=results,
        jobs=overrides.jobs or suite.concurrency,
        max_turns=overrides.max_turns or suite.max_turns,
    ).run(reporter, cases)
    outcome.shard = overrides.shard
    code = exit_code(outcome.cases, outcome.interrupted)
    if options.junit is not None:
        from callersim_cli.suite.junit import write_junit

        try:
            write_junit(options.junit, outcome, redact)
            outcome.junit_path = options.junit
        except CallersimError as exc:
            env.err.print(redact(str(exc)), style="red", markup=False, highlight=False)
            code = max(code, ExitCode.USAGE) if code != ExitCode.INTERRUPTED else code
    reporter.end(outcome)
    if options.as_json:
        print(redact(json.dumps(summary(outcome, code), ensure_ascii=False, indent=2)))
    return code


def _where(out: Path | None, env: Environment, suite_name: str) -> tuple[Path, Path]:
    """The folder for results.jsonl and the folder for the call logs.

    With --out both are there (``DIR/results.jsonl``, ``DIR/calls/``: ``CALLERSIM_HOME=DIR callersim
    calls`` lists them). Without, the results go under the data dir's ``runs/`` and the call logs with the
    other kept calls, where ``callersim calls`` lists them at once.
    """
    from callersim_cli.records import slug

    if out is not None:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out}: it is a file, not a folder")
        return out, out / "calls"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return env.data_dir / "runs" / f"{stamp}-{slug(suite_name) or 'suite'}", env.calls_dir


def summary(outcome: Outcome, code: int) -> dict[str, Any]:
    """The suite run as ``--json`` prints it."""
    statuses = [case.status for case in outcome.cases]
    return {
        "suite": outcome.suite.name,
        "status": "interrupted"
        if outcome.interrupted
        else "pass"
        if code == ExitCode.OK
        else "fail"
        if code == ExitCode.EXPECTATION_FAILED
        else "error",
        "exit_code": int(code),
        "cases": [case.as_json() for case in outcome.cases],
        "passed": sum(1 for s in statuses if s is not None and s.value == "pass"),
        "failed": sum(1 for s in statuses if s is not None and s.value == "fail"),
        "errors": sum(1 for s in statuses if s is not None and s.value == "error"),
        "not_run": statuses.count(None),
        "duration_s": round(outcome.duration_s, 3),
        "shard": f"{outcome.shard[0]}/{outcome.shard[1]}" if outcome.shard else None,
        "results": str(outcome.results_path) if outcome.results_path else None,
        "junit": str(outcome.junit_path) if outcome.junit_path else None,
    }
