"""Word-level helpers of the offline caller: tokens, stems, synonyms, numbers, and the goal in its words.

Nothing here knows about a call; these are the small pieces of language the offline engine reasons with.
Matching is by stems and concept groups rather than exact words, so that "report a lost card" finds
"For a stolen card, press 3" and "pay my bill" finds "billing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one string: long word lists stay readable."""
    return frozenset(text.split())


_WORD = re.compile(r"[a-z0-9ñáéíóú']+")

STOPWORDS = wordset(
    """a an the and or of to for in on at by with from about into over is are was were be been being am
    i me my mine we our us you your yours it its this that these those there here as if so then than
    do does did done have has had can could would should will shall may might must please just also
    some any all other others more most very not no yes up down out off now today calling call press
    say enter option options like want wanted need needed get got help would'd i'm i'd"""
)
# "down" and "up" carry meaning in "internet is down"; keep them out of the stop list for matching.
STOPWORDS = STOPWORDS - {"down", "up", "all", "other", "new"}

# Concept groups: any member matches any other, so the goal's words meet the menu's words. A word may sit in
# several groups: "cancel" is a change to an appointment and also an account or service change. Problem
# words ("down", "slow") belong with the department that fixes them ("technical support", "repair"), but a
# product word ("internet") belongs with no department: cancelling the internet is not a technical problem.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "lost": ("lost", "lose", "stolen", "steal", "missing", "misplace", "theft", "fraud", "compromise"),
    "card": (
        "card", "debit", "credit", "atm", "lost", "stolen", "fraud", "fraudulent", "theft", "unauthorized",
        "suspicious", "activate", "activation",
    ),
    "billing": (
        "bill", "billing", "payment", "pay", "invoice", "charge", "balance", "statement", "owe", "fee",
        "overcharge", "autopay", "due", "amount", "price", "refund", "credit",
    ),
    "change": (
        "reschedule", "change", "move", "modify", "cancel", "cancellation", "existing", "switch", "rebook",
        "postpone",
    ),
    "account_change": (
        "cancel", "cancellation", "close", "disconnect", "terminate", "discontinue", "stop", "move",
        "moving", "relocate", "relocating", "transfer", "upgrade", "downgrade", "change", "modify", "switch",
        "plan", "package", "add", "remove", "start",
    ),
    "book": ("schedule", "scheduler", "book", "make", "reserve", "reservation", "booking", "appointment"),
    "income": ("income", "earn", "earns", "salary", "wage", "wages", "gross"),
    "employment": ("employed", "employment", "work", "job", "full-time", "laid", "unemployed", "employer"),
    "share": ("share", "shared", "give", "given", "gave", "disclose", "told"),
    "appointment": (
        "appointment", "visit", "checkup", "cleaning", "exam", "consultation", "physical", "schedule",
        "reschedule", "booking",
    ),
    "delivery": (
        "delivery", "deliver", "delivered", "shipping", "ship", "receive", "receiving", "incoming",
        "package", "courier",
    ),
    "pickup": ("pickup", "pick", "carryout", "takeout", "collect", "curbside"),
    "order": ("order", "buy", "purchase", "item", "shipment", "package", "track", "tracking", "delivery"),
    "returns": (
        "return", "returning", "refund", "exchange", "defective", "damaged", "wrong", "send", "back",
    ),
    "outage": ("outage", "down", "working", "broken", "offline", "dead", "restore", "fixed", "fix"),
    "technical": (
        "technical", "tech", "support", "repair", "trouble", "troubleshoot", "problem", "issue", "outage",
        "down", "slow", "working", "broken", "offline", "dead", "restore", "fix", "fixed", "error",
        "connection", "connectivity", "signal", "dropping", "stopped", "glitch",
    ),
    "refill": (
        "refill", "prescription", "medication", "medicine", "rx", "renew", "pharmacy", "pharmacist", "meds",
        "pills",
    ),
    "claim": ("claim", "claims", "accident", "damage", "damaged", "collision", "injury"),
    # Fixing what the caller already has is "service"; buying something new is "sales".
    "repair": (
        "service", "servicing", "repair", "repairs", "fix", "fixed", "broken", "maintenance", "technician",
        "tune-up", "leak", "leaking", "stopped", "oil", "tire", "tires", "rotation", "brake", "brakes",
        "alignment", "inspection", "diagnostic", "recall",
    ),
    # An applicant's questions (the application, the transcripts sent with it) are Admissions' business.
    "admissions": (
        "admission", "admissions", "apply", "applied", "application", "applicant", "transcript",
        "transcripts", "prospective", "acceptance", "decision",
    ),
    "sales": ("sales", "buy", "purchase", "quote", "estimate", "new", "shop", "pricing"),
    "status": ("status", "track", "tracking", "check", "where", "update", "progress", "find", "eta"),
    "flight": ("flight", "fly", "trip", "airline", "ticket", "itinerary", "travel"),
    "baggage": ("baggage", "luggage", "bag", "suitcase"),
    "hours": ("hours", "location", "directions", "holiday"),
    "emergency": ("emergency", "urgent", "pain"),
    "license": ("license", "licence", "licensing", "driver", "permit"),
    "registration": ("registration", "register", "vehicle", "car", "plates", "title"),
    "room": ("room", "hotel", "stay", "night", "nights", "suite", "accommodation"),
    "reservation": ("reservation", "booking", "book", "reserve", "table", "room", "party"),
    "human": ("representative", "operator", "agent", "associate", "human", "person", "someone", "staff"),
    "english": ("english", "inglés", "ingles"),
    "spanish": ("spanish", "español", "espanol", "castellano"),
    "insurance": ("insurance", "policy", "coverage", "benefits"),
    # What a business adds on to a sale: declined together when the caller wants nothing extra.
    "protection": (
        "protection", "insurance", "waiver", "excess", "warranty", "coverage", "cardguard", "guard",
    ),
    "autopay": ("autopay", "automatic", "auto-pay", "autodraft", "recurring", "paperless"),
    "navigation": ("gps", "nav", "navigation", "sat"),
    "upgrade": (
        "upgrade", "upgrades", "premium", "legroom", "extra", "bundle", "bundling", "add-on", "addon",
    ),
    "account": ("account", "profile", "login", "password"),
    "report": ("report", "notify", "tell"),
    "allergy": ("allergy", "allergies", "allergic", "reaction", "reactions"),
}  # fmt: skip

