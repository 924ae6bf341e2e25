"""Kept calls: finding the transcripts in the calls folder, reading them, and showing them to people.

A kept call is one JSONL transcript (``callersim_cli.transcript``), named ``YYYYmmdd-HHMMSS-<slug>.jsonl``
by ``callersim chat``; its ID is the file's stem. A file may hold several calls (with ``--transcript``,
``/reset`` and ``/context`` start a new one with a new ``context`` event): ``callersim calls`` lists each
call as its own row, and ``-N`` names one of those rows; a file named by its ID or path is shown whole,
its calls one after another with a rule between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callersim_cli.errors import UsageError
from callersim_cli.files import write_atomic
from callersim_cli.transcript import read_events

OPERATOR_STYLE = "bold blue"
CALLER_STYLE = "bold green"
ACTION_STYLE = "cyan"
_STAMPED = re.compile(r"^(\d{8}-\d{6})")
_NTH_NEWEST = re.compile(r"^-(\d+)$")


# --- reading --------------------------------------------------------------------------------------------


def load_events(path: Path) -> list[dict[str, Any]]:
    """The events of a transcript, in order, or one line saying why it can't be read."""
    try:
        return list(read_events(path))
    except FileNotFoundError:
        raise UsageError(f"No such transcript: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a kept call") from None
    except OSError as exc:
        raise UsageError(f"Can't read {path}: {exc.strerror or exc}") from None


