"""Answering from the scenario itself: the clause that best fits a question, and whether it says yes or no.

A caller knows more than any rule asks for: "it won't drain", "there's no gas smell", "in the eastbound
lane". When the business asks something no responder has a rule for, the scenario clause that shares the
most words with the question (and carries the kind of answer the question word wants: a place for
"where", a date for "when", an amount for "how much") is what the caller says; a yes/no question is
answered by whether that clause is negated ("Is anyone hurt?" -> "Nobody was hurt" -> no).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from callersim_cli.engines.offline.frame import GoalFrame
from callersim_cli.engines.offline.text import MONTHS, WEEKDAYS, concepts_of, content_words, stem

# Words too common in calls to tell one clause from another.
_GENERIC = frozenset(
    stem(w)
    for w in [
        "get",
        "want",
        "need",
        "like",
        "call",
        "help",
        "please",
        "know",
        "tell",
        "sure",
        "make",
        "go",
        "do",
        "today",
        "thing",
        "something",
        "anything",
        "everything",
        "time",
        "way",
        "one",
        "also",
        "still",
        "right",
        "just",
        "really",
        "able",
        "any",
        "many",
        "much",
        "well",
        "take",
        "give",
        "let",
        "see",
        "look",
        "would",
        "could",
        "should",
        "may",
        "might",
        "will",
        "can",
        "there",
        "here",
        "what",
        "which",
        "when",
        "where",
        "how",
        "who",
        "why",
        "yes",
        "no",
        "okay",
    ]
)
_NEGATED = re.compile(
    r"\b(?:no|not|never|nobody|none|nothing|neither|nor|without|haven't|hasn't|hadn't|didn't|doesn't|don't|"
    r"isn't|aren't|wasn't|weren't|won't|can't|couldn't|cannot)\b",
    re.I,
)
_PLACE = re.compile(
    r"\b\d+\s+[A-Z]\w+|\b(?:in|at|to|from|near|on)\s+(?:the\s+)?[A-Z]\w+|\blane\b|\bstreet\b", re.I
)
_WHEN = re.compile(
    r"\b(?:" + "|".join((*MONTHS, *WEEKDAYS)) + r")\b|\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|"
    r"\b(?:today|tomorrow|yesterday|tonight|morning|afternoon|evening|ago|week|month|year|since|"
    r"last night)\b",
    re.I,
)
_AMOUNT = re.compile(r"\$\s?\d|\b\d+\s*(?:dollars|euros?|pounds)\b", re.I)
_COUNT = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|dozen)\b", re.I)


@dataclass(frozen=True)
class Known:
    clause: str  # in the caller's words
    score: float
    negative: bool

    @property
    def sentence(self) -> str:
        text = self.clause.strip().rstrip(".")
        return text[:1].upper() + text[1:] + "."


def _stems(text: str) -> frozenset[str]:
    return frozenset(s for s in (stem(w) for w in content_words(text)) if s not in _GENERIC and len(s) > 1)


def _concepts(text: str) -> frozenset[str]:
    found: set[str] = set()
    for w in content_words(text):
        found |= concepts_of(w)
    return frozenset(found)


def _wants(question: str) -> re.Pattern[str] | None:
    q = question.lower()
    if re.search(
        r"\bwhere\b|\b(?:what|which)(?:'s| is)? (?:the )?(?:location|address|street|lane|direction)", q
    ):
        return _PLACE
    if re.search(r"\bwhen\b|\bwhat (?:time|date|day)\b|\bhow long\b|\bwhat dates?\b", q):
        return _WHEN
    if re.search(r"\bhow much\b|\bwhat(?:'s| is) the (?:amount|total|cost|price)\b", q):
        return _AMOUNT
    if re.search(r"\bhow many\b", q):
        return _COUNT
    return None


@lru_cache(maxsize=2048)
def _scored(
    clauses: tuple[str, ...], question: str, common: frozenset[str]
) -> tuple[tuple[float, float, int], ...]:
    """Each clause's score and how much of the question it covers, by shared words: the business's own
    words ("travel notice" at a bank's card line) count half, as every clause of its calls may use them."""
    q_stems, q_concepts = _stems(question), _concepts(question)
    wants = _wants(question)

    def weight(s: str) -> float:
        return 1.0 if s not in common else 0.5

    total = sum(weight(s) for s in q_stems) or 1.0
    scores = []
    for i, clause in enumerate(clauses):
        c_stems = _stems(clause)
        shared = q_stems & c_stems
        concepts = q_concepts & _concepts(clause)
        score = 2.0 * sum(weight(s) for s in shared) + 1.0 * len(concepts)
        if wants is not None:
            # "Where did the accident happen?" -> the clause that names a place, even in other words.
            if wants.search(clause):
                score += 2.0 if (shared or concepts or len(q_stems) <= 2) else 0.0
            else:
                score -= 2.0

        # How much of the shorter of the two the other covers: "There's no gas smell and no CO alarm" answers
        # a long "Do you smell gas anywhere in the home, or is a carbon monoxide alarm going off?".
        covered = (sum(weight(s) for s in shared) + 0.5 * len(concepts)) / max(
            1.0, min(total, len(c_stems) or 1)
        )
        scores.append((score, covered, i))
    return tuple(scores)


def best_clause(frame: GoalFrame, question: str, least: float = 2.0, cover: float = 0.0) -> Known | None:
    """The scenario clause that answers ``question`` best, if any shares enough with it.

    The main task is left out: it has been said (or is said by the responder for the goal), and a clause
    that only repeats it answers nothing new.
    """
    read = frame.read
    # Only the task's first clause is left out: the rest of the task ("I'll be in Portugal and Spain from
    # September 5 to September 19") answers questions as well as any other clause.
    first_task = next((c for c in read.clauses if c.lower() in read.task.lower()), None)
    clauses = tuple(c for c in read.clauses if c != first_task)
    if not clauses:
        return None
    common = _stems(frame.context.description)
    score, covered, index = max(_scored(clauses, question, common), key=lambda s: (s[0], -s[2]))
    if score < least or covered < cover:
        return None
    clause = clauses[index]
    return Known(clause, score, bool(_NEGATED.search(clause)))


def overlaps(clause: str, question: str) -> bool:
    """Whether the clause shares a telling word or concept with the question ("any week in April" and "the
    month you would like to serve" share the concept of a date)."""
    if _stems(clause) & _stems(question):
        return True
    wants = _wants(question) or (
        _WHEN if re.search(r"\b(?:month|week|day|date|time)\b", question, re.I) else None
    )
    return bool(wants and wants.search(clause))
