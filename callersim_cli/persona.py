"""Who the caller is: the details it gives when asked, and how it behaves.

A persona comes from a scenario file, or is invented once per call (seeded, so a seed reproduces it)
by the engine. The same persona reaches the OpenAI engine as a system-prompt section and the offline
engine as the details it answers with.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

TRAIT_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Persona:
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    date_of_birth: str | None = None  # as the caller would say it, e.g. "March 4, 1988"
    email: str | None = None
    account_number: str | None = None
    # Other numbers a caller may be asked for: order, confirmation, claim, policy, member, card_last4,
    # ssn_last4, zip, pin ... keyed by a short name.
    numbers: dict[str, str] = field(default_factory=dict)
    patience: str = "medium"  # low: pushes to get things done; high: waits and repeats calmly
    talkativeness: str = "medium"  # low: terse answers; high: chatty, adds small talk

    def details(self) -> dict[str, str]:
        """Every detail that is set, by name, numbers included."""
        out = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("numbers", "patience", "talkativeness") and getattr(self, f.name)
        }
        out.update(self.numbers)
        return out

    def prompt_section(self) -> str:
        lines = ["Your details (give them only when asked, exactly as written here):"]
        for key, value in self.details().items():
            lines.append(f"- {key.replace('_', ' ')}: {value}")
        lines.append(
            f"Your manner: patience {self.patience}, talkativeness {self.talkativeness}. "
            "Let this show in how you answer, not in what you claim about yourself."
        )
        return "\n".join(lines)