def refuse_folder(path: Path) -> None:
    """Raise ``UsageError`` if ``path``, where a file is to be written, is a folder."""
    if path.is_dir():
        raise UsageError(f"Can't write {path}: it is a folder; give a file name")


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (atomically), or raise ``UsageError`` with one line saying why not."""
    refuse_folder(path)
    try:
        write_atomic(path, data)
    except (FileExistsError, NotADirectoryError):
        # Making the folders failed on a file in their way; "File exists" would not say which.
        raise UsageError(f"Can't write {path}: a part of that path is a file, not a folder") from None
    except OSError as exc:
        raise UsageError(f"Can't write {path}: {exc.strerror or exc}") from None


def parse_ts(value: Any) -> datetime | None:
    """An event's timestamp as an aware datetime, or None when it has none that can be read."""
    if not isinstance(value, str):
        return None
    try:
        # Python 3.10's fromisoformat does not take the "Z" the transcript writes.
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def split_calls(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The calls in a transcript's events: each begins at a ``context`` event.

    A call keeps only its last ``end`` event: older transcripts may hold two for one call, and the last
    is the summary that counts. Anything before the first context (never written so) goes with it.
    """
    calls: list[list[dict[str, Any]]] = []
    for event in events:
        if event["type"] == "context" or not calls:
            calls.append([])
        calls[-1].append(event)
    tidy = []
    for call in calls:
        ends = [i for i, e in enumerate(call) if e["type"] == "end"]
        tidy.append([e for i, e in enumerate(call) if e["type"] != "end" or i == ends[-1]])
    return tidy


@dataclass
class KeptCall:
    """A transcript as it is shown: a whole file (``number`` None), or one call of it."""

    path: Path
    events: list[dict[str, Any]]
    number: int | None = None  # which call of its file, from 1
    of: int = 1  # how many calls its file holds

    @classmethod
    def load(cls, path: Path) -> KeptCall:
        """The whole file at ``path``. Raises ``UsageError`` when it can't be read or holds no call."""
        events = load_events(path)
        # A transcript always starts with its context: a file without one (a scenario file, an empty
        # file, someone else's JSON Lines) is not a call, and would show as nothing at all.
        if not any(e["type"] == "context" for e in events):
            empty = " (it is empty)" if not events and _is_empty(path) else ""
            raise UsageError(f"{path} is not a kept call{empty}")
        calls = split_calls(events)
        return cls(path, [e for call in calls for e in call], of=len(calls))

    def calls(self) -> list[KeptCall]:
        """Each call of this file on its own, in the order they were made."""
        if self.number is not None:
            return [self]
        calls = split_calls(self.events)
        return [KeptCall(self.path, events, n, len(calls)) for n, events in enumerate(calls, start=1)]

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        """The ID, and which call of the file this is when it holds several."""
        return f"{self.id} (call {self.number} of {self.of})" if self.number and self.of > 1 else self.id

    def _first(self, event_type: str) -> dict[str, Any]:
        return next((e for e in self.events if e["type"] == event_type), {})

    @property
    def started(self) -> datetime | None:
        for event in self.events:
            ts = parse_ts(event.get("ts"))
            if ts is not None:
                return ts
        return None

    @property
    def description(self) -> str:
        return str(self._first("context").get("description") or "")

    @property
    def scenario(self) -> str:
        return str(self._first("context").get("scenario") or "")

    @property
    def turns(self) -> int:
        return sum(1 for e in self.events if e["type"] == "caller")

    @property
    def last_end(self) -> dict[str, Any] | None:
        ends = [e for e in self.events if e["type"] == "end"]
        return ends[-1] if ends else None

    @property
    def verdict(self) -> bool | None:
        """Whether the caller reached its goal, by the last call's verdict; None without one."""
        end = self.last_end
        if end is None or not isinstance(end.get("goal_reached"), bool):
            return None
        return end["goal_reached"]


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


# --- finding --------------------------------------------------------------------------------------------


def _sort_key(path: Path) -> str:
    # The stem starts with the local time the call began; a file named otherwise (copied in by hand)
    # sorts by when it was last written, in the same form.
    stamped = _STAMPED.match(path.stem)
    if stamped:
        return stamped.group(1) + path.stem[len(stamped.group(1)) :]
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    except OSError:
        return ""


def call_files(directory: Path) -> list[Path]:
    """The transcripts in ``directory``, newest first."""
    if not directory.is_dir():
        return []
    files = [p for p in directory.glob("*.jsonl") if p.is_file()]
    # Same second, same slug: "-2" was made after the unsuffixed one, and sorts after it reversed.
    return sorted(files, key=lambda p: (_sort_key(p), len(p.stem)), reverse=True)


def _newest_calls(directory: Path) -> Iterator[KeptCall]:
    """Every call kept in ``directory``, newest first, reading a file only when it is reached.

    Files that are not calls (empty, unreadable, or something else named .jsonl) are passed over in
    silence: the listing is of calls, and one stray file must not hide the rest.
    """
    for path in call_files(directory):
        try:
            kept = KeptCall.load(path)
        except UsageError:
            continue
        yield from reversed(kept.calls())


def list_calls(directory: Path, limit: int | None = None) -> list[KeptCall]:
    """The newest ``limit`` kept calls, one per call (a file may hold several), newest first."""
    found: list[KeptCall] = []
    for call in _newest_calls(directory):
        if limit is not None and len(found) >= limit:
            break
        found.append(call)
    return found


def resolve_call(ref: str, directory: Path) -> Path:
    """The transcript ``ref`` names: a path, an ID (file stem) or a unique prefix of one.

    Raises ``UsageError`` with one line when nothing, or more than one call, matches.
    """
    ref = ref.strip()
    as_path = Path(ref).expanduser()
    if ref and as_path.is_file():
        return as_path
    looks_like_path = "/" in ref or "\\" in ref
    if looks_like_path:
        if as_path.is_dir():
            raise UsageError(f"{ref} is a folder, not a kept call")
        raise UsageError(f"No such transcript: {ref}")
    files = call_files(directory)
    stem = ref[: -len(".jsonl")] if ref.endswith(".jsonl") else ref
    exact = [p for p in files if p.stem == stem]
    if exact:
        return exact[0]
    matches = [p for p in files if p.stem.startswith(stem)] if stem else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(p.stem for p in matches[:3]) + (", ..." if len(matches) > 3 else "")
        raise UsageError(f"'{ref}' matches {len(matches)} calls ({shown}); give more of the ID")
    if ref and as_path.is_dir():  # a folder here, and no call by that name either
        raise UsageError(f"{ref} is a folder, not a kept call")
    raise UsageError(f"No kept call '{ref}' in {directory} (see 'callersim calls')")


def find_call(ref: str, directory: Path) -> KeptCall:
    """What ``ref`` names: ``last`` or ``-N`` is that row of ``callersim calls`` (one call); an ID or a
    path is the whole file. Raises ``UsageError`` with one line when there is no such call."""
    cleaned = ref.strip()
    m = _NTH_NEWEST.match(cleaned)
    nth = 1 if cleaned.lower() == "last" else int(m.group(1)) if m else None
    if nth is None or Path(cleaned).expanduser().is_file():  # a file called "last" is that file
        return KeptCall.load(resolve_call(ref, directory))
    count = 0
    for call in _newest_calls(directory):
        count += 1
        if count == nth:
            return call
    if not count:
        raise UsageError(f"No calls kept yet in {directory}")
    raise UsageError(f"There are only {count} kept calls; '{cleaned}' is not one of them")


# --- showing --------------------------------------------------------------------------------------------


def _local_time(ts: datetime | None, with_seconds: bool = True) -> str:
    if ts is None:
        return "?"
    return ts.astimezone().strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def calls_table(calls: list[KeptCall], width: int = 100) -> Table:
    """The calls as a table for a screen ``width`` wide, newest first; the ID column is the index that
    ``show -N`` and ``replay -N`` take."""
    # Business and goal share what the other columns leave; they are cut, not wrapped, so a row stays
    # one line. (Rich's ratio columns squeeze the others to nothing on a narrow screen.)
    fixed = len(f"-{len(calls)}") + len("Nov 25 19:08") + len("turns") + len("not reached") + 5 * 3
    text_width = max(8, (width - fixed) // 2)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("ID", no_wrap=True, justify="right", min_width=len(f"-{len(calls)}"))
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
            Text(call.description or "?"),
            Text(call.scenario or "?"),
            str(call.turns),
            Text("reached", style="green")
            if verdict
            else Text("not reached", style="red")
            if verdict is False
            else Text("-", style="dim"),
        )
    return table


@dataclass(frozen=True)
class Entry:
    """One event of a call as it is shown: what to print, and the event it came from (for replay)."""

    event: dict[str, Any]
    renderables: tuple[RenderableType, ...]

    @property
    def ts(self) -> datetime | None:
        return parse_ts(self.event.get("ts"))


def barge_in(event: dict[str, Any]) -> tuple[float, float] | None:
    """(heard_s, duration_s) when this event records the business cutting the caller off."""
    if event["type"] == "barge_in" or (event["type"] == "audio" and event.get("interrupted")):
        heard, duration = event.get("heard_s"), event.get("duration_s")
        if isinstance(heard, (int, float)) and isinstance(duration, (int, float)):
            return float(heard), float(duration)
        return 0.0, 0.0
    return None


def conversation(call: KeptCall) -> list[Entry]:
    """The call as a readable conversation, one entry per event worth showing, in order."""
    entries: list[Entry] = []
    contexts = 0
    for event in call.events:
        kind = event["type"]
        shown: list[RenderableType] = []
        if kind == "context":
            if contexts:
                shown.append(Rule("new call", style="dim"))
            shown.append(_context_block(call, event, first=contexts == 0))
            contexts += 1
        elif kind == "operator":
            shown.append(Text.assemble(("business › ", OPERATOR_STYLE), str(event.get("text") or "")))
        elif kind == "caller":
            shown.extend(_caller_lines(event))
        elif kind == "error":
            shown.append(Text(f"  ✗ {event.get('message') or 'error'}", style="red"))
        elif (cut := barge_in(event)) is not None:
            heard, duration = cut
            detail = f" after {heard:.1f} s of {duration:.1f} s" if duration else ""
            shown.append(Text(f"  ⤺ the business cut the caller off{detail}", style="yellow"))
        elif kind == "end":
            shown.append(_summary_panel(event))
        if shown:
            entries.append(Entry(event, tuple(shown)))
    return entries


def _context_block(call: KeptCall, event: dict[str, Any], *, first: bool) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    if first:
        grid.add_row("call", Text(call.label))
    # Every call of a file has its own time: a /reset may come long after the call before it.
    grid.add_row("time", Text(_local_time(parse_ts(event.get("ts")))))
    grid.add_row("business", Text(str(event.get("description") or "?")))
    grid.add_row("goal", Text(str(event.get("scenario") or "?")))
    persona = event.get("persona")
    if isinstance(persona, dict) and persona:
        grid.add_row("caller", Text(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in persona.items())))
    engine = event.get("engine")
    if engine:
        model = event.get("model")
        grid.add_row("engine", Text(f"{engine} ({model})" if model else str(engine)))
    seed = _seed(event)
    if seed is not None:
        grid.add_row("seed", Text(seed))
    return Group(grid, Text(""))


