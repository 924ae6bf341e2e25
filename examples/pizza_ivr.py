"""Pizza Palace's phone line: a small IVR written against callersim's bot protocol (standard library only).

``PizzaCall`` is one call: ``start(event)`` gives the greeting, ``handle(event)`` the answer to each of
callersim's events (``caller`` words, ``dtmf`` keys), each a list of the bot's events ending in
``listen``, ``hangup`` or ``transfer``. ``pizza_bot.py`` serves it over JSON Lines, ``pizza_http_bot.py``
over HTTP. ``PIZZA_DELIVERY_MINUTES`` (default 35) is how long it says a delivery takes.
"""

from __future__ import annotations

import os
import re
from typing import Any

SIZES = ("small", "medium", "large")
PIZZAS = ("pepperoni", "margherita", "veggie", "hawaiian")
MENU = "For delivery, press 1. For pickup, press 2."

Event = dict[str, Any]


def say(text: str) -> Event:
    return {"type": "say", "text": text}


def listen(input: str = "speech", **gather: Any) -> Event:
    return {"type": "listen", "input": input, **gather}


def _find(words: tuple[str, ...], text: str) -> str | None:
    return next((w for w in words if re.search(rf"\b{w}\b", text)), None)


def _yes(text: str) -> bool:
    return bool(re.search(r"\b(yes|yeah|yep|correct|right|sure|that's it|sounds good)\b", text))


def _no(text: str) -> bool:
    return bool(re.search(r"\b(no|nope|nothing|that's all|that's everything|all set|wrong)\b", text))


class PizzaCall:
    def __init__(self) -> None:
        self.step = "menu"
        self.order: dict[str, Any] = {}
        self.customer: Any = None
        self.minutes = int(os.environ.get("PIZZA_DELIVERY_MINUTES", "35"))

    def start(self, event: Event) -> list[Event]:
        self.customer = (event.get("data") or {}).get("customer_id")
        notes = [
            {
                "type": "log",
                "message": f"call from {event.get('from')}, customer {self.customer or 'unknown'}",
            }
        ]
        return [*notes, say(f"Thank you for calling Pizza Palace! {MENU}"), listen("dtmf", num_digits=1)]

    def handle(self, event: Event) -> list[Event]:
        text = str(event.get("text") or event.get("digits") or "").lower()
        if re.search(r"\b(agent|human|person|representative|operator)\b", text):
            return [say("Connecting you to a team member."), {"type": "transfer", "to": "front-desk"}]
        return getattr(self, f"on_{self.step}")(event["type"], text)

    # --- one method per step of the call ---------------------------------------------------------------

    def on_menu(self, kind: str, text: str) -> list[Event]:
        modes = {"1": "delivery", "2": "pickup"}
        if kind != "dtmf" or text not in modes:
            return [say(f"Sorry, I didn't get that. {MENU}"), listen("dtmf", num_digits=1)]
        self.order["mode"] = modes[text]
        self.step = "pizza"
        return [say(f"Great, {modes[text]} it is. What would you like to order today?"), listen()]

    def on_pizza(self, kind: str, text: str) -> list[Event]:
        pizza, size = _find(PIZZAS, text), _find(SIZES, text)
        if pizza is None:
            return [
                say(f"We have {', '.join(PIZZAS[:-1])} and {PIZZAS[-1]} pizzas. Which would you like?"),
                listen(),
            ]
        self.order.update(pizza=pizza, size=size or self.order.get("size"))
        return self.next_question()

    def on_size(self, kind: str, text: str) -> list[Event]:
        size = _find(SIZES, text)
        if size is None:
            return [say("Sorry, what size: small, medium or large?"), listen()]
        self.order["size"] = size
        return self.next_question()

    def on_address(self, kind: str, text: str) -> list[Event]:
        found = re.search(r"\d.*", text)  # from the house number on
        if found is None:
            return [say("Sorry, what is the street address, with the house number?"), listen()]
        self.order["address"] = found.group(0).strip(" .").title()
        return self.next_question()

    def on_payment(self, kind: str, text: str) -> list[Event]:
        payment = _find(("card", "cash"), text)
        if payment is None:
            return [say("Will that be card or cash?"), listen()]
        self.order["payment"] = payment
        return self.next_question()

    def on_confirm(self, kind: str, text: str) -> list[Event]:
        if _no(text):
            self.order = {"mode": self.order["mode"]}
            self.step = "pizza"
            return [say("Sorry about that. Let's start again: what would you like to order?"), listen()]
        if not _yes(text):
            return [say("Sorry, is the order right? Please say yes or no."), listen()]
        placed = {
            "type": "event",
            "name": "place_order",
            "data": {**self.order, "customer_id": self.customer},
        }
        if self.order["mode"] == "delivery":
            when = f"it will be there in about {self.minutes} minutes"
        else:
            when = "it will be ready for pickup in about 15 minutes"
        self.step = "anything_else"
        return [placed, say(f"Your order is placed, {when}. Anything else?"), listen()]

    def on_anything_else(self, kind: str, text: str) -> list[Event]:
        if _no(text) or re.search(r"\b(bye|thanks|thank you)\b", text):
            return [
                say("Thanks for ordering from Pizza Palace. Goodbye!"),
                {"type": "hangup", "reason": "order placed"},
            ]
        return [say("I can only take pizza orders on this line. Anything else?"), listen()]

    def next_question(self) -> list[Event]:
        """The first thing the order still lacks, asked; once it has all, read back for a yes."""
        order = self.order
        if not order.get("size"):
            self.step = "size"
            return [say("And what size would you like: small, medium or large?"), listen()]
        if order["mode"] == "delivery" and not order.get("address"):
            self.step = "address"
            return [say("What is the delivery address?"), listen()]
        if not order.get("payment"):
            self.step = "payment"
            return [say("How would you like to pay: card or cash?"), listen()]
        self.step = "confirm"
        where = f"for delivery to {order['address']}" if order["mode"] == "delivery" else "for pickup"
        read_back = f"That's one {order['size']} {order['pizza']} {where}, paid by {order['payment']}."
        return [say(f"{read_back} Is that right?"), listen()]
