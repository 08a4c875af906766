"""Who is acting, what they may do, and the parts of Frameline a tool works with.

Permissions are enforced here, in the tools, so the agent, the API, Slack and the CLI all obey the
same rules whatever a prompt or a client says.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.errors import PermissionDenied
from memory.assets import AssetStore
from tools.backends.base import ImageBackend

PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"writer", "director", "producer", "admin"}),
    "render": frozenset({"writer", "director", "producer", "admin"}),
    "revise": frozenset({"writer", "director", "producer", "admin"}),
    "state_fact": frozenset({"writer", "director", "producer", "admin"}),
    "approve": frozenset({"director", "admin"}),
    "lock": frozenset({"director", "admin"}),
    "override_continuity": frozenset({"director", "admin"}),
    "approve_spend": frozenset({"producer", "admin"}),
    "import_script": frozenset({"writer", "director", "producer", "admin"}),
    "manage": frozenset({"admin"}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The person a tool acts for, with their role on the project."""

    person: str
    role: str

    def may(self, action: str) -> bool:
        """Whether this role may take the action."""
        return self.role in PERMISSIONS[action]


def require(actor: Actor, action: str, what: str = "") -> None:
    """Refuse the action, naming the roles that may take it."""
    if not actor.may(action):
        allowed = ", ".join(sorted(PERMISSIONS[action]))
        raise PermissionDenied(
            f"{actor.person} ({actor.role}) may not {what or action.replace('_', ' ')}; "
            f"that needs one of: {allowed}"
        )


class Studio(Protocol):
    """What tools need from the composition root: records, assets, a backend and settings."""

    settings: Any
    assets: AssetStore

    @property
    def vectors(self) -> Any:
        """The production's vector memory."""
        ...

    def transaction(self) -> AbstractContextManager[Session]:
        """A unit of work on the records."""
        ...

    def image_backend(self) -> ImageBackend:
        """The configured image backend, loaded once."""
        ...
