"""The runtime context of a turn: who acts, on which project, with which model and settings.

It reaches every node and tool through LangGraph's `context_schema` and is never checkpointed,
so a resumed conversation acts with the context of the run that resumes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.context import Actor

TURN_MODEL_SECONDS = 55.0
"""How long one turn may wait on the model in all, retries included: `ask` gives up within 60 s."""


@dataclass
class ModelClock:
    """The model time a turn has left; each call takes what it used."""

    left: float = TURN_MODEL_SECONDS


@dataclass(frozen=True)
class Context:
    """Everything a turn needs that is not conversation state."""

    studio: Any
    settings: Any
    project: str
    person: str
    role: str
    thread_id: str
    model: Any
    model_name: str
    cast: tuple[str, ...] = field(default_factory=tuple)
    clock: ModelClock = field(default_factory=ModelClock)

    @property
    def actor(self) -> Actor:
        """The person the tools act for."""
        return Actor(self.person, self.role)
