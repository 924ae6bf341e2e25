"""What the caller decided to do on a turn, before it is put into words.

A responder returns a ``Move``: keys to press, things to say (each a phrase bank and the facts to fill it
with), whether to hang up, and why, for ``--explain``. ``realize`` turns a move into words; nothing here
chooses a phrasing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Say:
    """One thing to say: a phrase bank of ``phrases.BANKS`` and the values its phrases are filled with."""

    bank: str
    fields: tuple[tuple[str, str], ...] = ()
    purpose: str | None = None  # which choice of phrasing this is; the bank's name when unset

    @property
    def values(self) -> dict[str, str]:
        return dict(self.fields)

    @property
    def choice(self) -> str:
        return self.purpose or self.bank


def say(bank: str, purpose: str | None = None, **values: str) -> Say:
    return Say(bank, tuple(values.items()), purpose)


@dataclass(frozen=True)
class Move:
    says: tuple[Say, ...] = ()
    keys: str | None = None
    hangup: bool = False
    act: str = ""  # the dialogue act that made it (set by ``acts.decide``)
    why: str = ""  # one line for --explain: what was read and decided
    facts: tuple[str, ...] = field(default=())  # the details used, by name ("phone", "account_number")

    def then(self, other: Move) -> Move:
        """This move followed by another in the same reply: "No, sorry — it's X. And my name is Y."."""
        return replace(
            self,
            says=self.says + other.says,
            keys=(self.keys or "") + (other.keys or "") or None,
            hangup=self.hangup or other.hangup,
            why="; ".join(w for w in (self.why, other.why) if w),
            facts=self.facts + tuple(f for f in other.facts if f not in self.facts),
        )

    def explained(self, why: str, *facts: str) -> Move:
        return replace(self, why=why, facts=self.facts + facts)


def speak(bank: str, purpose: str | None = None, **values: str) -> Move:
    """A move that says one thing."""
    return Move(says=(say(bank, purpose, **values),))


def press(keys: str, why: str = "") -> Move:
    return Move(keys=keys, why=why)
