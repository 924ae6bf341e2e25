"""Exit codes a script can rely on (documented in the README)."""

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    GOAL_NOT_REACHED = 1  # only with --check
    EXPECTATION_FAILED = 1  # callersim test: a case missed an expectation
    USAGE = 2  # the command could not start as asked: bad option, input, file or setting
    CALL_FAILED = 3  # a scripted call stopped: the caller engine failed on a turn
    RUN_ERROR = 3  # callersim test: a run could not complete, and no case failed
    INTERNAL = 4  # a bug of ours
    INTERRUPTED = 130
