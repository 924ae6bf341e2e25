"""Phrase banks that carry a fact of the call: a detail, the goal, a choice, a correction.

Every ``{field}`` is a value the responder gave; the realizer never fills one with nothing (a phrase
whose field is empty is skipped), so no reply ends in a fragment ("call me back at.").
"""

from __future__ import annotations

from callersim_cli.engines.offline.phrases import Bank, _b

FACT_BANKS: dict[str, Bank] = {
    # --- details ---------------------------------------------------------------------------------------
    "detail": _b(
        "It's {value}.", "Sure, it's {value}.", "My {label} is {value}.", "That's {value}.", "{Value}.",
        terse=("{Value}.", "It's {value}."),
    ),
    "detail_last_four": _b(
        "It's {value}.", "Sure, it's {value}.", "The last four are {value}.", "That's {value}.", "{Value}.",
        terse=("{Value}.", "The last four are {value}."),
    ),
    # An address is never said capitalised, so it never opens a sentence.
    "detail_email": _b(
        "It's {value}.", "Sure, it's {value}.", "My {label} is {value}.", "That's {value}.",
        "You can email me at {value}.",
        terse=("It's {value}.", "That's {value}."),
    ),
    "detail_name": _b(
        "It's {value}.", "Sure, it's {value}.", "My {label} is {value}.", "That's {value}.", "{Value}.",
        "This is {value}.",
        terse=("{Value}.", "It's {value}."),
    ),
    "detail_phone": _b(
        "It's {value}.", "Sure, it's {value}.", "My {label} is {value}.", "That's {value}.", "{Value}.",
        "You can reach me at {value}.",
        terse=("{Value}.", "It's {value}."),
    ),
    "detail_alone": _b("{Value}."),  # a recording wants the detail alone
    "spell_word": _b("It's {spelled}.", "That's {spelled}.", "{spelled}.", terse=("{spelled}.",)),

    "detail_spelled_name": _b(
        "It's {value}, that's {spelled}.", "Sure, it's {value}, that's {spelled}.",
        "My {label} is {value}, that's {spelled}.", "That's {value}, that's {spelled}.",
        "{Value}, that's {spelled}.", "This is {value}, that's {spelled}.",
        terse=("{Value}, that's {spelled}.", "{Value}: {spelled}."),
    ),
    "and_detail": _b("And {whose} {label} is {value}.", joins=True),
    "also_detail": _b("And my {label} is {value}."),
    "echo_fix": _b("Sorry, it's {value}.", "Sorry, that's {value}.", terse=("It's {value}.",
    "That's {value}.")),
    "echo_fix_no": _b(
        "No, sorry — it's {value}.", "No, sorry — that's {value}.", terse=("No, it's {value}.",), answer="no"
    ),
    # --- the goal ----------------------------------------------------------------------------------------
    "goal": _b("{statement}", terse=("{terse}",)),
    "goal_again_to": _b(
        "I need to {rest}.", "I'm calling to {rest}.", "I'd like to {rest}, please.", "I'm trying to {rest}.",
        terse=("{terse}",),
    ),
    "goal_again_about": _b(
        "It's about {rest}.", "I have a question about {rest}.", "I'm calling about {rest}.",
        terse=("About {rest}.", "A question about {rest}."),
    ),
    "goal_again": _b("{Task}.", "Well, {task}.", "So, {task}.", terse=("{Task}.",)),
    "order_item": _b(
        "I'd like {item}, please.", "Can I get {item}?", "{Item}, please.", terse=("{Item}.",)
    ),
    "order_item_also": _b(
        "I'd like to order {item}, {also}.", "Can I get {item}? {Also_rest}.",
        terse=("{Item}, {also}.", "{Item}. {Also_rest}."),
    ),
    "reason": _b("Because {reason}.", terse=("{Reason}.",)),
    "reason_ending": _b("{Reason}, so I won't need {thing} anymore.", terse=("{Reason}.",)),
    "reason_again": _b(
        "Well, {reason}.", "It's just that {reason}.", "Like I said, {reason}.",
        terse=("{Reason}.", "Like I said, {reason}."),
    ),
    "reason_none": _b(
        "I just don't need it anymore.", "It's just not something I use anymore.",
        "I've decided I don't need it, that's all.",
        terse=("Don't need it anymore.", "Not something I use anymore.", "I don't need it."),
    ),
    "not_that": _b("No, that's not it.", answer="no"),
    # --- choices -------------------------------------------------------------------------------------------
    "say_choice": _b("{Choice}.", "{Choice}, please.", "It's {choice}.", "{Choice}, thanks."),
    "say_request": _b("{Choice}.", "{Choice}, please.", "{Choice}, thanks.", "{Choice}, thanks."),
    "choose_mine": _b("{Mine}.", "{Mine}, thanks.", terse=("{Mine}.",)),
    "choose_time": _b(
        "{Choice} works for me.", "Let's do {choice}.", "I'll take {choice}, please.",
        "{Choice} would be great.",
        terse=("{Choice}.", "{Choice} works."),
    ),
    "choose_thing": _b(
        "{Choice}, please.", "{Choice}.", "It's {choice}.", "I'd go with {choice}.", terse=("{Choice}.",)
    ),
    "choose_other": _b(
        "{Choice}, please.", "{Choice}.", "{Choice}, I think.", "I'd go with {choice}.", terse=("{Choice}.",)
    ),
    "rating": _b("{Rating}.", "I'd say {rating}.", "{Rating}, I guess.", terse=("{Rating}.",)),
    "for_person": _b(
        "It's for my {relation}, {name}.", "For my {relation}, {name}.", "My {relation}, {name}.",
        terse=("My {relation}, {name}.",),
    ),
    "for_relation": _b("It's for my {relation}.", "For my {relation}.", terse=("My {relation}.",)),
    "relation": _b("{Pronoun}'s my {relation}.", "I'm calling for my {relation}.", terse=("My {relation}.",)),
    "self": _b("It's my own account.", "I'm the account holder.", terse=("It's mine.",)),
    "for_me": _b("It's for me.", "For me.", "Just for me."),
    # "Am I speaking with the member?" when the member is the caller's father: no, and who is calling.
    "not_them_person": _b(
        "No, I'm calling for my {relation}, {name}.", "No, this is about my {relation}, {name}.",
        terse=("No, my {relation}, {name}.",), answer="no",
    ),
    "not_them_relation": _b(
        "No, I'm calling for my {relation}.", "No, it's my {relation}'s account.",
        terse=("No, my {relation}.",), answer="no",
    ),
    # "Who's going to be picking it up?": who does it, not whom it is for.
    "doer_person": _b(
        "My {relation}, {name}.", "That'll be my {relation}, {name}.", terse=("My {relation}, {name}.",)
    ),
    "doer_relation": _b("My {relation}.", "That'll be my {relation}.", terse=("My {relation}.",)),
    "doer_me": _b("I will.", "That'll be me.", "Me, I'll be there.", terse=("Me.",)),

    "for_them": _b("It's for my {relation}.", "For my {relation}.", "Someone else, my {relation}."),
    "heard_wrong": _b(
        "No — {wanted}, please.", "No, I said {wanted}.", terse=("No — {wanted}.", "No, {wanted}."),
        answer="no"
    ),
    "prefer_named": _b(
        "Yes, {named}, if possible.", "{Named}, please.", "I'd like {named}.", terse=("{Named}.",)
    ),
    "prefer_anyone": _b(
        "No preference, whoever is available is fine.", "No, whoever's available is fine.",
        "Not really, anyone is fine.",
        terse=("No preference.", "Whoever's available.", "Anyone."),
    ),
    "prefer_anything": _b(
        "No preference, whatever's available is fine.", "No, anything is fine.",
        "Not really, whatever works.",
        terse=("No preference.", "Anything.", "Whatever works."),
    ),
    "prefer_location": _b(
        "Whichever location is closest is fine.", "No preference, any location works.",
        terse=("Closest location.", "Any location."),
    ),
    # --- answers from the goal ----------------------------------------------------------------------------
    "size": _b("{Size}, please.", "A {size}.", "{Size}.", "Make it a {size}.", terse=("{Size}.",
    "A {size}.")),
    "count": _b("Just {count}.", "{Count}, please.", "{Count}.", terse=("{Count}.", "Just {count}.")),
    "day": _b("{Day}.", "{Day}, please.", "{Day} would be great.", terse=("{Day}.",)),
    "dates": _b("{When}.", "I'm looking at {when}.", "It would be {when}.", terse=("{When}.",)),
    "when": _b(
        "{When}, if possible.", "{When} would be best.", "Ideally {when}.", terse=("{When}.",
        "Ideally {when}.")
    ),
    "soonest": _b(
        "Whatever's earliest works for me.", "As soon as possible, please.",
        "The first opening you have is fine.",
        terse=("Earliest.", "As soon as possible.", "First opening."),
    ),
    "item": _b(
        "{Item}, please.", "It's for {item}.", "I'm after {item}.", terse=("{Item}.", "For {item}.")
    ),
    "which": _b("{Phrase}.", "It's {phrase}.", "Just {phrase}.", terse=("{Phrase}.",)),
    "it_was": _b("It was {value}.", terse=("{Value}.",)),
    "amount": _b("It was {value}.", "{Value}.", terse=("{Value}.",)),
    "merchant": _b("{Value}.", "It's {value}.", terse=("{Value}.",)),
    "date_was": _b("{Value}.", "It was {value}.", terse=("{Value}.",)),
    "for_thing": _b("{Article} {thing}.", "It's for my {thing}.", terse=("{Article} {thing}.",)),
    "sentence": _b("{Text}."),  # a sentence the responder composed from the goal's own words
    "bag": _b("A {color} {kind}, {brand}.", "It's a {color} {brand} {kind}.",
    terse=("{Color} {kind}, {brand}.",)),
    "vehicle": _b("It's a {vehicle}.", terse=("{Vehicle}.",)),
    "mileage": _b(
        "Not exactly — around {miles} miles, I think.", "Roughly {miles} miles, I'd say.",
        terse=("Around {miles} miles.", "Roughly {miles}."),
    ),
    "deliver_home": _b("To {place}, {address}.", "{Place}, please: {address}.", terse=("{Address}.",)),
    "deliver_to": _b("To {place}, please.", "{Place}, please.", terse=("To {place}.", "{Place}.")),
    # --- corrections ---------------------------------------------------------------------------------------
    "fix": _b(
        "No — {phrase}.", "No, that should be {phrase}.", "Not quite — it's {phrase}.",
        terse=("No — {phrase}.", "No, {phrase}."), answer="no",
    ),
    "fix_facts": _b(
        "No — {fixes}.", "No, that's not right: {fixes}.", terse=("No — {fixes}.",), answer="no"
    ),
    "fix_number": _b(
        "No, that's not right. It's {value}.", "No, sorry — it's {value}.", terse=("No, it's {value}.",),
        answer="no",
    ),
    "fix_value": _b(
        "No, that's not right. It's {value}.", "No, sorry — it's {value}.", "No, that should be {value}.",
        terse=("No, it's {value}.", "No — {value}."),
        answer="no",
    ),
    "fix_day": _b("No, not {day} — I need to move it to another day.", answer="no"),
    "fix_name": _b("No, it's {name}: {spelled}.", answer="no"),
}  # fmt: skip
