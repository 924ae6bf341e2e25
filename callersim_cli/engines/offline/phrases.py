"""How the offline caller says things: phrase banks, each with its variants by manner.

A bank is what a responder asks for ("confirm", "detail", "hold"); its phrases are the ways to say it, in
the order choices rotate through them. ``{field}`` is filled from the move, ``{Field}`` with its first
letter capitalised. Manner is data here, not a rewrite afterwards: a bank may carry ``terse`` and
``chatty`` variants (talkativeness) and ``hurried`` and ``calm`` ones (patience); a caller uses its
patience's variant where the bank has one, else its talkativeness's, else the plain phrases.

Nothing here says a fact the move did not give: no goal words, no numbers, no names, so no variant can
contradict the goal or the persona. ``answer`` marks banks whose phrases open with a yes or a no, which
a speech IVR that asks for "yes or no" gets bare.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    plain: tuple[str, ...]
    terse: tuple[str, ...] = ()
    chatty: tuple[str, ...] = ()
    hurried: tuple[str, ...] = ()
    calm: tuple[str, ...] = ()
    answer: str | None = None  # "yes" or "no": every phrase opens with that answer
    joins: bool = False  # said as the end of the sentence before: "It's X, and my phone number is Y."

    def variants(self, manners: tuple[str, ...]) -> tuple[str, ...]:
        for manner in manners:
            phrases: tuple[str, ...] = getattr(self, manner)
            if phrases:
                return phrases
        return self.plain


def _b(*plain: str, **variants: tuple[str, ...] | str | bool | None) -> Bank:
    return Bank(plain, **variants)  # type: ignore[arg-type]


BANKS: dict[str, Bank] = {
    # --- the call itself ------------------------------------------------------------------------------
    "bye": _b(
        "Great, thank you so much. Bye!", "Thanks for your help. Goodbye!", "Thank you, bye now!",
        "Okay, thanks again. Goodbye!",
        terse=("Bye!", "Goodbye!", "Bye now!", "Thanks again. Goodbye!"),
        chatty=(
            "Thank you so much, you've been really helpful. Have a lovely day, bye!",
            "Thanks again for all your help, I really appreciate it. Goodbye!",
            "That's wonderful, thanks so much for your time. Take care, bye now!",
        ),
    ),
    # Said back only to a business that wished the caller something ("have a great day", "take care").
    "bye_wished": _b(
        "Thanks, you too. Goodbye!", "You too, thanks. Bye!", "Thank you, you too. Bye now!",
        terse=("You too. Goodbye!", "You too. Bye!", "You too. Bye now!"),
        chatty=(
            "Thank you so much, you've been really helpful. Have a lovely day, bye!",
            "Thanks again for all your help, I really appreciate it. Goodbye!",
            "That's wonderful, thanks so much for your time. Take care, bye now!",
        ),
    ),
    "bye_short": _b("Goodbye!", "Bye!", "Bye now!"),
    "all_done": _b("No, that's all.", answer="no"),
    "menu_done": _b(
        "Thanks, that was all I needed.", "Great, that takes care of it.",
        terse=("That was all I needed.", "That takes care of it."),
    ),
    "call_back": _b(
        "Okay, I'll call back then. Bye.", "Alright, I'll try again later. Thanks, bye.",
        terse=("I'll call back then. Bye.", "I'll try again later. Bye."),
    ),
    "hold": _b(
        "Sure, I'll hold.", "Okay, take your time.", "No problem, I'll wait.", "Okay, I'll stay on the line.",
        "Okay, I'm still here.", "Still holding, no rush.",
        terse=("I'll hold.", "Take your time.", "I'll wait.", "I'll stay on the line.", "I'm still here.",
               "Still holding."),
        hurried=(
            "Sure, but I'm in a bit of a hurry.", "Okay, but please make it quick.",
            "Fine, but I don't have long.", "Alright. I'm short on time, though.",
            "Okay. Is it going to be much longer?",
        ),
        calm=(
            "Of course, take all the time you need.", "That's fine, I'm happy to wait.",
            "No rush at all, I'll be right here.", "Sure, whenever you're ready.",
            "Absolutely, I'll stay right on the line.",
        ),
    ),
    # The start of a hold: "I'm still here" and "still holding" answer a hold that went on.
    "hold_start": _b(
        "Sure, I'll hold.", "Okay, take your time.", "No problem, I'll wait.", "Okay, I'll stay on the line.",
        terse=("I'll hold.", "Take your time.", "I'll wait.", "I'll stay on the line."),
        hurried=(
            "Sure, but I'm in a bit of a hurry.", "Okay, but please make it quick.",
            "Fine, but I don't have long.", "Alright. I'm short on time, though.",
            "Okay. Is it going to be much longer?",
        ),
        calm=(
            "Of course, take all the time you need.", "That's fine, I'm happy to wait.",
            "No rush at all, I'll be right here.", "Sure, whenever you're ready.",
            "Absolutely, I'll stay right on the line.",
        ),
    ),
    "transfer": _b(
        "Okay, thanks.", "Sure, thank you.", "Great, thanks.", "Alright, thank you.", "Okay, I'll hold.",
        terse=("Okay.", "Sure.", "Thanks.", "Alright.", "I'll hold."),
        hurried=(
            "Okay, thanks. Hopefully this is quick.", "Fine, as long as it's quick.",
            "Alright, but I hope I won't be waiting long.",
        ),
        calm=(
            "Of course, thank you so much.", "Wonderful, thank you, I'll wait.",
            "Sure, thanks, take your time.",
        ),
    ),
    "repeat": _b(
        "Sorry, I didn't catch that. Could you repeat it?",
        "Sorry, that didn't come through. Could you say it again?",
        "Sorry, you cut out there. Could you say that again?",
        "I'm sorry, I couldn't understand that. Can you repeat it, please?",
        "Hello? Sorry, could you say that one more time?", "Sorry, the line is bad on my end. What was that?",
        terse=("Sorry, could you repeat that?", "Sorry, say that again?", "Sorry, you cut out. Again?",
               "Sorry, couldn't understand. Repeat that?", "Hello? Say that again?",
               "Sorry, bad line. Again?"),
    ),
    "unclear": _b(
        "Sorry, I'm not sure what you mean.", "I'm sorry, I don't think I understand the question.",
        "Sorry, could you put that another way?", "I'm not sure I follow, sorry.",
        terse=("Not sure what you mean.", "I don't understand the question.", "Put that another way?",
               "I don't follow."),
    ),
    "ack": _b(
        "Okay, thank you.", "Got it, thanks.", "Alright, thanks for letting me know.",
        "Okay, that's good to know.", "I see, okay.",
        terse=("Okay.", "Got it.", "Alright.", "Good to know.", "I see."),
    ),
    "good_news": _b(
        "Great, thank you!", "Perfect, thanks so much.", "Oh good, thank you.", "Wonderful, thanks.",
        terse=("Great.", "Perfect.", "Good.", "Wonderful."),
    ),
    "bad_news": _b(
        "Oh, okay. Is there anything else you can do?", "Hmm, that's a shame. What would you suggest?",
        "Oh no. Is there another option?",
        terse=("Is there anything else you can do?", "What would you suggest?", "Is there another option?"),
    ),
    "give_up": _b(
        "Okay, I understand. Thanks anyway. Goodbye.",
        "Alright, I'll look elsewhere then. Thanks for your time, bye.",
        "Okay, no problem. Thank you anyway. Goodbye!",
        terse=("I understand. Goodbye.", "I'll look elsewhere then. Bye.", "No problem. Goodbye!"),
    ),
    "still_here": _b(
        "Yes, I'm still here.", "Yes, I'm here.", "Yep, still here.", "Yes, still with you.",
        "Yeah, I'm here.",
        terse=("Yes, here.", "Yep, here.", "Yes, still here.", "Yes, I'm here."), answer="yes",
    ),
    "hear_you": _b(
        "Yes, I can hear you.", "Yes, I can hear you fine.", "Yep, loud and clear.", "Yes, I hear you.",
        terse=("Yes, I hear you.", "Yes, loud and clear.", "Yes, I can hear you."), answer="yes",
    ),
    "done": _b(
        "No, that's everything, thanks.", "No, that's all I needed. Thank you!",
        "Nope, that's it. Thanks for your help.", "No, I'm all set, thanks.",
        "No, that covers it. Thank you.",
        terse=("No, that's everything.", "No, that's all.", "Nope, that's it.", "No, all set.",
               "No, that covers it."),
        answer="no",
    ),
    "task_done": _b(
        "Okay... done.", "Alright, done.", "Okay, one second... okay, done.",
        terse=("Done.", "Done now.", "One second... done."),
    ),
    "plugged_in": _b(
        "Alright, it's plugged back in.", "Okay... done. It's plugged back in.",
        terse=("It's plugged back in.", "Done. Plugged back in."),
    ),
    "back_on": _b(
        "Okay... done. It's back on.", "Alright, it's back on now.",
        terse=("Done. It's back on.", "It's back on now."),
    ),
    "ask_agent": _b(
        "Agent. I need to speak to a person, please.", "Representative, please. This isn't working.",
        "Operator. Can I just talk to someone, please?",
        terse=("Agent.", "Representative.", "Operator."),
    ),
    "say_word": _b("{Word}.", "{Word}, please.", "Um, {word}."),
    # --- chatty additions, firmness -------------------------------------------------------------------
    "greeting": _b(
        "Hi there, hope your day's going well.", "Hello! Hope you're having a nice day.",
        "Oh hi, thanks so much for picking up.", "Hi! Appreciate you taking my call.",
    ),
    # Short asides after an answer now and then: no facts, nothing to contradict the goal or persona.
    "aside": _b(
        "I appreciate your help with this.", "You're very kind, by the way.",
        "Thanks for being so patient with me.", "It's been one of those weeks, honestly.",
        "I really appreciate it.", "Sorry, I know I'm a bit chatty today.",
        "Thanks a lot for sorting this out.",
        "That's really helpful, thanks.", "You've been wonderful so far.", "Much appreciated.",
    ),
    # Said after a yes or no when the caller has to give the same answer again.
    "firm_after": _b("As I said.", "Like I said before.", "I did say that already."),
    # --- yes and no ----------------------------------------------------------------------------------
    "yes_please": _b(
        "Yes, please.", "Yes.", "Yeah, that would be great.", "Sure, yes.", "Yes, thank you.",
        "Yep, please do.",
        terse=("Yes.", "Yes, please.", "Yeah.", "Sure, yes.", "Yes, thanks.", "Yep."),
        answer="yes",
    ),
    "yes": _b(
        "Yes.", "Yes, that's right.", "Yeah.", "Correct.", "Yes, it is.", "That's right, yes.",
        terse=("Yes.", "Yes, right.", "Yeah.", "Correct.", "Yes, it is.", "Right, yes."),
        answer="yes",
    ),
    "yes_bare": _b("Yes.", answer="yes"),
    "no_bare": _b("No.", answer="no"),
    "no_thanks": _b(
        "No, thank you.", "No thanks.", "No, I'm fine, thanks.", "No, not today, thanks.",
        terse=("No.", "No thanks.", "No, I'm fine.", "No, not today."),
        hurried=("No thanks, I'm short on time.", "No, thanks. Let's just finish this.",
        "No, I'll skip that."),
        answer="no",
    ),
    "confirm": _b(
        "Yes, that's right.", "Yes, that's correct.", "Yep, that's it.", "Correct.", "Yes, exactly.",
        "That's right, thanks.",
        terse=("Yes.", "Yes, correct.", "Yep.", "Correct.", "Exactly.", "That's right."),
        chatty=(
            "Yes, that's exactly right, thank you for checking.",
            "Yes, that's all correct. Thanks for reading it back.", "Yep, you've got it all right there.",
            "Correct, that's everything, thanks for double-checking.",
        ),
        answer="yes",
    ),
    "did": _b(
        "Yes, I did.", "Yes, I did, a couple of weeks ago.", "Yeah, I did.",
        terse=("Yes.", "Yes, I did.", "Yeah."), answer="yes",
    ),
    "can_do": _b(
        "Yes, I can do that.", "Yeah, I can do that.", "Yes, no problem.",
        terse=("Yes.", "Yeah, can do.", "Yes, no problem."), answer="yes",
    ),
    "time_ok": _b(
        "Yes, that works for me.", "Yes, that's fine.", "Sure, that works, thanks.",
        "Yes, that would be great.",
        terse=("Yes, that works.", "Yes, fine.", "Sure, that works.", "Yes."), answer="yes",
    ),
    "nothing_to_add": _b(
        "No, none.", "No, nothing like that.", "Nope, nothing to add.",
        terse=("No.", "No, nothing.", "Nope."), answer="no",
    ),
    "not_fixed": _b(
        "No, it's still not working.", "No, still the same.", "No, nothing changed.",
        terse=("No, still not working.", "No, same.", "No."), answer="no",
    ),
    "tried": _b(
        "Yes, I already restarted it, and it's still not working.",
        "Yeah, I unplugged it and plugged it back in twice. No luck.",
        "Yes, I've tried that already. Nothing changed.",
        terse=("Yes, already restarted it. Still not working.", "Yeah, twice. No luck.",
               "Yes, tried that. Nothing changed."),
        answer="yes",
    ),
    "still_lost": _b(
        "No, I don't have it. That's why I'm calling.", "No, it's gone, unfortunately.",
        "No, I haven't been able to find it.",
        terse=("No, I don't have it.", "No, it's gone.", "No."), answer="no",
    ),
    "no_number_yet": _b(
        "No, I don't have one yet.", "No, not yet.", "No, I don't.", terse=("No.", "No, not yet."),
        answer="no",
    ),
    "no_repeat": _b("No, I got it, thanks.", "No, I've got it. Thank you.", terse=("No, got it.",),
    answer="no"),
    "no_change": _b(
        "No, nothing's changed.", "No, nothing new.", "No, it's all the same.",
        terse=("No.", "No, nothing new.", "No, same."), answer="no",
    ),
    "nobody_hurt": _b(
        "No, nobody was hurt.", "No, thankfully nobody got hurt.", terse=("No, nobody.",), answer="no",
    ),
    "not_sure": _b(
        "I'm not sure exactly, sorry.", "Hmm, I don't know offhand.", "Not exactly, no, sorry.",
        terse=("Not sure.", "Don't know offhand.", "Not exactly."),
    ),
    "no_actually": _b("No, actually.", answer="no"),
    "yes_handy": _b(
        "Yes, I have it right here.", "Yes, I've got it.", "Yes, one second.", terse=("Yes.",), answer="yes"
    ),
    "yes_that": _b(
        "Yes, that's right.", "Yes, that's why I'm calling.", "Yes, exactly.", terse=("Yes.",), answer="yes"
    ),

    "not_them_named": _b(
        "No, I'm calling for my {relation}, {name}.", "No, this is about my {relation}, {name}.",
        terse=("No, for my {relation}, {name}.",), answer="no",
    ),
    "not_them": _b("No, I'm calling for my {relation}.", terse=("No, for my {relation}.",), answer="no"),

    "not_emergency": _b(
        "No, it's not an emergency.", "No, nothing urgent.", "No, not an emergency.",
        terse=("No.",), answer="no",
    ),
    "known_yes": _b("Yes, {clause}.", "Yes. {Clause}.", terse=("Yes, {clause}.",), answer="yes"),
    "known_no": _b("No, {clause}.", "No. {Clause}.", terse=("No, {clause}.",), answer="no"),
    "yes_lead": _b("Yes.", answer="yes"),
    # --- goals, reasons and offers -------------------------------------------------------------------
    "keep_goal": _b(
        "No, thank you. I'd still like to {task}.", "No thanks, I appreciate it, but I still want to {task}.",
        "No, thanks. Please go ahead and {task}.",
        terse=("No. I'd still like to {task}.", "No thanks. I still want to {task}.",
               "No. Go ahead and {task}."),
        answer="no",
    ),
    "day_conflict": _b(
        "No, that day doesn't work for me. Do you have another day?",
        "Sorry, no, not that day. Anything else?",
        terse=("No, not that day. Another day?", "No, not that day."), answer="no",
    ),
    "part_conflict": _b(
        "Hmm, I was hoping for the {part}. Do you have anything then?",
        "Not really, the {part} works better for me. Is there an opening in the {part}?",
        terse=("I'd prefer the {part}. Anything then?", "The {part} works better. An opening then?"),
    ),
}  # fmt: skip
