"""The free-text parts of a request: a render's description, a revision's instruction, a fact.

What is left once the command words and ids are taken out is passed on in the person's own
words; only a fact is rearranged, into the "Subject: statement, scenes X-Y" form facts are kept in.
"""

from __future__ import annotations

import re

from agent.production import Production
from agent.slots import characters

LEAD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|right|hey|hi|now|then|and|also|great|cool|please|pls|plz|kindly|"
    r"just|quickly|yo|u|(?:can|could|would|will) (?:you|u|ya)|would you mind|i(?:'d| would) like|"
    r"i want|i need|we need|let'?s(?: see| get| have)?|go ahead and|"
    r"(?:can|could|may) (?:i|we) (?:please )?(?:get|have|grab)|give me|get me|show me|"
    r"make me|draw me|do me|whip up|mock up|"
    r"board out|frame up)\b[,!.]?\s*)+",
    re.I,
)
RENDER_WORDS = re.compile(
    r"^\W*(?:re-?render|render|rendr|draw|sketch|storyboard|generate|make|create|previ[sz]|"
    r"visuali[sz]e|shoot|do|draft|picture)?\s*(?:me\s+)?"
    r"(?:(?:a couple of|a pair of|a few|a|an|one|two|three|four|five|six|seven|eight|some|\d+)\s+)?"
    r"(?:more\s+|new\s+|quick\s+|fresh\s+|rough\s+)?"
    r"(?:frames?|images?|takes?|options?|pictures?|stills?|boards?|shots?|versions?|"
    r"variations?|angles?|previ[sz])?\s*(?:of|for|from)?\s*",
    re.I,
)
REFERENCE = re.compile(
    r"\b(?:(?:of|for|in|on|from|to)\s+)?(?:the\s+)?(?:shot|version)?\s*"
    r"(?:\b\d{1,4}[a-z]{1,3}(?:-[a-z]{1,3})?\b|\bv\d{1,9}\b)",
    re.I,
)
NAMED_SCENE = re.compile(
    r"(?i)\b(?:(?:of|for|in|from)\s+)?the (?:[a-z'-]+ ){1,3}scene\b|"
    r"\b(?:(?:of|for|in|from)\s+)?the (?:first|last|opening|final|closing) scene\b"
)
"""A scene named by place or position: the scene slot, not what the frame should show."""
SCENE_REF = re.compile(
    r"\b(?:(?:of|for|in|from)\s+)?(?:scenes?|sc\.?)\s*#?\s*\d{1,4}[a-z]?\b", re.I
)
FACT_LEAD = re.compile(
    r"^\W*(?:please\s+)?(?:(?:log a (?:continuity )?(?:fact|note)|note for continuity|"
    r"make a note|add a (?:continuity )?(?:fact|note)|continuity note|for continuity|"
    r"note down|store this|remember this|jot down|keep in mind|heads up|fyi|"
    r"remember|note|record|log|store)"
    r"(?:\s+(?:that|this))?\s*[:,-]?\s*)+",
    re.I,
)
TO_THE_END = re.compile(
    r"\b(?:from\s+)?scene\s+(\d{1,4}[a-z]?)\s*(?:to the end|onwards?|on|and after|till the end)\b",
    re.I,
)
SCOPE = re.compile(
    r",?\s*\b(?:in\s+|from\s+)?(?:scenes?\s+\d{1,4}[a-z]?"
    r"(?:\s*(?:-|–|—|to|through|thru)\s*(?:scene\s+)?\d{1,4}[a-z]?)?)\b",
    re.I,
)
VERB = re.compile(
    r"\b(?:is|are|has|have|wears|wear|carries|carry|was|were|never|always|stays|"
    r"keeps|holds|limps|bleeds|looks|sits|stands)\b",
    re.I,
)


def render_prompt(text: str) -> str | None:
    """What a render should show, in the person's words, or None when only the scene is named."""
    words = " ".join(text.split()).rstrip("?.! ")
    scene = SCENE_REF.search(words)
    after = words[scene.end() :] if scene else ""
    after = re.sub(
        r"^[\s,:;.?!-]*(?:for (?:me|us)\b[\s,:;.?!-]*)?(?:with|of|showing|where|:)?\s*", "", after
    )
    after = re.sub(r"\b(?:please|pls|plz|thanks?)\b", "", after, flags=re.I)
    after = " ".join(after.split()).strip(" ,.")
    if _describes(after):
        return after
    before = words[: scene.start()] if scene else words
    before = NAMED_SCENE.sub(" ", before)
    before = REFERENCE.sub(" ", before)
    before = _strip_lead(before)
    before = re.sub(
        r"\b(?:please|pls|plz|thanks?|for|of|in|from)\s*$", "", before.strip(" ,."), flags=re.I
    )
    before = before.strip(" ,.")
    return before if _describes(before) else None


