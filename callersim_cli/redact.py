"""Keeping secrets out of everything a user sees or keeps: output, transcripts, error lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Shapes of API keys, caught even when we were not told the value (e.g. pasted into the REPL).
_KEY_SHAPES = re.compile(r"\b(?:sk-[A-Za-z0-9_\-]{16,}|sk_[A-Za-z0-9]{24,}|xi-[A-Za-z0-9]{16,})\b")


class Redactor:
    """Replaces known secret values and anything shaped like an API key with a placeholder."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Very short values would redact ordinary words; real keys are long.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _KEY_SHAPES.sub("[redacted]", text)
