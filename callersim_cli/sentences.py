"""Cutting the caller's streamed text into sentences as it arrives, so each can be spoken at once.

A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (runs like ``?!`` and ``...`` count as one end),
then any closing quotes or brackets, then a space. The space matters: ``$18.99`` and ``4.5`` never end
a sentence, and in a stream the space usually arrives with the next word, so the splitter also looks at
that word before deciding: "9 a.m. on Tuesday" and "Well... let me see" go on (a lower-case start is
not a new sentence), "Mr. Smith" and "J. Smith" go on (a title or an initial), "No. 5" goes on.

A sentence that runs long without an end is cut at a clause break (comma, semicolon, colon, dash) once
it passes ``max_chars``, so the first words are not held back behind a whole paragraph; the first cut of
a reply may come sooner (``first_max_chars``) because that is the one the listener is waiting for.
"""

from __future__ import annotations

import re

# Words that end with a dot without ending the sentence, whatever follows (compared lower-case, no dot).
_TITLES = frozenset(
    "mr mrs ms dr prof st jr sr mt ft ave blvd apt dept vs approx gen col capt lt sgt rev hon".split()  # noqa: SIM905
)
# Words that end the sentence unless a number follows ("No. 5", "Ext. 204").
_BEFORE_NUMBER = frozenset("no nos vol pt ext tel fig rm ste".split())  # noqa: SIM905
# Words after which only the next word tells whether the sentence goes on.
_MAY_CONTINUE = _TITLES | _BEFORE_NUMBER | {"etc", "inc", "ltd", "co", "corp"}

# A sentence end: terminal punctuation, closing quotes/brackets, then whitespace.
_END = re.compile(r"([.!?\u2026]+)([\"'\u201d\u2019)\]]*)(\s+)")
# A clause break where a long sentence may be cut: the punctuation, then whitespace.
_CLAUSE = re.compile(r"(?:[,;:]|\s[-\u2013\u2014]+)(?=\s)")
_TRAILING = re.compile(r"[.!?\u2026\"'\u201d\u2019)\]]*$")
_TOKEN_BEFORE = re.compile(r"(\S*)$")
_SPEAKABLE = re.compile(r"\w")

DEFAULT_MAX_CHARS = 120
DEFAULT_FIRST_MAX_CHARS = 60
_MIN_CUT = 16  # a clause shorter than this is not worth a synthesis request of its own


class SentenceSplitter:
    """Feed it streamed text; it returns each sentence once it is sure the sentence is complete."""

    def __init__(
        self, max_chars: int = DEFAULT_MAX_CHARS, first_max_chars: int = DEFAULT_FIRST_MAX_CHARS
    ) -> None:
        self.max_chars = max_chars
        self.first_max_chars = first_max_chars
        self._buffer = ""
        self._scanned = 0  # sentence ends before this offset of the buffer were already rejected
        self._emitted = 0

    @property
    def pending(self) -> str:
        """The text of the sentence still being written."""
        return self._buffer.strip()

    def feed(self, text: str) -> list[str]:
        """Add streamed text; return the sentences it completes, in order."""
        self._buffer += text
        out: list[str] = []
        while (cut := self._next_cut()) is not None:
            self._emit(self._buffer[:cut], out)
            self._buffer = self._buffer[cut:].lstrip()
            self._scanned = 0
        return out

    def flush(self) -> list[str]:
        """The text is complete: return what is left as the last sentence (none if nothing speakable)."""
        out: list[str] = []
        self._emit(self._buffer, out)
        self._buffer = ""
        self._scanned = 0
        return out

    def _emit(self, text: str, out: list[str]) -> None:
        text = " ".join(text.split())
        # "..." alone, or a stray quote left between two markers, is nothing to say.
        if _SPEAKABLE.search(text):
            out.append(text)
            self._emitted += 1

    def _next_cut(self) -> int | None:
        """Offset in the buffer just after the next complete sentence, or None if there is none yet."""
        buf = self._buffer
        for m in _END.finditer(buf, self._scanned):
            verdict = self._ends_sentence(buf, m, buf[m.end() : m.end() + 1])
            if verdict is None:
                # Only the next word can tell ("a.m." + "on"): decide when it arrives. Earlier
                # candidates were rejected for good, so the next scan starts here.
                self._scanned = m.start()
                return self._long_cut()
            if verdict:
                return m.end(2)
        # A sentence end still being written can only start in the trailing punctuation and quotes.
        trailing = _TRAILING.search(buf)
        self._scanned = trailing.start() if trailing else len(buf)
        return self._long_cut()

    @staticmethod
    def _ends_sentence(buf: str, m: re.Match[str], following: str) -> bool | None:
        """Whether the end candidate ``m`` ends the sentence; None if that depends on the next word.

        ``following`` is the first character of the next word, or "" when it has not arrived. Deciding
        without it where the answer is clear ("there. ", "right? ") saves waiting one more token for
        the first sentence, which is time the listener hears as silence.
        """
        punct = m.group(1)
        token = _TOKEN_BEFORE.search(buf, 0, m.start())
        word = token.group(1).lower().lstrip("\"'\u201c\u2018([") if token else ""
        if not following:
            if not punct.strip("?!"):
                return True  # "?", "!", "?!": never inside a sentence in a caller's speech
            if punct == "." and word not in _MAY_CONTINUE and "." not in word and len(word) > 1:
                return True  # a plain word or a number: "there.", "4417."
            return None  # "a.m.", "Mr.", "J.", "No.", "Well..."
        if following.islower():
            return False  # "a.m. on Tuesday", "etc. and", "Well... let me see"
        if punct != "." or any(c.isdigit() for c in word):
            return True  # "?", "!", "?!", "..." before a capital, a digit or a quote; "It's 4417. Then"
        if word in _TITLES or len(word) == 1:
            return False  # "Mr. Smith", "J. Smith"
        if "." in word:
            # An initialism like "a.m." or "U.S.": it ends the sentence only before a capital.
            return not following.isdigit()
        return not (word in _BEFORE_NUMBER and following.isdigit())

    def _long_cut(self) -> int | None:
        """Where to cut a sentence that has grown past the limit without ending, if anywhere."""
        limit = self.first_max_chars if self._emitted == 0 else self.max_chars
        buf = self._buffer
        if len(buf) <= limit:
            return None
        # The latest break: checked on every feed, so this is the last one before the limit when the
        # text first passes it, or else the first one after it, as soon as it arrives.
        best = None
        for m in _CLAUSE.finditer(buf):
            if m.end() >= _MIN_CUT:
                best = m.end()
        if best is not None:
            return best
        if len(buf) > 2 * limit:
            # A run-on with no clause break at all: cut at the last space rather than hold it all back.
            space = buf.rfind(" ", 0, len(buf) - 1)
            return space if space >= _MIN_CUT else None
        return None
