"""Kept calls, without a terminal: the typed events of a call, the writer, and finding and reading them.

A call is kept as JSON Lines, one event a line, written as it happens; this format is a contract other
tools read (the README's table names it), so keep the names. Every event has ``type`` and ``ts`` (UTC,
ISO 8601); secrets are redacted before anything is written. ``callersim chat`` names a kept call
``YYYYmmdd-HHMMSS-<slug>.jsonl`` in the calls folder; its ID is the file's stem. A file may hold several
calls (``--transcript`` with ``/reset``): each begins at a ``context`` event, ``callersim calls`` lists
each as its own row, and ``-N`` names one of those rows; a file named by its ID or path is the whole file.

Nothing here imports rich: a server or a test runner reads calls as the terminal does.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypedDict, Union, cast

from callersim_cli.errors import UsageError
from callersim_cli.redact import Redactor

# --- the events -----------------------------------------------------------------------------------------


class _ContextRequired(TypedDict):
    type: Literal["context"]
    ts: str
    description: str
    scenario: str
    engine: str
    model: str


class ContextRecord(_ContextRequired, total=False):
    """A call begins: the business, the goal and who calls."""

    seed: int  # the offline caller's; `--seed` with it makes the same caller
    persona: dict[str, str]
    audio_dir: str  # the --save-mp3 folder, where replay finds the caller's audio


class OperatorRecord(TypedDict):
    """What the business said."""

    type: Literal["operator"]
    ts: str
    text: str


class CallerRecord(TypedDict):
    """The caller's whole reply to one operator line."""

    type: Literal["caller"]
    ts: str
    text: str  # spoken, without the phone-action markers
    dtmf: str | None  # the keys pressed in this reply, in order
    hangup: bool
    timings: dict[str, float]  # first_text_s, total_s (seconds from the operator's line)
    audio: str | None  # the MP3 file name, when the reply was saved


class AudioRecord(TypedDict):
    """A reply's audio has ended: heard to its end, or cut off by the business (barge-in)."""

    type: Literal["audio"]
    ts: str
    turn: int
    file: str | None
    first_audio_s: float | None
    duration_s: float
    heard_s: float
    interrupted: bool


class BargeInRecord(TypedDict):
    """Older transcripts' barge-in (now an ``audio`` event with ``interrupted``); read, never written."""

    type: Literal["barge_in"]
    ts: str
    heard_s: float
    duration_s: float


class ErrorRecord(TypedDict):
    """A failed or cancelled turn; the history is as before it."""

    type: Literal["error"]
    ts: str
    message: str


class _EndRequired(TypedDict):
    type: Literal["end"]
    ts: str
    turns: int
    duration_s: float  # from the first operator line
    keys: list[str]
    hung_up: bool
    end_reason: str


class EndRecord(_EndRequired, total=False):
    """The call's summary."""

    first_audio_median_s: float
    first_audio_worst_s: float
    goal_reached: bool  # with a verdict
    reason: str
    verdict_error: str  # when the judge could not answer


class BotEventRecord(TypedDict):
    """Something a bot under test reported (``callersim test``): a tool call, a state it reached."""

    type: Literal["bot_event"]
    ts: str
    name: str
    data: Any


class BotLogRecord(TypedDict):
    """A note from a bot under test, never spoken: its ``log`` events and the lines of its stderr."""

    type: Literal["bot_log"]
    ts: str
    source: Literal["log", "stderr", "callersim"]  # callersim: how the bot was reached or released
    message: str


class TransferRecord(TypedDict):
    """The bot under test handed the call to someone else; the caller's part ended there."""

    type: Literal["transfer"]
    ts: str
    to: str


class ResultRecord(TypedDict):
    """How a run of a test case went (``callersim test``), after the call's ``end``."""

    type: Literal["result"]
    ts: str
    suite: str
    case: str
    attempt: int
    status: Literal["pass", "fail", "error"]
    failures: list[dict[str, Any]]  # kind, turn, message