def _seed(context: dict[str, Any]) -> str | None:
    """The seed that reproduces the call, when the context records one."""
    seed = context.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, (int, str)) or seed == "":
        return None
    return str(seed)


def _caller_lines(event: dict[str, Any]) -> list[RenderableType]:
    lines: list[RenderableType] = []
    text = str(event.get("text") or "").strip()
    if text:
        # Plain Text: a caller that says "[bold]" must be shown as it said it.
        lines.append(Text.assemble(("caller › ", CALLER_STYLE), text))
    if event.get("dtmf"):
        lines.append(Text(f"  ☎ presses {event['dtmf']}", style=ACTION_STYLE))
    if event.get("hangup"):
        lines.append(Text("  ☎ hangs up", style=ACTION_STYLE))
    return lines


def summary_rows(end: dict[str, Any]) -> list[tuple[str, str]]:
    """The end event as (label, value) rows, for the terminal and for Markdown alike."""
    rows = []
    if "turns" in end:
        rows.append(("turns", str(end["turns"])))
    if isinstance(end.get("duration_s"), (int, float)):
        rows.append(("duration", f"{end['duration_s']:.1f} s"))
    if "keys" in end:
        rows.append(("keys pressed", " ".join(map(str, end.get("keys") or [])) or "none"))
    if end.get("end_reason"):
        rows.append(("ended", str(end["end_reason"])))
    if isinstance(end.get("first_audio_median_s"), (int, float)):
        worst = end.get("first_audio_worst_s") or 0
        rows.append(
            (
                "first audio",
                f"median {end['first_audio_median_s'] * 1000:.0f} ms, worst {worst * 1000:.0f} ms",
            )
        )
    if isinstance(end.get("goal_reached"), bool):
        rows.append(("verdict", "goal reached" if end["goal_reached"] else "goal not reached"))
        if end.get("reason"):
            rows.append(("why", str(end["reason"])))
    return rows


