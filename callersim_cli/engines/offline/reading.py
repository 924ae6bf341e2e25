"""An operator line read once: every reading the caller may need, each computed at most once per text.

``read(text)`` returns the same ``Line`` for the same text for as long as it is cached, so a call's earlier
lines are not parsed again on every turn, and recognisers and responders may ask a line anything without
paying for it twice.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from callersim_cli.engines.offline import signals
from callersim_cli.engines.offline.menus import MenuOption, offered_choices, parse_menu, say_choices, say_menu
from callersim_cli.engines.offline.requests import DetailRequest, detail_request
from callersim_cli.engines.offline.text import normalize_line, sentences, words

_BARE_YES_NO = re.compile(r"\bsay (?:yes or no|yes or say no)\b", re.I)
_AUTOMATED = re.compile(r"\b(?:press|say|enter|keypad|after the tone|yes or no)\b", re.I)
_SPEECH_IVR = re.compile(r"\b(?:in a few words|briefly|in your own words)\b", re.I)


# Where one question joins a second: ", and what date ...", " and are you employed ...".
_JOINED_ASK = re.compile(
    r",\s*(?:and|plus)\s+(?=(?:what|which|who|whom|where|when|why|how|is|are|do|does|did|can|could|would|"
    r"will|have|has|your|should|shall|the|about|roughly|approximately)\b)|"
    r",\s*or\s+(?=(?:what|which|who|whom|where|when|why|how)\b)|"
    r"\s+and\s+(?=(?:what|which|who|where|when|how)\b)|"
    r"\?\s+(?:and\s+)?(?=\w)",
    re.I,
)


class Line:
    """What one thing the business said is: its parts, what it asks, and what kind of line it is."""

    def __init__(self, text: str) -> None:
        self.raw = text
        self.text = normalize_line(text)

    def __repr__(self) -> str:
        return f"Line({self.text!r})"

    # --- parts ------------------------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        return sentences(self.text)

    @cached_property
    def questions(self) -> list[str]:
        return signals.questions(self.text)

    @cached_property
    def asks(self) -> list[str]:
        """Each thing the line asks, in order: "Which flight were you on, and what date did you land?"
        asks two things, and a caller answers both."""
        found: list[str] = []
        for question in self.questions:
            parts = _JOINED_ASK.split(question)
            found += [p.strip(" ,").rstrip("?") + "?" for p in parts if len(words(p)) >= 2]
        return found

    @cached_property
    def last_ask(self) -> str:
        """What the line asks last, in plain words: compared to tell a prompt asked again."""
        return " ".join(words(self.questions[-1] if self.questions else self.text))

    @cached_property
    def normal(self) -> str:
        return " ".join(words(self.text))

    # --- menus and choices -------------------------------------------------------------------------------

    @cached_property
    def menu(self) -> list[MenuOption]:
        return parse_menu(self.text)

    @cached_property
    def menu_signature(self) -> frozenset[tuple[str, str]]:
        return frozenset((o.key, o.text.lower()) for o in self.menu)

    @cached_property
    def spoken_menu(self) -> list[MenuOption]:
        return say_menu(self.text)

    @cached_property
    def say_choices(self) -> list[str]:
        return say_choices(self.text)

    @cached_property
    def offered(self) -> list[str]:
        return offered_choices(self.text)

    # --- questions ----------------------------------------------------------------------------------------

    @cached_property
    def request(self) -> DetailRequest | None:
        return detail_request(self.text)

    @cached_property
    def yes_no(self) -> str | None:
        return signals.yes_no_question(self.text)

    @cached_property
    def attribute(self) -> str | None:
        return signals.attribute_question(self.text)

    @cached_property
    def preference(self) -> str | None:
        return signals.preference_question(self.text)

    @cached_property
    def presence(self) -> str | None:
        return signals.presence_check(self.text)

    @cached_property
    def is_open_question(self) -> bool:
        return signals.is_open_question(self.text)

    @cached_property
    def is_reason_question(self) -> bool:
        return signals.is_reason_question(self.text)

    @cached_property
    def wants_bare_yes_no(self) -> bool:
        """A speech IVR that asks for yes or no understands exactly that word."""
        return bool(_BARE_YES_NO.search(self.text))

    # --- flags --------------------------------------------------------------------------------------------

    @cached_property
    def is_hold(self) -> bool:
        return signals.is_hold(self.text)

    @cached_property
    def is_transfer(self) -> bool:
        return signals.is_transfer(self.text)

    @cached_property
    def is_readback(self) -> bool:
        return signals.is_readback(self.text)

    @cached_property
    def asks_to_confirm(self) -> bool:
        return signals.asks_to_confirm(self.text)

    @cached_property
    def is_anything_else(self) -> bool:
        return signals.is_anything_else(self.text)

    @cached_property
    def is_closed(self) -> bool:
        return signals.is_closed(self.text)

    @cached_property
    def is_instruction(self) -> bool:
        return signals.is_instruction(self.text)

    @cached_property
    def reprompt_rest(self) -> str | None:
        """After "sorry, I didn't get that": the rest of the line ("" if nothing), else None."""
        return signals.reprompt_rest(self.text)

    @cached_property
    def success(self) -> str | None:
        return signals.success_phrase(self.text)

    @cached_property
    def failure(self) -> str | None:
        return signals.failure_phrase(self.text)

    def is_goodbye(self, first_turn: bool) -> bool:
        return signals.is_goodbye(self.text, first_turn)

    def is_gibberish(self, known: frozenset[str]) -> bool:
        return signals.is_gibberish(self.text, known)

    @cached_property
    def automated(self) -> bool:
        """A line only a machine says: a menu, "say X or Y", "press", "enter", "after the tone"."""
        return bool(
            self.menu
            # A recorded "please stay on the line" is no one to greet; "in a few words" is a speech IVR.
            or (self.is_hold and not self.questions)
            or _SPEECH_IVR.search(self.text)
            or self.spoken_menu
            or self.say_choices
            or _AUTOMATED.search(self.text)
        )


@lru_cache(maxsize=4096)
def read(text: str) -> Line:
    """The line for ``text``: the same object while it is cached, so each reading is made once."""
    return Line(text)
