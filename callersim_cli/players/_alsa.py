"""Keeping alsa-lib quiet: both players reach the speakers through it on Linux.

With no sound card, alsa-lib prints a dozen lines ("cannot find card '0'", "Unknown PCM dmix") straight
to the process's stderr, over the user's REPL. The players report the failure as one ``PlayerError``
instead, so alsa-lib's own printing is switched off (for the whole process: it is one library).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# alsa-lib's handler type is variadic; a callee that ignores its arguments may be declared with the fixed
# ones only. Kept referenced for the life of the process, as alsa-lib holds the pointer.
_HANDLER_TYPE = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_handler: object | None = None


def _ignore(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    pass


def silence_alsa_errors() -> None:
    """Stop alsa-lib printing its errors to stderr; does nothing where there is no alsa-lib."""
    global _handler
    if _handler is not None or not sys.platform.startswith("linux"):
        return
    try:
        # The same libasound.so.2 that simpleaudio links and miniaudio opens: one error handler for all.
        lib = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
    except OSError:
        return
    _handler = _HANDLER_TYPE(_ignore)
    lib.snd_lib_error_set_handler(_handler)
