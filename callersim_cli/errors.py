"""The one error family of callersim.

Every ``CallersimError`` carries a message that is shown to the user as one line, as it is: it must say
what went wrong and what to do, and must never contain a secret. SDK exceptions are translated into these
at the boundary of each backend; nothing else is shown without ``--debug``.
"""

from __future__ import annotations


class CallersimError(Exception):
    """An error whose message is fit to show the user as one line."""


class UsageError(CallersimError):
    """The user asked for something that cannot be done as asked (bad option, empty input)."""


class EngineError(CallersimError):
    """The caller engine could not produce a reply; the turn can be sent again."""


class CallEndedError(CallersimError):
    """The caller has hung up: the call takes no more turns."""


class VoiceError(CallersimError):
    """The voice could not synthesize speech; the turn's text is unaffected."""


class PlayerError(CallersimError):
    """Audio could not be played; the call goes on without sound."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: the call is ended and kept as after Ctrl-C, then the process exits 128 + signal.

    A ``KeyboardInterrupt`` so that everything that cleans up after Ctrl-C (the terminal's modes, a
    turn in flight) does so here too; the REPL tells it apart, as it leaves at once.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
