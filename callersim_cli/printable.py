"""Text from a model, a bot, a file or a user, made safe to print: it can't move the cursor, clear the
screen or retitle the window.

C0 and C1 control characters (and DEL) are shown as ``\\x1b``-style escapes; a line break and a tab stay
as they are. Only what is printed or exported goes through here: a transcript keeps the text as received.
"""

from __future__ import annotations

import re

# Everything below space but tab and line feed, DEL, and the C1 block (U+0080-U+009F, which some
# terminals take as CSI and OSC too).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters shown as escapes (``ESC[2J`` prints as ``\\x1b[2J``)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