def _summary_panel(end: dict[str, Any]) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    reached = end.get("goal_reached")
    for label, value in summary_rows(end):
        style = ("green" if reached else "red") if label == "verdict" else ""
        grid.add_row(label, Text(value, style=style))
    border = "blue" if not isinstance(reached, bool) else "green" if reached else "red"
    return Panel(grid, title="call summary", border_style=border, expand=False)


# --- Markdown -------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: Any) -> str:
    """Text as Markdown shows it literally: specials escaped, line breaks kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return "  \n".join(line.strip() for line in escaped.splitlines())


def to_markdown(call: KeptCall) -> str:
    """The call as a Markdown document: who called whom about what, the conversation, the summary."""
    out: list[str] = []
    contexts = 0
    for event in call.events:
        kind = event["type"]
        if kind == "context":
            if contexts == 0:
                title = event.get("scenario") or call.id
                out += [f"# Call: {_md(title)}", ""]
                which = f" (call {call.number} of {call.of})" if call.number and call.of > 1 else ""
                out.append(f"- **ID:** `{call.id}`{which}")
            else:
                out += ["---", "", "## New call", ""]
            out.append(f"- **When:** {_local_time(parse_ts(event.get('ts')))}")
            out.append(f"- **Business:** {_md(event.get('description') or '?')}")
            out.append(f"- **Goal:** {_md(event.get('scenario') or '?')}")
            persona = event.get("persona")
            if isinstance(persona, dict) and persona:
                details = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in persona.items())
                out.append(f"- **Caller:** {_md(details)}")
            if event.get("engine"):
                model = f" ({event['model']})" if event.get("model") else ""
                out.append(f"- **Engine:** {_md(str(event['engine']) + model)}")
            if (seed := _seed(event)) is not None:
                out.append(f"- **Seed:** {_md(seed)}")
            out += ["", "## Conversation", ""]
            contexts += 1
        elif kind == "operator":
            out += [f"**Business:** {_md(event.get('text') or '')}", ""]
        elif kind == "caller":
            text = str(event.get("text") or "").strip()
            if text:
                out += [f"**Caller:** {_md(text)}", ""]
            if event.get("dtmf"):
                out += [f"> ☎ *presses {_md(event['dtmf'])}*", ""]
            if event.get("hangup"):
                out += ["> ☎ *hangs up*", ""]
        elif kind == "error":
            out += [f"> ✗ **Error:** {_md(event.get('message') or 'error')}", ""]
        elif (cut := barge_in(event)) is not None:
            heard, duration = cut
            detail = f" after {heard:.1f} s of {duration:.1f} s" if duration else ""
            out += [f"> ⤺ *the business cut the caller off{detail}*", ""]
        elif kind == "end":
            out += ["### Summary", "", "| | |", "|---|---|"]
            # A table cell is one line: a line break would end the table.
            out += [f"| {label} | {_md(' '.join(value.split()))} |" for label, value in summary_rows(event)]
            out.append("")
    if not out:
        out = [f"# Call `{call.id}`", "", "*(nothing was recorded)*", ""]
    return "\n".join(out).rstrip("\n") + "\n"
