"""What a suite run found: each run's result, each case's (by its pass rate), and the run's exit code.

``results.jsonl`` gets one line per run as each ends, so a suite stopped half-way keeps what it did.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from callersim_cli.errors import UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.redact import Redactor
from callersim_cli.suite.outcome import Failure, Status, status_of
from callersim_cli.suite.suite_file import Case


@dataclass(frozen=True)
class PlannedRun:
    """Run ``attempt`` of ``of`` of a case, with the seed it was given."""

    case: Case
    attempt: int
    of: int
    seed: int

    @property
    def label(self) -> str:
        return f"{self.case.id} #{self.attempt}" if self.of > 1 else self.case.id


@dataclass
class RunResult:
    run: PlannedRun
    failures: list[Failure]
    turns: int = 0
    duration_s: float = 0.0
    call_log: Path | None = None
    goal_reached: bool | None = None

    @property
    def status(self) -> Status:
        return status_of(self.failures)

    def as_json(self) -> dict[str, Any]:
        """The run's line in results.jsonl."""
        return {
            "case": self.run.case.id,
            "attempt": self.run.attempt,
            "seed": self.run.seed,
            "status": self.status.value,
            "failures": [f.as_json() for f in self.failures],
            "turns": self.turns,
            "duration_s": round(self.duration_s, 3),
            "goal_reached": self.goal_reached,
            "call_log": str(self.call_log) if self.call_log else None,
        }


@dataclass
class CaseResult:
    case: Case
    planned: int  # runs planned
    pass_rate: float
    runs: list[RunResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.runs if r.status is Status.PASS)

    @property
    def needed(self) -> int:
        """Passing runs the pass rate asks for (2 of 3 at 0.66, every one at 1.0)."""
        return max(1, math.ceil(self.pass_rate * self.planned - 1e-9))

    @property
    def status(self) -> Status | None:
        """None while (or if, when interrupted) runs are missing and the rate is not yet met."""
        if self.passed >= self.needed:
            return Status.PASS
        if len(self.runs) < self.planned:
            return None
        return Status.FAIL if any(r.status is Status.FAIL for r in self.runs) else Status.ERROR

    @property
    def last_failing(self) -> RunResult | None:
        return next((r for r in reversed(self.runs) if r.status is not Status.PASS), None)

    @property
    def duration_s(self) -> float:
        return sum(r.duration_s for r in self.runs)

    def as_json(self) -> dict[str, Any]:
        failing = self.last_failing
        status = self.status
        return {
            "id": self.case.id,
            "status": status.value if status else "not run",
            "runs": len(self.runs),
            "passed": self.passed,
            "needed": self.needed,
            "failures": [f.as_json() for f in failing.failures] if failing else [],
            "call_logs": [str(r.call_log) for r in self.runs if r.call_log],
        }


def exit_code(cases: list[CaseResult], interrupted: bool) -> ExitCode:
    """130 when stopped; 1 when a case missed an expectation; 3 when one could not run and none failed."""
    if interrupted:
        return ExitCode.INTERRUPTED
    statuses = {case.status for case in cases}
    if Status.FAIL in statuses:
        return ExitCode.EXPECTATION_FAILED
    return ExitCode.RUN_ERROR if Status.ERROR in statuses else ExitCode.OK


class ResultsFile:
    """results.jsonl, a line a run, written (redacted) as each run ends; safe from every worker."""

    def __init__(self, path: Path, redact: Redactor) -> None:
        self.path = path
        self._redact = redact
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - held open for the run
        except OSError as exc:
            raise UsageError(f"Can't write {path}: {exc.strerror or exc}") from None

    def write(self, result: RunResult) -> None:
        line = self._redact(json.dumps(result.as_json(), ensure_ascii=False)) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
