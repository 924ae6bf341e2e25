"""SIGTERM and SIGHUP end a call the way a second Ctrl-C does: the terminal restored, the call kept."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator

from callersim_cli.errors import Terminated

ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def ended_by_signals(interrupt_prompt: Callable[[BaseException], bool]) -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise ``Terminated`` in the main thread.

    At a prompt the exception is handed to ``interrupt_prompt`` instead, so the prompt can leave the
    terminal as it found it (raising inside its event loop would not); it returns False when no prompt
    is open. A second signal while the call is being ended is ignored: ending it is bounded.
    """
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if received:
            return
        received.append(signum)
        exc = Terminated(signum)
        if not interrupt_prompt(exc):
            raise exc

    previous = {}
    try:
        for sig in ENDING_SIGNALS:
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread (a test driving the CLI in a thread): leave signals be
        pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
