"""The suite run as JUnit XML, the report CI systems draw: one ``<testcase>`` per case.

``<failure>`` when the case missed an expectation, ``<error>`` when its runs could not complete,
``<skipped>`` when it was not run (Ctrl-C); the last failing run's conversation, read back from its
call log, goes in ``<system-out>``. Written whole, atomically, after the run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from callersim_cli.files import write_file
from callersim_cli.redact import Redactor
from callersim_cli.suite.outcome import Status
from callersim_cli.suite.results import CaseResult, RunResult
from callersim_cli.suite.runner import Outcome


def conversation_text(result: RunResult) -> str:
    """A run's call as plain lines, as ``callersim show`` draws it, from its call log."""
    from callersim_cli import views
    from callersim_cli.errors import UsageError
    from callersim_cli.records import load_events

    if result.call_log is None:
        return ""
    try:
        events = load_events(result.call_log)
    except UsageError as exc:
        return str(exc)
    view = views.CallView(result.call_log.stem)
    lines = []
    for event in events:
        for piece in view.pieces(event):
            if piece.kind == "said":
                lines.append(views.PREFIXES[piece.who] + piece.text)
            elif piece.kind in ("facts", "summary"):
                lines += [f"{label}: {value}" for label, value in piece.rows]
            elif piece.text:
                lines.append(f"  {piece.icon} {piece.text}")
    return "\n".join([f"call log: {result.call_log}", *lines])


def _testcase(suite: str, case: CaseResult) -> ET.Element:
    element = ET.Element("testcase", classname=suite, name=case.case.id, time=f"{case.duration_s:.3f}")
    status = case.status
    failing = case.last_failing
    if status is None:
        ET.SubElement(element, "skipped", message="not run: the suite was interrupted")
        return element
    runs = f"{case.passed} of {len(case.runs)} runs passed ({case.needed} needed)"
    if status is not Status.PASS and failing is not None:
        tag = "failure" if status is Status.FAIL else "error"
        first = failing.failures[0] if failing.failures else None
        detail = ET.SubElement(
            element, tag, message=str(first) if first else status.value, type=first.kind if first else tag
        )
        detail.text = "\n".join([runs, *(f"run {failing.run.attempt}: {f}" for f in failing.failures)])
    if failing is not None:
        out = ET.SubElement(element, "system-out")
        out.text = f"{runs}\nlast failing run: {failing.run.attempt} (seed {failing.run.seed})\n"
        out.text += conversation_text(failing)
    return element


def write_junit(path: Path, outcome: Outcome, redact: Redactor) -> None:
    """Write ``outcome`` as JUnit XML to ``path``. Raises ``UsageError`` when it can't be written."""
    cases = [_testcase(outcome.suite.name, case) for case in outcome.cases]
    statuses = [case.status for case in outcome.cases]
    suite = ET.Element(
        "testsuite",
        name=outcome.suite.name,
        tests=str(len(cases)),
        failures=str(statuses.count(Status.FAIL)),
        errors=str(statuses.count(Status.ERROR)),
        skipped=str(statuses.count(None)),
        time=f"{outcome.duration_s:.3f}",
    )
    suite.extend(cases)
    root = ET.Element("testsuites", name=outcome.suite.name)
    root.append(suite)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    write_file(path, (redact(text) + "\n").encode("utf-8"))
