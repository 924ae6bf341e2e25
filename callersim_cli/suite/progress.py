"""Showing a suite run as it goes: a live table on a terminal, plain lines on stderr when piped.

Both are ``runner.Reporter``s, called from every worker thread, so each keeps its state under a lock.
Whatever they show goes through the suite's redactor first: a bot's words may echo its token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from callersim_cli.redact import Redactor
from callersim_cli.suite.outcome import Status
from callersim_cli.suite.results import PlannedRun, RunResult

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live
    from rich.table import Table

    from callersim_cli.suite.runner import Outcome
    from callersim_cli.suite.suite_file import Suite

STYLES = {"pass": "green", "fail": "red", "error": "yellow", "running": "cyan", "waiting": "dim"}
VERDICTS = {True: "reached", False: "not reached", None: "-"}


def summary_line(outcome: Outcome) -> str:
    """The run in one line: how many cases passed, failed and could not run, and where it is all kept."""
    counts = {status: sum(1 for c in outcome.cases if c.status is status) for status in Status}
    parts = [
        f"{counts[Status.PASS]} passed",
        f"{counts[Status.FAIL]} failed",
        f"{counts[Status.ERROR]} errors",
    ]
    missing = sum(1 for c in outcome.cases if c.status is None)
    if missing:
        parts.append(f"{missing} not run")
    shard = f" (shard {outcome.shard[0]}/{outcome.shard[1]})" if outcome.shard else ""
    stopped = "interrupted after" if outcome.interrupted else "in"
    line = f"{outcome.suite.name}{shard}: {len(outcome.cases)} cases, {', '.join(parts)} {stopped} "
    line += f"{outcome.duration_s:.1f} s"
    kept = [f"results: {outcome.results_path}"] if outcome.results_path else []
    kept += [f"junit: {outcome.junit_path}"] if outcome.junit_path else []
    return line + (f" ({'; '.join(kept)})" if kept else "")


def failure_lines(result: RunResult) -> list[str]:
    """What went wrong in a run, and where to look: one line each, indented under the run."""
    lines = [f"    {failure}" for failure in result.failures]
    if result.call_log is not None and result.failures:
        lines.append(f"    call log: callersim show {result.call_log}")
    return lines


def run_line(result: RunResult) -> str:
    verdict = VERDICTS[result.goal_reached]
    turns = f"{result.turns} turn{'s' if result.turns != 1 else ''}"
    took = f"{turns}, {result.duration_s:.1f} s, verdict: {verdict}"
    return f"{result.status.value:<5} {result.run.label}  ({took})"


class ProgressLines:
    """A line on stderr per finished run, its failures under it: for CI logs and pipes."""

    def __init__(self, write: Callable[[str], None], redact: Redactor) -> None:
        self._write = write
        self._redact = redact
        self._lock = threading.Lock()

    def say(self, *lines: str) -> None:
        with self._lock:
            for line in lines:
                self._write(self._redact(line))

    def begin(self, suite: Suite, runs: list[PlannedRun]) -> None:
        cases = len({run.case.id for run in runs})
        self.say(f"{suite.name}: {len(runs)} run{'s' if len(runs) != 1 else ''} of {cases} cases")

    def started(self, run: PlannedRun) -> None:
        pass

    def turn(self, run: PlannedRun, turns: int) -> None:
        pass

    def finished(self, result: RunResult) -> None:
        self.say(run_line(result), *failure_lines(result))

    def end(self, outcome: Outcome) -> None:
        self.say(summary_line(outcome))


@dataclass
class _Row:
    run: PlannedRun
    state: str = "waiting"  # waiting, running, then the run's status
    turns: int = 0
    result: RunResult | None = None


class LiveTable:
    """A table of the runs, redrawn as they go (case, run, turns, status, verdict); the failures are
    printed above it as they happen, and the whole table stays on the screen at the end."""

    def __init__(self, console: Console, redact: Redactor) -> None:
        self.console = console
        self._redact = redact
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, int], _Row] = {}  # by case and attempt, in the order planned
        self._live: Live | None = None

    def begin(self, suite: Suite, runs: list[PlannedRun]) -> None:
        from rich.live import Live

        self._title = suite.name
        self._rows = {(run.case.id, run.attempt): _Row(run) for run in runs}
        self._live = Live(
            console=self.console, get_renderable=self._window, refresh_per_second=8, transient=True
        )
        self._live.start()

    def started(self, run: PlannedRun) -> None:
        with self._lock:
            self._rows[run.case.id, run.attempt].state = "running"

    def turn(self, run: PlannedRun, turns: int) -> None:
        with self._lock:
            self._rows[run.case.id, run.attempt].turns = turns

    def finished(self, result: RunResult) -> None:
        from rich.text import Text

        with self._lock:
            row = self._rows[result.run.case.id, result.run.attempt]
            row.state, row.turns, row.result = result.status.value, result.turns, result
        if result.failures:
            shown = "\n".join([run_line(result), *failure_lines(result)])
            self.console.print(Text(self._redact(shown), style=STYLES[result.status.value]))

    def end(self, outcome: Outcome) -> None:
        from rich.text import Text

        if self._live is not None:
            self._live.stop()
        with self._lock:
            self.console.print(self._table(list(self._rows.values())))
        self.console.print(Text(self._redact(summary_line(outcome)), style="bold"))

    def _window(self) -> RenderableType:
        """The rows that fit the screen: those running first, then the latest to finish."""
        with self._lock:
            rows = list(self._rows.values())
        room = max(3, self.console.height - 6)
        running = [r for r in rows if r.state == "running"]
        finished = [r for r in rows if r.result is not None]
        shown = {id(row) for row in (running + finished[::-1])[:room]}
        table = self._table([row for row in rows if id(row) in shown])
        done = len(finished)
        table.caption = f"{done} of {len(rows)} runs done, {len(running)} in flight"
        return table

    def _table(self, rows: list[_Row]) -> Table:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=self._title, header_style="bold", show_edge=False, pad_edge=False)
        for name, justify in (("case", "left"), ("run", "right"), ("turns", "right")):
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        table.add_column("status", no_wrap=True)
        table.add_column("verdict", no_wrap=True)
        for row in rows:
            verdict = VERDICTS[row.result.goal_reached] if row.result else ""
            table.add_row(
                Text(self._redact(row.run.case.id)),
                f"{row.run.attempt}/{row.run.of}",
                str(row.turns) if row.state != "waiting" else "",
                Text(row.state, style=STYLES[row.state]),
                verdict,
            )
        return table