Record = Union[  # noqa: UP007 - a runtime alias on Python 3.10
    ContextRecord,
    OperatorRecord,
    CallerRecord,
    AudioRecord,
    BargeInRecord,
    ErrorRecord,
    EndRecord,
    BotEventRecord,
    BotLogRecord,
    TransferRecord,
    ResultRecord,
]
RECORD_TYPES = frozenset(
    {
        "context",
        "operator",
        "caller",
        "audio",
        "barge_in",
        "error",
        "end",
        "bot_event",
        "bot_log",
        "transfer",
        "result",
    }
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ts(value: Any) -> datetime | None:
    """An event's timestamp as an aware datetime, or None when it has none that can be read."""
    if not isinstance(value, str):
        return None
    try:
        # Python 3.10's fromisoformat does not take the "Z" the transcript writes.
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def barge_in(event: Record) -> tuple[float, float] | None:
    """(heard_s, duration_s) when this event records the business cutting the caller off."""
    if event["type"] == "barge_in" or (event["type"] == "audio" and event.get("interrupted")):
        heard, duration = event.get("heard_s"), event.get("duration_s")
        if isinstance(heard, (int, float)) and isinstance(duration, (int, float)):
            return float(heard), float(duration)
        return 0.0, 0.0
    return None


def on_the_line(event: Record) -> bool:
    """Whether the event is something that happened on the call (said, pressed, cut, begun, ended), not
    bookkeeping: a reply's audio heard to its end is no moment of its own."""
    return event["type"] != "audio" or barge_in(event) is not None


# --- writing --------------------------------------------------------------------------------------------


def _redact_value(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, redact) for v in value]
    return value


