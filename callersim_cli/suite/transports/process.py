"""A bot as a process, started fresh for each call: its stdout read line by line, its stderr kept.

Both process transports (JSON Lines and plain lines) use this. Each stream is read by a thread of its
own, so waiting for the bot always has a deadline (a silent bot is a ``bot_timeout``, never a hang) and
a bot that fills its stderr can never block. The process gets its own session, so Ctrl-C in the terminal
reaches callersim, which stops the bots itself, and a bot run through a shell is stopped whole.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

from callersim_cli.suite.outcome import RunError

if TYPE_CHECKING:
    from callersim_cli.suite.suite_file import BotSpec
    from callersim_cli.suite.transports import NoteSource

HANG_UP_GRACE_S = 0.5  # after the hang-up, how long the bot may take to exit before SIGTERM
TERM_GRACE_S = 2.0  # after SIGTERM, before SIGKILL
STDERR_TAIL = 3  # lines of stderr quoted when the bot dies


class BotProcess:
    def __init__(self, command: tuple[str, ...], cwd: str, env: Mapping[str, str]) -> None:
        try:
            self._process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,  # line-buffered: each event reaches the bot as it is written
                start_new_session=True,
            )
        except FileNotFoundError:
            raise RunError(
                "bot_start", f"can't start the bot: no program {command[0]!r} (bot.command)"
            ) from None
        except OSError as exc:
            raise RunError(
                "bot_start", f"can't start the bot {command[0]!r}: {exc.strerror or exc}"
            ) from None
        self.lines_read = 0
        self._stdout: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._stderr_seen = 0
        self._lock = threading.Lock()
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self._process.stdout, self._stdout.put), daemon=True),
            threading.Thread(target=self._read, args=(self._process.stderr, self._keep_stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], put: Callable[[str | None], None]) -> None:
        with contextlib.suppress(ValueError, OSError):  # closed under us when the call is stopped
            for line in stream:
                put(line.rstrip("\r\n"))
        put(None)

    def _keep_stderr(self, line: str | None) -> None:
        if line is not None:
            with self._lock:
                self._stderr.append(line)

    def read_line(self, deadline: float, waiting_for: str) -> str | None:
        """The bot's next line of stdout, or None when it has closed it (exited). ``RunError`` of kind
        ``bot_timeout`` when nothing comes by ``deadline`` (a ``time.monotonic()``)."""
        try:
            line = self._stdout.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise RunError("bot_timeout", f"the bot was silent for {waiting_for}") from None
        if line is None:
            self._stdout.put(None)  # and stays closed for whoever reads next
            return None
        self.lines_read += 1
        return line

    def write_line(self, text: str) -> None:
        stdin = self._process.stdin
        try:
            assert stdin is not None
            stdin.write(text + "\n")
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise RunError("bot_crash", f"the bot stopped reading{self.exit_note()}") from None

    def exit_note(self) -> str:
        """How the bot ended, with its last words on stderr: for an error line."""
        code = self.wait(1.0)
        if code is None:
            return " (it is still running)"
        for reader in self._readers:
            reader.join(timeout=1.0)
        with self._lock:
            tail = [line for line in self._stderr if line.strip()][-STDERR_TAIL:]
        said = f"; its stderr ends: {' | '.join(tail)}" if tail else ""
        return f" (it exited with code {code}){said}"

    @property
    def exit_code(self) -> int | None:
        return self._process.poll()

    def wait(self, timeout_s: float) -> int | None:
        """Its exit code once it has exited, waiting up to ``timeout_s``; None if it is still running."""
        try:
            return self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def take_stderr(self) -> list[str]:
        """The lines of stderr not taken before."""
        with self._lock:
            new, self._stderr_seen = self._stderr[self._stderr_seen :], len(self._stderr)
        return new

    def stop(self) -> None:
        """Close its stdin; if it does not exit on its own a moment later, SIGTERM, then SIGKILL."""
        with contextlib.suppress(OSError, ValueError):
            if self._process.stdin is not None:
                self._process.stdin.close()
        for grace, sig in ((HANG_UP_GRACE_S, signal.SIGTERM), (TERM_GRACE_S, signal.SIGKILL)):
            try:
                self._process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=TERM_GRACE_S)
        for reader in self._readers:
            reader.join(timeout=1.0)
        for stream in (self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()

    def kill(self) -> None:
        """Stop at once (Ctrl-C): the whole process group."""
        if self._process.poll() is None:  # not reaped yet, so its id is still its own
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)


class ProcessTransport:
    """What both process transports share: a process started for each call, from the suite's folder."""

    def __init__(self, spec: BotSpec, environ: Mapping[str, str]) -> None:
        self.spec = spec
        self.environ = environ

    def start(self, call_id: str) -> BotProcess:
        # Python's output unbuffered, so a Python bot's print() reaches callersim when it is written.
        env = {**self.environ, "PYTHONUNBUFFERED": "1", **self.spec.env, "CALLERSIM_CALL_ID": call_id}
        return BotProcess(self.spec.command, str(self.spec.cwd), env)

    def close(self) -> None:
        pass  # each call's process is stopped with its call


class ProcessCall:
    """What both process transports' calls share: stopping the process, and its stderr."""

    def __init__(self, process: BotProcess, timeout_s: float) -> None:
        self.process = process
        self.timeout_s = timeout_s
        self._ended = False

    def waiting(self, event: dict[str, Any]) -> str:
        """What the bot was silent for, when it times out."""
        return f"{self.timeout_s:g} s after callersim's {event['type']} event (turn_timeout_s)"

    def end(self) -> None:
        if not self._ended:
            self._ended = True
            self.process.stop()

    def abort(self) -> None:
        self.process.kill()

    def notes(self) -> list[tuple[NoteSource, str]]:
        return [("stderr", line) for line in self.process.take_stderr()]
