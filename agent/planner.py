"""The offline planner: understands requests without a language model, and says so in every reply.

It reads a request's intent by meaning (`agent.understanding`), fills its slots from the
production's memory (`agent.slots`, `agent.phrases`) and answers with real `AIMessage.tool_calls`,
so the same graph, approvals and tools run as for a language model. Only an order changes
anything: a negation, a question or a hypothetical answers, or offers the action for a "yes".
The thread's context (what it last made or showed, what it offered) is read from the
conversation's messages, which the LangGraph checkpoint keeps across restarts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable

from agent import intents
from agent.intents import Plan
from agent.production import Production
from agent.replies import LABEL, PLANNER_NAME, SIGNATURE, reply, signed
from agent.thread import focus_of, offer_of, steps_left
from agent.understanding import INJECTION, read

__all__ = ["LABEL", "PLANNER_NAME", "SIGNATURE", "OfflinePlanner", "Plan", "plan"]

LONG = 1500
_YES = (
    r"(?:yes|yeah|yep|yup|sure|ok(?:ay)?|go ahead|go for it|do it|please do|please|confirm(?:ed)?|"
    r"absolutely|sounds good|let'?s do it|y|thanks|great)"
)
YES = re.compile(rf"^\W*{_YES}(?:[\s,.!]+{_YES})*\W*$", re.I)
NO = re.compile(
    r"^\W*(?:no|nope|nah|cancel|never ?mind|forget it|leave it|not now|not yet|hold off|don'?t|"
    r"scratch that)\b",
    re.I,
)


def plan(text: str, production: Production, history: Sequence[BaseMessage] = ()) -> Plan:
    """Understand one request in the context of its thread."""
    words = " ".join(text.split())
    if not words:
        return Plan(reply="Your message was empty. " + intents.SHORT_HELP, intent="empty")
    if len(words) > LONG:
        return Plan(
            reply=f"That message is {len(words):,} characters long; tell me in a sentence or two "
            "what you need (nothing was changed). " + intents.SHORT_HELP,
            intent="long",
        )
    if not re.search(r"[A-Za-z0-9]", words):
        return Plan(reply="I read only words, not emoji. " + intents.SHORT_HELP, intent="noise")
    if INJECTION.search(words):
        return Plan(
            reply="I only act on requests about this production, one at a time, and I changed "
            "nothing. " + intents.SHORT_HELP,
            intent="injection",
        )
    offered = offer_of(history)
    if YES.match(words):
        if offered:
            return Plan(calls=intents.fresh(offered), intent="confirm", act="order")
        return Plan(
            reply="There is nothing waiting for a yes. " + intents.SHORT_HELP, intent="confirm"
        )
    if NO.match(words) and len(words) < 40:
        return Plan(reply="All right, nothing was changed.", intent="decline")
    focus = focus_of(history)
    exact = intents.exact_form(words, production)
    if exact is not None:
        return exact
    reading = read(words, set(production.shots), production.cast)
    return intents.handle(words, reading, production, focus)


class OfflinePlanner(BaseChatModel):
    """A chat model made of an embedding model and rules; its replies say so."""

    cast: tuple[str, ...] = ()
    production: Any = None

    @property
    def _llm_type(self) -> str:
        return PLANNER_NAME

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, BaseMessage]:
        """The planner knows every tool of Frameline already; roles are checked by the tools."""
        return self

    def _production(self) -> Production:
        if isinstance(self.production, Production):
            return self.production
        return Production(project="", cast={name.lower(): name for name in self.cast})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        last = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        results = [m for m in messages[last + 1 :] if isinstance(m, ToolMessage)]
        production = self._production()
        if results:
            later = steps_left(messages[last + 1 :])
            failed = any(m.status == "error" for m in results)
            if later and not failed:
                message = _calls(intents.fresh(later[0]), later[1:])
            else:
                message = AIMessage(signed(reply(results, production.currency)))
        else:
            planned = plan(messages[last].text, production, messages[:last])
            if planned.calls:
                message = _calls(planned.calls, planned.later)
            else:
                message = AIMessage(signed(planned.reply or intents.SHORT_HELP))
                if planned.offer:
                    message.additional_kwargs["frameline"] = {"offer": planned.offer}
        message.response_metadata = {"model_name": PLANNER_NAME, "model_kind": LABEL}
        message.usage_metadata = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
        return ChatResult(generations=[ChatGeneration(message=message)])


def _calls(calls: list[dict[str, Any]], later: list[list[dict[str, Any]]]) -> AIMessage:
    message = AIMessage("", tool_calls=calls)
    if later:
        message.additional_kwargs["frameline"] = {"later": later}
    return message