class TranscriptWriter:
    """Appends events to a JSONL file; each event is one write of one whole line, flushed to disk.

    When the disk fills (or the file can no longer be written), ``warn`` is told once, the file is cut
    back to its last whole line (a file it made holding nothing whole is removed), and the call goes on
    unkept: a transcript is always a valid JSONL prefix of the call.
    """

    def __init__(
        self,
        path: Path,
        redact: Redactor | None = None,
        *,
        keep_if_empty: bool = True,
        new: bool = False,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.keep_if_empty = keep_if_empty  # False: a call in which nothing was said leaves no file
        self.lost = False  # a write failed: nothing more is kept
        self._redact = redact or Redactor()
        self._warn = warn
        self._lock = threading.Lock()  # the speech pipeline may report from its own thread
        self.counts: dict[str, int] = {}  # events written, by type
        self._fd: int | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # new=True: the file must not exist yet, so two sessions can never share one (FileExistsError).
            self._made = new or not path.exists()
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (os.O_EXCL if new else 0)
            self._fd = os.open(path, flags, 0o666)
            self._whole = os.lseek(self._fd, 0, os.SEEK_END)  # bytes of whole lines in the file
        except FileExistsError:
            raise
        except OSError as exc:
            raise UsageError(f"Can't write the transcript {path}: {exc.strerror}") from None

    def write(self, record: Record) -> None:
        line = json.dumps(_redact_value(record, self._redact), ensure_ascii=False) + "\n"
        data = line.encode("utf-8", "replace")  # a lone surrogate must not cost the event
        with self._lock:
            if self._fd is None or self.lost:
                return
            try:
                written = 0
                while written < len(data):
                    written += os.write(self._fd, data[written:])
                os.fsync(self._fd)
            except OSError as exc:
                self._lose(exc)
                return
            self._whole += len(data)
            self.counts[record["type"]] = self.counts.get(record["type"], 0) + 1

    def _lose(self, exc: OSError) -> None:
        """A write failed: cut the torn line off, say so once, keep nothing more. (Holds the lock.)"""
        self.lost = True
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, self._whole)  # type: ignore[arg-type]
        removed = self._made and self._whole == 0
        if removed:
            self._close_fd()
            self.path.unlink(missing_ok=True)
        if self._warn is not None:
            kept = "nothing of it is kept" if removed else "it is kept up to here"
            why = exc.strerror or exc
            self._warn(f"Can't keep this call in {self.path}: {why}; {kept}, the call goes on")

    def _close_fd(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        with self._lock:
            if self._fd is None:
                return
            self._close_fd()
            if not self.keep_if_empty and not self.counts.get("operator"):
                self.path.unlink(missing_ok=True)


def slug(text: str) -> str:
    """``text`` as a short piece of a file name: lower case, letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


def new_call_file(
    directory: Path,
    scenario: str,
    redact: Redactor,
    *,
    keep_if_empty: bool = False,
    warn: Callable[[str], None] | None = None,
) -> TranscriptWriter:
    """A new kept call in ``directory``, named by the local time and the goal; never another's file.

    Raises ``UsageError`` when none can be made there.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = slug(scenario) or "call"
    for n in range(1, 1000):
        path = directory / (f"{stamp}-{name}.jsonl" if n == 1 else f"{stamp}-{name}-{n}.jsonl")
        try:
            return TranscriptWriter(path, redact, keep_if_empty=keep_if_empty, new=True, warn=warn)
        except FileExistsError:
            continue  # another session took this name in the same second
    raise UsageError("No free name for this call's transcript")


# --- reading --------------------------------------------------------------------------------------------


def read_events(path: Path) -> Iterator[Record]:
    """Events of a transcript, in order; lines that are not whole events of a known type are skipped.

    A process killed mid-write leaves a torn last line, possibly torn inside a UTF-8 character.
    """
    with open(path, "rb") as f:
        for raw in f:
            try:
                event = json.loads(raw)
            except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError; nested too deep
                continue
            if isinstance(event, dict) and event.get("type") in RECORD_TYPES:
                # Its fields are as written, which may be by hand: readers check what they use.
                yield cast(Record, event)


def load_events(path: Path) -> list[Record]:
    """The events of a transcript, in order, or one line saying why it can't be read."""
    try:
        return list(read_events(path))
    except FileNotFoundError:
        raise UsageError(f"No such transcript: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a kept call") from None
    except OSError as exc:
        raise UsageError(f"Can't read {path}: {exc.strerror or exc}") from None


def split_calls(events: list[Record]) -> list[list[Record]]:
    """The calls in a transcript's events: each begins at a ``context`` event.

    A call keeps only its last ``end`` event: older transcripts may hold two for one call, and the last
    is the summary that counts. Anything before the first context (never written so) goes with it.
    """
    calls: list[list[Record]] = []
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
    """A transcript as it is read: a whole file (``number`` None), or one call of it."""

    path: Path
    events: list[Record]
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

    @property
    def context(self) -> ContextRecord | None:
        return next((e for e in self.events if e["type"] == "context"), None)

    @property
    def started(self) -> datetime | None:
        return next((ts for e in self.events if (ts := parse_ts(e.get("ts"))) is not None), None)

    @property
    def description(self) -> str:
        return str(self.context.get("description") or "") if self.context else ""

    @property
    def scenario(self) -> str:
        return str(self.context.get("scenario") or "") if self.context else ""

    @property
    def turns(self) -> int:
        return sum(1 for e in self.events if e["type"] == "caller")

    @property
    def last_end(self) -> EndRecord | None:
        ends = [e for e in self.events if e["type"] == "end"]
        return ends[-1] if ends else None

    @property
    def verdict(self) -> bool | None:
        """Whether the caller reached its goal, by the last call's verdict; None without one."""
        reached = self.last_end.get("goal_reached") if self.last_end else None
        return reached if isinstance(reached, bool) else None

    def summary(self) -> dict[str, Any]:
        """The call as a script reads it in ``callersim calls --json``: what it is, and how it went."""
        started = self.started
        return {
            "id": self.id,  # what `callersim show` and `replay` take
            "call": self.number or 1,  # which call of its file
            "of": self.of,
            "path": str(self.path),
            "started": started.astimezone().isoformat(timespec="seconds") if started else None,
            "business": self.description,
            "goal": self.scenario,
            "turns": self.turns,
            "goal_reached": self.verdict,
            "reason": self.last_end.get("reason") if self.last_end else None,
        }

    def as_json(self) -> dict[str, Any]:
        """The call as ``callersim show --json`` prints it: its summary and every event, as written."""
        return {**self.summary(), "events": self.events}


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


# --- finding --------------------------------------------------------------------------------------------

_STAMPED = re.compile(r"^(\d{8}-\d{6})")
_NTH_NEWEST = re.compile(r"^-(\d+)$")


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


# --- where a call's audio is ---------------------------------------------------------------------------


def audio_folders(call: KeptCall, audio_dir: Path | None, context: ContextRecord | None = None) -> list[Path]:
    """Where a reply's audio may be; ``context`` is the context event of the reply's call."""
    folders = [audio_dir] if audio_dir is not None else []
    context = context or call.context
    recorded = context.get("audio_dir") if context else None
    if isinstance(recorded, str) and recorded:
        folders.append(Path(recorded))
    folders += [call.path.parent, call.path.parent / call.path.stem]
    return folders


def find_audio(
    call: KeptCall, name: Any, audio_dir: Path | None, context: ContextRecord | None = None
) -> Path | None:
    """The file a caller event names (``"audio": "003-caller.mp3"``): looked for in ``audio_dir``, in
    the ``--save-mp3`` folder its call's context recorded, next to the transcript, and in a folder named
    after the transcript beside it."""
    if not isinstance(name, str) or not name:
        return None
    # Only the file name: a transcript must not point the replay anywhere else on the disk.
    base = Path(name).name
    for folder in audio_folders(call, audio_dir, context):
        candidate = folder / base
        if candidate.is_file():
            return candidate
    return None
