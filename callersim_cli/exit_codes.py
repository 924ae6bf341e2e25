"""Exit codes a script can rely on (documented in the README)."""

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    GOAL_NOT_REACHED = 1  # only with --check
    FAILED = 1  # the command could not do its job (e.g. the engine failed on every turn of a script)
    USAGE = 2
    CALL_FAILED = 3  # a scripted call stopped: the caller engine failed on a turn
    INTERRUPTED = 130