_CONCEPT_OF: dict[str, set[str]] = {}
for _concept, _members in CONCEPTS.items():
    for _member in _members:
        _CONCEPT_OF.setdefault(_member, set()).add(_concept)

NUMBER_WORDS: dict[str, str] = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "star": "*", "pound": "#", "hash": "#",
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9", "estrella": "*", "numeral": "#",
}  # fmt: skip

COUNT_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
SIZES = ("extra large", "small", "medium", "large", "regular", "family", "personal", "king", "queen", "twin")

# Groups of mutually exclusive values: a read-back that names one while the goal names another is wrong.
VALUE_GROUPS: tuple[tuple[str, ...], ...] = (
    SIZES,
    WEEKDAYS,
    ("morning", "afternoon", "evening"),
    ("delivery", "pickup", "carryout"),
    ("debit", "credit"),
    ("one", "two", "three", "four", "five", "six"),
    ("window", "aisle"),
    ("economy", "business", "first class"),
    ("thin", "thick", "deep dish", "stuffed"),
    ("checking", "savings"),
    ("infant", "toddler", "booster"),
    ("queen", "king", "double", "twin"),
)


def words(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes kept inside words ("you're")."""
    text = text.lower().replace("’", "'")
    return [w.strip("'") for w in _WORD.findall(text) if w.strip("'")]


def stem(word: str) -> str:
    """A light stem, the same for a word's forms: "changes"/"change"/"changed", "moving"/"move"."""
    w = word.lower()
    if w.startswith("cancellation"):
        return "cancel"  # the noun of the deed is the deed: "continue with the cancellation"
    if w.startswith("allerg"):
        return "allerg"  # "allergies", "allergic": one word family, whichever the business says

    if w.endswith(("ment", "ments")) and len(w) >= 7 and w not in ("comment", "comments", "segment"):
        w = w[: w.rindex("ment")]  # "postponement" is postponing, "replacement" replacing
    for suffix, keep, least in (("ies", "y", 3), ("ing", "", 3), ("ed", "", 3), ("es", "", 3), ("s", "", 3),
                                ("ly", "", 4)):  # fmt: skip
        if w.endswith(suffix) and len(w) - len(suffix) >= least and not w.endswith("ss"):
            w = w[: -len(suffix)] + keep
            doubled = len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeious"
            if suffix in ("ing", "ed") and doubled and (w[-1] != "l" or len(w) >= 7):
                w = w[:-1]  # "stopped" -> "stop", "cancelled" -> "cancel"; "billed" stays "bill"
            break
    # A silent final e differs between forms ("move"/"moving", "charge"/"charges"): drop it.
    if len(w) > 3 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    return w


def _base_forms(word: str) -> set[str]:
    """The word and the dictionary forms it may come from: "changes", "moving" -> "change", "move"."""
    forms = {word, stem(word)}
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("ling", "l"), ("led", "l")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.add(word[: -len(suffix)] + repl)
    return forms


def concepts_of(word: str) -> set[str]:
    found: set[str] = set()
    for form in _base_forms(word.lower()):
        found |= _CONCEPT_OF.get(form, set())
    return found


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Terms:
    """What a text is about: its content stems and their concept groups."""

    stems: frozenset[str]
    concepts: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Terms:
        # A "checked bag" is a kind of bag, not a check on anything: it must not pull toward "status".
        text = re.sub(r"\bchecked\s+(?=bag|luggage|suitcase)", "", text, flags=re.I)
        found = content_words(text)
        concepts: set[str] = set()
        for w in found:
            concepts |= concepts_of(w)
        # Two-word phrases that mean one thing.
        lowered = " ".join(words(text))
        for phrase, concept in (
            ("pick up", "pickup"), ("not working", "outage"), ("speak to", "human"),
            # "my bag did not arrive" is a lost bag, whatever word the menu uses for it.
            ("not arrive", "lost"), ("didn't arrive", "lost"), ("never arrive", "lost"),
            ("hasn't arrive", "lost"), ("hasn't arrived", "lost"), ("has not arrived", "lost"),
            ("came without", "lost"), ("never received", "lost"),
            ("didn't show up", "lost"), ("never showed up", "lost"),
        ):  # fmt: skip
            if phrase in lowered:
                concepts.add(concept)
        return cls(frozenset(stem(w) for w in found), frozenset(concepts))

    def overlap(self, other: Terms) -> float:
        """Shared stems count double: "reschedule" beats a mere "change"-like word."""
        return 2.0 * len(self.stems & other.stems) + len(self.concepts & other.concepts)


def has_word(text: str, *candidates: str) -> bool:
    """Any candidate (a word or a phrase) appears in text as whole words."""
    padded = " " + " ".join(words(text)) + " "
    return any(" " + " ".join(words(c)) + " " in padded for c in candidates)


def digits_in(text: str) -> str:
    return re.sub(r"\D", "", text)


def spoken_digits(digits: str, group: int = 0) -> str:
    """Digits the way a person reads them: grouped ("5501 7342") or one by one ("5-5-0-1")."""
    if group <= 0:
        return "-".join(digits)
    return " ".join(digits[i : i + group] for i in range(0, len(digits), group))


def say_phone(phone: str) -> str:
    d = digits_in(phone)
    if len(d) == 10:
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"
    return phone


def normalize_line(text: str) -> str:
    """One spacing, typographic quotes made plain, "a.m." as "am" so it does not end a sentence."""
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    # "8 to 11 a.m. To keep this appointment, ...": the period that ends the sentence stays.
    text = re.sub(r"\b([aApP])\.\s?[mM]\.(?=\s+[A-Z])", lambda m: m.group(1).lower() + "m.", text)
    text = re.sub(r"\b([aApP])\.\s?[mM]\.", lambda m: m.group(1).lower() + "m", text)
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """Sentences of an operator line; "Press 1." ends one, "$18.99" does not."""
    parts = re.split(r"(?<=[.!?])\s+|(?<=[.!?]['\"])\s+|\n+", normalize_line(text))
    return [p.strip() for p in parts if p and p.strip()]


# Everyday words of phone calls. No dictionary ships with callersim: this list, the business's and the
# goal's own words and a few spelling rules are enough to tell a garbled line from a real one.
COMMON_WORDS = STOPWORDS | wordset(
    """hello hi hey thanks thank welcome okay ok sorry pardon excuse sure right well great good fine bye
    goodbye morning afternoon evening night day days week weeks month months year years time times hour
    hours minute minutes second seconds moment today tomorrow yesterday tonight soon later now again
    what who whom whose which where when why how yes no not never always maybe perhaps only still already
    one two three four five six seven eight nine ten eleven twelve first last next number numbers digit
    digits name address phone email account card code order service services help assist support team
    customer customers caller call calls calling line lines hold wait transfer connect connecting speak
    talk tell ask asked say said hear heard listen repeat understand know think see look check find give
    take make let keep put go going come coming send sent get getting set done doing try please sir
    ma'am mr mrs ms dr miss can't don't won't didn't doesn't isn't aren't wasn't i'll you'll we'll it's
    that's there's here's what's let's i've you've we've you're we're they're he she him her his they them
    their our ours new old same different other another each every many much few little lot lots more
    less most least very really just about again also too enough else anything something nothing
    everything someone anyone everyone nobody today's menu options option press pound star key enter
    main back return returning previous following select choose option available unavailable open
    closed close store office department agent representative person problem issue question questions
    reason information info details record records system moment minute confirm confirmed correct
    incorrect wrong right ready start started end ended finish finished change changed cancel cancelled
    book booked schedule scheduled appointment reservation payment pay paid bill billing balance amount
    dollar dollars cents price cost fee total credit debit charge charged due date birth security
    verify verification identity please note recorded quality training purposes calling thank
    happy glad afraid unfortunately actually currently probably definitely exactly absolutely certainly
    here there this that these those with without within between after before during until since
    because while if unless then than so but or nor yet and also around away over under up down out
    off on in at by to from into onto upon through across along behind beside near far inside outside
    is are was were be been being am has have had having do does did will would shall should can could
    may might must need needs needed want wants wanted like likes liked love would've got gotten
    let's able unable sorry apologize apologies wait waiting holding held line mm hmm uh um oh ah
    mhm uh-huh yeah yep yup nope nah alright anyway okay fine cool perfect wonderful awesome
    street avenue road drive lane city state zip home house work office mobile cell"""
)
# Filler sounds a person makes on the line: not words, but not noise either.
FILLERS = wordset("mm mmm hmm hm mhm uh um umm er erm ah oh uh-huh mm-hmm huh")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Letter pairs no English word has: a token made of them was typed or heard as noise.
_NO_ENGLISH_PAIRS = re.compile(
    r"bx|cj|cv|cx|dx|fq|fx|fz|gq|gx|hx|jc|jf|jg|jq|js|jv|jw|jx|jz|kq|kx|mx|px|pz|q[^u]|q$|sx|vb|vf|vh|vj|"
    r"vm|vp|vq|vt|vw|vx|wx|xj|xx|zj|zq|zx|zk|kz|fk|qq|zzk"
)


def plausible_word(token: str) -> bool:
    """Whether an unknown token could be an English word (a name, a brand) by its spelling alone."""
    letters = re.sub(r"[^a-z]", "", token)
    if not letters:
        return True
    if len(letters) >= 3 and any(letters in row or letters in row[::-1] for row in _KEYBOARD_ROWS):
        return False  # "asdf", "qwer": a run along the keyboard
    if not re.search(r"[aeiouy]", letters):
        return len(letters) <= 1
    if re.search(r"(.)\1\1", letters) or re.search(r"[^aeiouy]{5,}", letters):
        return False
    return not _NO_ENGLISH_PAIRS.search(letters)