def _strip_lead(text: str) -> str:
    """The text without its leading greetings, politeness and render words, spaces collapsed.

    Taking out a named scene or shot can bare more request words ("could u do [the harbour
    scene] at night"), so the lead is taken off until nothing more goes.
    """
    text = " ".join(text.split())
    while True:
        shorter = " ".join(RENDER_WORDS.sub("", LEAD.sub("", text), count=1).split())
        shorter = re.sub(r"^\W*(?:please|pls|plz|for me)\b\W*", "", shorter, flags=re.I)
        if shorter == text:
            return text
        text = shorter


def _describes(text: str) -> bool:
    """Whether a leftover says what to show, beyond framing and counting words."""
    rest = re.sub(
        r"(?i)\b(?:one|two|a|an|and|the|of|on|wide|close|close-up|closeup|medium|tight|shot|angle|"
        r"low|high|over|shoulder|two-shot|ots)\b",
        "",
        text,
    )
    return bool(re.search(r"[a-z]{3}", rest, re.I))


def instruction(text: str) -> str:
    """What a revision should change: after a colon, else the request without its target."""
    words = " ".join(text.split())
    if re.match(r"^\s*(?:revise\s+)?(?:shot\s+|version\s+)?\S+\s*[:,]\s*\S", words) and (
        REFERENCE.match(words.split(":")[0].split(",")[0].strip())
    ):
        return re.split(r"[:,]", words, maxsplit=1)[1].strip()
    cleaned = LEAD.sub("", words)
    cleaned = re.sub(r"^(?:revise|edit|tweak|redo|change|do)\s+", "", cleaned, flags=re.I)
    cleaned = LEAD.sub("", REFERENCE.sub(" ", cleaned).strip(" ,.:"))
    cleaned = REFERENCE.sub("", cleaned)
    cleaned = re.sub(
        r"^\s*(?:same(?: again| thing)?|again)\s*(?:,|but)?\s*", "", cleaned, flags=re.I
    )
    cleaned = re.sub(r"(?i)[\s,]+(?:please|pls|plz|thanks?)\W*$", "", cleaned)
    cleaned = re.sub(r"\s+(?:so|to)\s*$", "", cleaned.strip(" ,.:"))
    cleaned = re.sub(r"^(?:so|to)\s+", "", cleaned.strip(" ,.:"))
    return " ".join(cleaned.split()).strip(" ,.:?!") or words


def fact_text(text: str, production: Production) -> str:
    """A stated fact as "Subject: statement, scenes X-Y", its scope moved to the end."""
    words = " ".join(text.split()).rstrip(" .!")
    words = FACT_LEAD.sub("", words).strip()
    numbers = production.scene_numbers
    if numbers and (to_end := TO_THE_END.search(words)):
        words = (
            words[: to_end.start()]
            + f" scenes {to_end.group(1)}-{numbers[-1]}"
            + words[to_end.end() :]
        )
    scope = None
    for match in SCOPE.finditer(words):
        scope = match
    where = ""
    if scope is not None:
        where = re.sub(r"^,?\s*(?:in|from)\s+", "", scope.group(0).strip(" ,"), flags=re.I)
        where = re.sub(r"\b(?:to|through|thru)\b", "-", where).replace(" ", " ")
        where = re.sub(r"\s*-\s*(?:scene\s+)?", "-", where)
        where = re.sub(r"^scene (\d+[a-z]?)-", r"scenes \1-", where, flags=re.I)
        words = (words[: scope.start()] + words[scope.end() :]).strip(" ,")
    if ":" in words:
        subject, _, statement = words.partition(":")
    else:
        subject, statement = _split(words, production)
    statement = statement.strip(" ,")
    fact = f"{subject.strip()}: {statement}" if subject.strip() else statement
    return f"{fact}, {where}" if where else fact


def _split(words: str, production: Production) -> tuple[str, str]:
    """Subject and statement of "Mara has a bandage" / "Mara's cap is grey" / "the boat is red"."""
    cast = characters(words, production)
    if cast:
        said = next(
            (
                s
                for s, name in sorted(production.cast.items(), key=lambda i: -len(i[0]))
                if name == cast[0] and re.match(rf"\W*{re.escape(s)}\b", words, re.I)
            ),
            None,
        )
        if said is not None:
            name = cast[0].title() if said == cast[0].lower() else words[: len(said)].strip()
            rest = words[len(said) :]
            return name, re.sub(r"^'s\b", "", rest).strip()
    verb = VERB.search(words)
    if verb is None or verb.start() == 0:
        return "", words
    subject = re.sub(
        r"^(?:the|a|an|her|his|their)\s+", "", words[: verb.start()].strip(), flags=re.I
    )
    return subject, words[verb.start() :]
