"""The call transcript: JSON Lines written as the call happens, one flushed line per event.

This format is a contract other tools read; keep the names. Events:
``context`` (description, scenario, engine, model), ``operator`` (text), ``caller`` (text, dtmf, hangup,
timings, audio), ``error`` (message), ``barge_in`` (heard_s, duration_s), ``end`` (the call summary).
Every event has ``type`` and ``ts`` (UTC, ISO 8601). Secrets are redacted before anything is written.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from callersim_cli.errors import UsageError
from callersim_cli.redact import Redactor


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _redact_value(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, redact) for v in value]
    return value


class TranscriptWriter:
    """Appends events to a JSONL file; each event is one write of one whole line, flushed to disk."""

    def __init__(
        self, path: Path, redact: Redactor | None = None, *, keep_if_empty: bool = True, new: bool = False
    ) -> None:
        self.path = path
        self.keep_if_empty = keep_if_empty  # False: a call in which nothing was said leaves no file
        self._redact = redact or Redactor()
        self._lock = threading.Lock()  # the speech pipeline may report from its own thread
        self.counts: dict[str, int] = {}  # events written, by type
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # new=True: the file must not exist yet, so two sessions can never share one (FileExistsError).
            self._file = open(path, "x" if new else "a", encoding="utf-8")  # noqa: SIM115 - held open
        except FileExistsError:
            raise
        except OSError as exc:
            raise UsageError(f"Can't write the transcript {path}: {exc.strerror}") from None

    def write(self, event_type: str, **fields: Any) -> None:
        event = {"type": event_type, "ts": now_iso(), **_redact_value(fields, self._redact)}
        line = json.dumps(event, ensure_ascii=False) + "\n"
        with self._lock:
            if self._file.closed:
                return
            self._file.write(line)
            self.counts[event_type] = self.counts.get(event_type, 0) + 1
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        with self._lock:
            if self._file.closed:
                return
            self._file.close()
            if not self.keep_if_empty and not self.counts.get("operator"):
                self.path.unlink(missing_ok=True)


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """Events of a transcript, in order; lines that are not whole events are skipped.

    A process killed mid-write leaves a torn last line, possibly torn inside a UTF-8 character.
    """
    with open(path, "rb") as f:
        for raw in f:
            try:
                event = json.loads(raw)
            except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
                continue
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                yield event
