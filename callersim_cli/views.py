"""The one view of a call: what each event looks like, drawn for the terminal (rich) and as Markdown.

A call's events (``callersim_cli.records``) become ``Piece``s here, once: the REPL's stream and its
``/history``, the summary panel, ``callersim show``, ``--markdown`` and ``replay`` all draw those
pieces, so a key press or a verdict reads the same wherever it appears. Caller text is always drawn
as plain ``Text``: a caller that says "[bold]" is shown as it said it, never parsed as markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.styled import Styled
from rich.table import Table
from rich.text import Text

from callersim_cli.printable import printable
from callersim_cli.records import EndRecord, KeptCall, Record, barge_in, parse_ts

PREFIXES = {"business": "business › ", "caller": "caller › "}
STYLES = {
    "business": "bold blue",
    "caller": "bold green",
    "action": "cyan",
    "error": "red",
    "cut": "yellow",
    "label": "dim",
    "note": "dim",
}
PHONE = "☎"


def pressed(digits: str) -> str:
    return f"presses {digits}"


HANGS_UP = "hangs up"


@dataclass(frozen=True)
class Piece:
    """One thing shown of a call, before it is drawn anywhere."""

    kind: Literal["facts", "rule", "said", "action", "error", "cut", "note", "summary"]
    text: str = ""  # what was said; the label of an action, error or cut
    who: str = ""  # who said it: "business" or "caller"
    rows: tuple[tuple[str, str], ...] = ()  # facts and summary: (label, value)
    verdict: bool | None = None  # summary: whether the goal was reached, None without a verdict
    icon: str = ""

    def __post_init__(self) -> None:
        # Every view draws pieces, so this is where text from a model, a bot or a file is made safe.
        object.__setattr__(self, "text", printable(self.text))
        object.__setattr__(self, "rows", tuple((label, printable(v)) for label, v in self.rows))


def action(label: str) -> Piece:
    return Piece("action", label, icon=PHONE)


# --- events into pieces ---------------------------------------------------------------------------------


class CallView:
    """Turns the events of a call into pieces, in order; a file of several calls has a rule between them."""

    def __init__(self, label: str | None = None, *, played: bool = True) -> None:
        self.label = label  # the call's ID, shown with the first call's facts
        self.played = played  # False: first audio was when a reply was ready, nothing was heard
        self._contexts = 0

    def pieces(self, event: Record) -> list[Piece]:
        if event["type"] == "context":
            shown = [Piece("rule", "new call")] if self._contexts else []
            rows = [("call", self.label)] if self.label and not self._contexts else []
            self._contexts += 1
            return [*shown, Piece("facts", rows=(*rows, *_context_rows(event)))]
        if event["type"] == "operator":
            return [Piece("said", str(event.get("text") or ""), who="business")]
        if event["type"] == "caller":
            text = str(event.get("text") or "").strip()
            out = [Piece("said", text, who="caller")] if text else []
            if event.get("dtmf"):
                out.append(action(pressed(str(event["dtmf"]))))
            if event.get("hangup"):
                out.append(action(HANGS_UP))
            return out
        if event["type"] == "error":
            return [Piece("error", str(event.get("message") or "error"), icon="✗")]
        if event["type"] == "end":
            return [summary(event, played=self.played)]
        if (cut := barge_in(event)) is not None:
            heard, duration = cut
            detail = f" after {heard:.1f} s of {duration:.1f} s" if duration else ""
            return [Piece("cut", f"the business cut the caller off{detail}", icon="⤺")]
        return _bot_pieces(event)


def _bot_pieces(event: Record) -> list[Piece]:
    """What a bot under test did beside speaking, and how its test went (``callersim test``)."""
    if event["type"] == "bot_event":
        data = event.get("data")
        shown = f" {json.dumps(data, ensure_ascii=False)}" if data not in (None, {}, []) else ""
        return [Piece("action", f"the bot reports {event.get('name')}{shown}", icon="⚙")]
    if event["type"] == "bot_log":
        return [Piece("note", f"{event.get('source', 'log')}: {event.get('message', '')}", icon="·")]
    if event["type"] == "transfer":
        return [action(f"the bot transfers the call to {event.get('to')}")]
    if event["type"] == "result":
        test = f"test {event.get('case')}, run {event.get('attempt')}"
        failures = event.get("failures") or []
        if event.get("status") == "pass" or not failures:
            return [Piece("action", f"{test}: {event.get('status', '?')}", icon="✓")]
        return [
            Piece("error", f"{test}: {event.get('status')}: {_failure_line(f)}", icon="✗") for f in failures
        ]
    return []


def _failure_line(failure: Any) -> str:
    if not isinstance(failure, dict):
        return str(failure)
    turn = failure.get("turn")
    at = f" (turn {turn})" if isinstance(turn, int) else ""
    return f"{failure.get('kind')}{at}: {failure.get('message')}"


def _local_time(ts: datetime | None) -> str:
    return ts.astimezone().strftime("%Y-%m-%d %H:%M:%S") if ts is not None else "?"


def _context_rows(event: Record) -> list[tuple[str, str]]:
    # Every call of a file has its own time: a /reset may come long after the call before it.
    rows = [
        ("time", _local_time(parse_ts(event.get("ts")))),
        ("business", str(event.get("description") or "?")),
        ("goal", str(event.get("scenario") or "?")),
    ]
    if event["type"] != "context":
        return rows
    persona = event.get("persona")
    if isinstance(persona, dict) and persona:
        rows.append(("caller", "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in persona.items())))
    if engine := event.get("engine"):
        model = event.get("model")
        rows.append(("engine", f"{engine} ({model})" if model else str(engine)))
    seed = event.get("seed")
    if isinstance(seed, (int, str)) and not isinstance(seed, bool) and seed != "":
        rows.append(("seed", str(seed)))  # with --seed it makes the same caller again
    return rows


def summary(end: EndRecord | dict[str, Any], *, played: bool = True) -> Piece:
    """The end of a call as the summary panel's rows."""
    rows = []
    if "turns" in end:
        rows.append(("turns", str(end["turns"])))
    if isinstance(end.get("duration_s"), (int, float)):
        rows.append(("duration", f"{end['duration_s']:.1f} s"))
    if "keys" in end:
        rows.append(("keys pressed", " ".join(map(str, end.get("keys") or [])) or "none"))
    if end.get("end_reason"):
        rows.append(("ended", str(end["end_reason"])))
    median = end.get("first_audio_median_s")
    if isinstance(median, (int, float)):
        worst = end.get("first_audio_worst_s") or 0
        label = "first audio" if played else "first audio saved"
        rows.append((label, f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"))
    reached = end.get("goal_reached")
    if isinstance(reached, bool):
        rows.append(("verdict", "goal reached" if reached else "goal not reached"))
        if end.get("reason"):
            rows.append(("why", str(end["reason"])))
    elif end.get("verdict_error"):
        rows.append(("verdict", f"unavailable: {end['verdict_error']}"))
    return Piece("summary", rows=tuple(rows), verdict=reached if isinstance(reached, bool) else None)


# --- pieces drawn for the terminal ----------------------------------------------------------------------


def to_rich(piece: Piece, *, margin: str = "", nested: str = "  ", dim: bool = False) -> RenderableType:
    """``piece`` for a rich console. ``margin`` goes before every line; actions, errors and cuts go
    ``nested`` further in; ``dim`` draws the piece as a record, not as something happening now."""
    shown = _rich(piece, margin, nested)
    if not dim:
        return shown
    if isinstance(shown, Text):
        shown.stylize("dim")
        return shown
    return Styled(shown, "dim")


def _rich(piece: Piece, margin: str, nested: str) -> RenderableType:
    if piece.kind == "said":
        return Text.assemble(margin, (PREFIXES[piece.who], STYLES[piece.who]), piece.text)
    if piece.kind in ("action", "error", "cut", "note"):
        return Text(f"{margin}{nested}{piece.icon} {piece.text}", style=STYLES[piece.kind])
    if piece.kind == "rule":
        return Rule(piece.text, style="dim")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=STYLES["label"])
    grid.add_column()
    for label, value in piece.rows:
        grid.add_row(label, Text(value, style=_row_style(piece, label)))
    if piece.kind == "facts":
        return Group(Padding(grid, (0, 0, 0, len(margin))), Text(""))
    border = "blue" if piece.verdict is None else "green" if piece.verdict else "red"
    return Panel(grid, title="call summary", border_style=border, expand=False)


def _row_style(piece: Piece, label: str) -> str:
    if piece.kind != "summary" or label != "verdict":
        return ""
    return "yellow" if piece.verdict is None else "green" if piece.verdict else "red"


def calls_table(calls: list[KeptCall], width: int = 100) -> Table:
    """The calls as a table for a screen ``width`` wide, newest first; ``#`` is the index that
    ``show -N`` and ``replay -N`` take."""
    # Business and goal share what the other columns leave; they are cut, not wrapped, so a row stays
    # one line. (Rich's ratio columns squeeze the others to nothing on a narrow screen.)
    fixed = len(f"-{len(calls)}") + len("Nov 25 19:08") + len("turns") + len("not reached") + 5 * 3
    text_width = max(8, (width - fixed) // 2)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("#", no_wrap=True, justify="right", min_width=len(f"-{len(calls)}"))
    table.add_column("time", no_wrap=True)
    table.add_column("business", max_width=text_width, overflow="ellipsis", no_wrap=True)
    table.add_column("goal", max_width=text_width, overflow="ellipsis", no_wrap=True)
    table.add_column("turns", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for index, call in enumerate(calls, start=1):
        verdict = call.verdict
        started = call.started
        table.add_row(
            f"-{index}",
            started.astimezone().strftime("%b %d %H:%M") if started else "?",
            Text(printable(call.description or "?")),
            Text(printable(call.scenario or "?")),
            str(call.turns),
            Text("reached", style="green")
            if verdict
            else Text("not reached", style="red")
            if verdict is False
            else Text("-", style="dim"),
        )
    return table


def _iso(ts: datetime) -> str:
    return ts.astimezone().isoformat(timespec="seconds")  # local time, as in the IDs, with its offset


def calls_tsv(calls: list[KeptCall]) -> str:
    """The calls as tab-separated rows for scripts, nothing cut: the -N index, the ID, which call of its
    file, when (ISO 8601), business, goal, turns, and the verdict (reached, not reached or -)."""
    rows = []
    for index, call in enumerate(calls, start=1):
        started = call.started
        verdict = {True: "reached", False: "not reached", None: "-"}[call.verdict]
        cells = [f"-{index}", call.id, str(call.number or 1), _iso(started) if started else "-"]
        cells += [call.description or "-", call.scenario or "-", str(call.turns), verdict]
        # No tab or line break inside a cell, nor a control sequence.
        rows.append("\t".join(printable(" ".join(cell.split())) for cell in cells))
    return "".join(row + "\n" for row in rows)


# --- pieces drawn as Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MD_FACTS = {"call": "ID", "time": "When"}


def _md(text: Any) -> str:
    """Text as Markdown shows it literally: specials escaped, line breaks kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return "  \n".join(line.strip() for line in escaped.splitlines())


def _markdown(piece: Piece) -> list[str]:
    if piece.kind == "facts":
        facts = [f"- **{_MD_FACTS.get(label, label.capitalize())}:** {_md(v)}" for label, v in piece.rows]
        return [*facts, "", "## Conversation", ""]
    if piece.kind == "rule":
        return ["---", "", f"## {piece.text.capitalize()}", ""]
    if piece.kind == "said":
        return [f"**{piece.who.capitalize()}:** {_md(piece.text)}", ""]
    if piece.kind == "error":
        return [f"> {piece.icon} **Error:** {_md(piece.text)}", ""]
    if piece.kind in ("action", "cut", "note"):
        return [f"> {piece.icon} *{_md(piece.text)}*", ""]
    # A table cell is one line: a line break would end the table.
    rows = [f"| {label} | {_md(' '.join(value.split()))} |" for label, value in piece.rows]
    return ["### Summary", "", "| | |", "|---|---|", *rows, ""]


def markdown(call: KeptCall) -> str:
    """The call as a Markdown document: who called whom about what, the conversation, the summary."""
    view = CallView(call.label)
    title = call.scenario or call.id
    out = [f"# Call: {_md(title)}", ""] if call.context is not None else []
    for event in call.events:
        for piece in view.pieces(event):
            out += _markdown(piece)
    if not out:
        out = [f"# Call `{call.id}`", "", "*(nothing was recorded)*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def drawn(events: Iterable[Record], label: str | None = None) -> list[RenderableType]:
    """A whole call for the terminal, in order."""
    view = CallView(label)
    return [to_rich(piece) for event in events for piece in view.pieces(event)]
