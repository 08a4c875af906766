"""Reading a request: what it is about (its intent, by meaning) and how it is said (its speech act).

The intent comes from MiniLM, the embedder the production's memory already loaded: the request is
compared with the example bank (`agent.bank`), whose vectors are computed once per process. The
speech act — an order, a negation, a question or a hypothetical — comes from the sentence's form,
because only an order may change anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from threading import Lock

import numpy as np

from agent.bank import BANK

UNSURE = 0.42
"""Below this similarity to every example the planner says it is not sure what is asked."""

SHOT_STANDIN, VERSION_STANDIN, CAST_STANDIN = "12B", "v7", "Mara"
NOT_A_CODE = {"st", "nd", "rd", "th", "mm", "am", "pm", "s", "k", "x", "h", "m", "fps", "px", "d"}
CODE = re.compile(r"\b(\d{1,4}[a-z]{1,3}(?:-[a-z]{1,3})?)\b", re.I)
VERSION = re.compile(r"\bv(\d{1,9})\b", re.I)
RANKING = re.compile(
    r"(?i)\b(?:most|least|priciest|costliest|cheapest|dearest|biggest|top|worst)\b"
    r"|\bcost(?:s|ed|ing)? (?:us )?(?:the )?most\b|\bmoney\b.{0,12}\bgo(?:ing|es|ne)?\b"
    r"|\beating\b.{0,15}\b(?:money|budget)\b"
)
"""A scene or shot ranked rather than named: "the most expensive scene" names no scene."""
DESCRIBED_SCENE = re.compile(
    r"\bthe (?!(?:most|least|priciest|costliest|cheapest|biggest|top)\b)(?:[a-z'-]+ ){1,3}scene\b"
)

_VERBS = {
    "render": r"re-?render|rendr?|draw|sketch|storyboard|board|generate|make|create|give|mock|"
    r"previ[sz]|visuali[sz]e|frame|shoot|get|take|whip|draft|picture|do",
    "revise": r"revise|change|make|edit|fix|tweak|lower|raise|darken|brighten|add|remove|swap|"
    r"replace|push|pull|redo|shift|put|try|tighten|warm|cool|revis",
    "approve": r"approve|aprove|approv|sign|greenlight|green-light|accept|ok|okay|go-ahead|"
    r"mark|set",
    "lock": r"lock|lok|final|finali[sz]e|freeze",
    "draft": r"draft|unapprove|un-approve|revert|send|move|put|take",
    "fact": r"remember|note|log|record|store|jot|add|fact|keep in mind",
    "unlock": r"unlock|un-lock|reopen|re-open|release|take the lock off",
}
ANCHORS = {
    "render": _VERBS["render"] + r"|image|option|variation|angle|close-?up|wide|shot|still|need|"
    r"want|like|see|another|more|new|fresh|\d+ (?:frames?|takes?)",
    "revise": _VERBS["revise"] + r"|less|more|wider|tighter|closer|darker|brighter|warmer|cooler|"
    r"moodier|same|but|night|dusk|dawn|sunset|sunrise|rain|fog|snow|sky|camera|lens|angle|"
    r"instead|keep|\d+mm|should|needs?|want|left|right|foreground|background|centre|center|"
    r"close-?up|wide|low|high|take (?:\S+ )*out|get rid|lose|drop|light",
    "approve": _VERBS["approve"] + r"|thumbs|happy with|good with|works for me|go ahead",
    "lock": _VERBS["lock"],
    "unlock": _VERBS["unlock"],
    "draft": _VERBS["draft"] + r"|back",
    "fact": _VERBS["fact"] + r"|fyi|heads up|scenes? \d|from scene|onwards?|always|never",
}
"""Words of which one must appear for a request to be read as that change at all: an intent
that changes things is never taken from similarity alone."""
NEGATION = re.compile(
    r"\b(?:don'?t|do not|dont|doesn'?t|does not|never|not yet|not now|not until|hold off|"
    r"hold on|hang on|no need|shouldn'?t|should not|mustn'?t|must not|won'?t|will not|"
    r"can'?t|cannot|let'?s wait|wait (?:on|with|before|until|for)|avoid|refrain|not)\b",
    re.I,
)
STANDALONE_NEGATION = re.compile(
    r"^\W*(?:no\b|nope\b|not yet|not now|hold off|hold on|wait\b|don'?t|do not|never\b|stop\b)",
    re.I,
)
WONDER = re.compile(
    r"\b(?:should|shall|what if|suppose|supposing|imagine|would it|would we|worth|"
    r"ok to|okay to|alright to|fine to|safe to|maybe|perhaps|considering|consider|thinking of|"
    r"thinking about|wonder|do we want|is it time|ready to|or wait|or not|"
    r"(?:can|could|may) (?:we|i)\b(?!\s+(?:please\s+)?(?:get|have|grab)\b"
    r"(?!\s+\w+(?:ed|en)\b)))\b|(?<!as )\bif\b",
    re.I,
)
POLITE = re.compile(
    r"^\W*(?:(?:hey|hi|ok|okay|so|and|right|alright|cool|great|thanks|now|then|also)\b[,!.]?\s*)*"
    r"(?:(?:can|could|would|will)\s+(?:you|u|ya)\b(?:\s+please)?(?!\s+(?:tell|explain|say))|"
    r"would you mind|(?:can|could|may) (?:i|we) (?:please )?(?:get|have|grab)"
    r"(?!\s+\w+(?:ed|en)\b)|please\b|pls\b|plz\b|kindly\b|"
    r"i(?:'d| would) like|i want|i need|we need|let'?s|go ahead)",
    re.I,
)
ASKING = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay|hey|um|quick question)\b[,:]?\s*)*"
    r"(?:why|how|what|when|where|which|who|whose|did|does|do(?!\s+me\b)|has|have|had|is|are|was|were|"
    r"can|could|will|would|may|might|am)\b",
    re.I,
)
STATED = re.compile(
    r"(?<=[a-z0-9'] )(?<!\bwe )(?<!\bi )(?<!\byou )(?<!\bthey )should\b"
    r"(?= (?:be|have|look|feel|face|sit|stand|read|go)\b)"
)
"""“Mara should be on the left”: how a shot should look, stated — not “should we …?”."""
INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions|rules|prompt|above|previous)\b|"
    r"\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|\bjailbreak\b|\bact as\b",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """A request's intent with its similarity, runner-up, and how it is said."""

    intent: str
    score: float
    runner_up: str
    act: str  # "order", "negation", "ask" (look it up), "wonder" (offer it)


def canonical(text: str, shots: set[str], cast: dict[str, str]) -> str:
    """The request with ids and names replaced by the bank's stand-ins, lower case."""
    lowered = VERSION.sub(VERSION_STANDIN, text.lower())

    def code(match: re.Match[str]) -> str:
        word = match.group(1)
        letters = re.sub(r"^\d+", "", word).split("-")[0]
        return SHOT_STANDIN if word.upper() in shots or letters not in NOT_A_CODE else word

    lowered = _scene_standin(CODE.sub(code, lowered))
    for said in sorted(cast, key=len, reverse=True):
        lowered = re.sub(rf"\b{re.escape(said)}\b", CAST_STANDIN.lower(), lowered)
    return " ".join(lowered.split())


def _scene_standin(lowered: str) -> str:
    """ "the boat scene" → "scene 5": what a request does should not hang on the place named."""
    return DESCRIBED_SCENE.sub("scene 5", lowered)


class IntentBank:
    """The example bank's vectors, computed once per process, and nearest-example scoring."""

    def __init__(self) -> None:
        """Flatten the bank; vectors are computed on first use."""
        self.labels = [intent for intent, examples in BANK.items() for _ in examples]
        self.examples = [
            _scene_standin(example.lower()) for examples in BANK.values() for example in examples
        ]
        self.intents = list(BANK)
        self._index = np.array([self.intents.index(label) for label in self.labels])
        self._vectors: np.ndarray | None = None
        self._lock = Lock()

    def vectors(self) -> np.ndarray:
        """The bank embedded by the memory's MiniLM (loaded once per process, shared)."""
        with self._lock:
            if self._vectors is None:
                self._vectors = _embed(self.examples)
            return self._vectors

    def classify(self, text: str) -> tuple[str, float, str]:
        """The best intent, its score (best example, nudged by the second best) and runner-up."""
        query = _embed([text])[0]
        similarity = self.vectors() @ query
        scores = np.full(len(self.intents), -1.0)
        for position in range(len(self.intents)):
            mine = np.sort(similarity[self._index == position])[::-1]
            scores[position] = mine[0] + 0.25 * (mine[1] if len(mine) > 1 else mine[0])
        order = np.argsort(scores)[::-1]
        best, second = int(order[0]), int(order[1])
        return self.intents[best], float(scores[best] / 1.25), self.intents[second]


def _embed(texts: list[str]) -> np.ndarray:
    from memory.embeddings import embed_texts

    return np.asarray(embed_texts(texts), dtype=np.float32)


@cache
def intent_bank() -> IntentBank:
    """The process's one intent bank."""
    return IntentBank()


def speech_act(text: str, intent: str) -> str:
    """Whether the request orders, refuses, asks about, or wonders about the action."""
    lowered = text.lower().strip()
    if negated(lowered, intent):
        return "negation"
    wondering = WONDER.search(STATED.sub(" ", lowered) if intent == "revise" else lowered)
    if POLITE.search(lowered) and not wondering:
        return "order"
    if wondering:
        return "wonder"
    if ASKING.search(lowered) or lowered.endswith("?"):
        return "ask"
    return "order"


def negated(lowered: str, intent: str) -> bool:
    """A negation that governs the action: before its verb, or standing alone at the start."""
    if STANDALONE_NEGATION.search(lowered):
        return True
    verbs = _VERBS.get(intent)
    verb = re.search(rf"\b(?:{verbs})", lowered) if verbs else None
    if verb is None:
        return intent not in ("revise", "fact") and bool(NEGATION.search(lowered))
    before = lowered[: verb.start()]
    clause = re.split(r"[.;:!?]|\bbut\b|\bthen\b", before)[-1]
    return bool(NEGATION.search(clause))


def anchored(text: str, intent: str) -> bool:
    """Whether the request has a word of the change it was read as (other intents always do)."""
    anchor = ANCHORS.get(intent)
    return anchor is None or bool(re.search(rf"\b(?:{anchor})", text.lower()))


def read(text: str, shots: set[str], cast: dict[str, str]) -> Reading:
    """Intent and speech act of one request; a change without its words falls to the runner-up."""
    intent, score, runner_up = intent_bank().classify(canonical(text, shots, cast))
    if not anchored(text, intent):
        intent, runner_up = runner_up, intent
        if not anchored(text, intent):
            intent, score = "unsure", 0.0
    return Reading(intent, score, runner_up, speech_act(text, intent))
