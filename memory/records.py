"""The production's records: the source of truth that vectors and exports derive from.

Money never lives here as floats (later tables keep minor units or text). Versions are
append-only: no code path updates their pixels or deletes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

ROLES = ("writer", "director", "producer", "admin")
VERSION_STATUSES = ("draft", "approved", "locked")
CONTINUITY_RESULTS = ("pass", "fail", "not_checkable", "pending")


def utcnow() -> datetime:
    """Timezone-aware now, so every stored time is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and hands back aware datetimes, which SQLite alone would not."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every Frameline table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Project(Base):
    """A production: one screenplay, its cast, shots and spend."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    spend_account: Mapped[str] = mapped_column(String(32), default="5400")
    memory_revision: Mapped[int] = mapped_column(Integer, default=0)
    indexed_revision: Mapped[int] = mapped_column(Integer, default=-1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Person(Base):
    """Someone who works on productions: a CLI user, an API key holder or a Slack user."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    """A person's role on one project."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    role: Mapped[str] = mapped_column(String(16))


class Character(Base):
    """A character of the screenplay, with the look that must stay the same from shot to shot."""

    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    in_script: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    look: Mapped[str] = mapped_column(Text, default="")
    """What frames draw: gathered from the script's descriptions, or as a person set it."""
    look_edited: Mapped[bool] = mapped_column(Boolean, default=False)

    references: Mapped[list[CharacterReference]] = relationship(
        back_populates="character", order_by="CharacterReference.id"
    )


class CharacterReference(Base):
    """A reference image of a character's face, kept as a content-addressed asset."""

    __tablename__ = "character_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id"), index=True)
    asset_sha256: Mapped[str] = mapped_column(String(64))
    box: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    embedding: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    character: Mapped[Character] = relationship(back_populates="references")


class Location(Base):
    """A place the screenplay's headings name."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))


class ScriptImport(Base):
    """One import of a screenplay file, kept so a repeated import can be recognised."""

    __tablename__ = "script_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    title_page: Mapped[dict[str, Any]] = mapped_column(default=dict)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Scene(Base):
    """A scene of the current script; scenes cut by a re-import stay (removed) for their shots."""

    __tablename__ = "scenes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300))
    int_ext: Mapped[str | None] = mapped_column(String(8), default=None)
    location: Mapped[str | None] = mapped_column(String(300), default=None)
    time_of_day: Mapped[str | None] = mapped_column(String(64), default=None)
    story_day: Mapped[int] = mapped_column(Integer, default=1)
    page_start: Mapped[float] = mapped_column(Float, default=0.0)
    page_end: Mapped[float] = mapped_column(Float, default=0.0)
    eighths: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text, default="")
    text_sha256: Mapped[str] = mapped_column(String(64), default="")
    characters: Mapped[list[Any]] = mapped_column(default=list)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    contents: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Setting, props, vehicles, weather, light, resolved time of day (`SceneContents`)."""


class Shot(Base):
    """A camera set-up of a scene, coded like `12B`; its frames are versions."""

    __tablename__ = "shots"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    scene_id: Mapped[int] = mapped_column(ForeignKey("scenes.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    framing: Mapped[str] = mapped_column(String(32), default="medium")
    angle: Mapped[str] = mapped_column(String(32), default="eye-level")
    camera: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Version(Base):
    """One frame of a shot. Never overwritten, never deleted: revisions are children."""

    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    shot_id: Mapped[int] = mapped_column(ForeignKey("shots.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), default=None)
    asset_sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text, default="")
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seed: Mapped[int] = mapped_column(Integer)
    backend: Mapped[str] = mapped_column(String(16))
    model_id: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    continuity: Mapped[str] = mapped_column(String(16), default="pending")
    continuity_report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(200), default="local")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    job_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    status_history: Mapped[list[Any]] = mapped_column(default=list)
    depicts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The shot description the frame was drawn from (`Depiction.to_json()`)."""

    @property
    def version_id(self) -> str:
        """The id people type: `v` and the row number, unique across projects."""
        return f"v{self.id}"


class ContinuityFact(Base):
    """Something that must hold across scenes: from the script or stated by a person."""

    __tablename__ = "continuity_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    from_scene: Mapped[str | None] = mapped_column(String(16), default=None)
    to_scene: Mapped[str | None] = mapped_column(String(16), default=None)
    story_day: Mapped[int | None] = mapped_column(Integer, default=None)
    source: Mapped[str] = mapped_column(String(16), default="person")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(200), default="local")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def fact_id(self) -> str:
        """The id people type for a fact."""
        return f"f{self.id}"


JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class Job(Base):
    """A render or revision waiting for, running on, or finished by a worker."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    request: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    step: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[str] = mapped_column(String(200), default="local")
    role: Mapped[str] = mapped_column(String(16), default="admin")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiKey(Base):
    """An API key: stored only as its hash, for one person with one role on one project or all."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LedgerEntry(Base):
    """One cost: append-only; a correction is a reversing entry, never an edit.

    Money is kept as text (exact decimal) and as integer millionths, so SQL sums stay exact.
    """

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    scene: Mapped[str | None] = mapped_column(String(16), default=None)
    shot: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    version_id: Mapped[str | None] = mapped_column(String(24), default=None)
    person: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(String(32), index=True)
    quantity: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(24))
    rate: Mapped[str] = mapped_column(String(40))
    amount: Mapped[str] = mapped_column(String(40))
    amount_micros: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # Covers the producer's status query, so it reads the index alone (100k entries in ~40 ms).
    __table_args__ = (
        Index(
            "ix_ledger_entries_status",
            "project_id",
            "account",
            "scene",
            "shot",
            "person",
            "at",
            "amount_micros",
        ),
    )


class BudgetLine(Base):
    """A line of the production budget (top sheet or detail), imported from CSV."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("project_id", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    account: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    budget: Mapped[str] = mapped_column(String(40))
    budget_micros: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class ExternalCost(Base):
    """Actuals and commitments that happen outside Frameline, imported by CSV."""

    __tablename__ = "external_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    account: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(String(40))
    amount_micros: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Approval(Base):
    """A request that waits for a person with the right role (lock, override, spend)."""

    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    thread_id: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(64))
    needs_role: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[str] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_role: Mapped[str | None] = mapped_column(String(16), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackChannel(Base):
    """A Slack channel (or DM) linked to the project its conversations work on."""

    __tablename__ = "slack_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(64), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackEvent(Base):
    """An Events API event already taken, so a retried delivery is acknowledged but not redone."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WebSession(Base):
    """A signed-in browser: the cookie holds only a random id whose hash is kept here."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class WebChatThread(Base):
    """The web chat panel's conversation of one person on one project, kept across sign-ins."""

    __tablename__ = "web_chat_threads"
    __table_args__ = (UniqueConstraint("person_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    thread_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VersionComment(Base):
    """A note on one frame: who wrote it, in which role, when."""

    __tablename__ = "version_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    person: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def comment_id(self) -> str:
        """The id people type for a note."""
        return f"c{self.id}"


class SignInLink(Base):
    """A one-time web sign-in link for a key, kept only as a hash; spent on first use."""

    __tablename__ = "signin_links"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


Index(
    "uq_versions_one_locked_per_shot",
    Version.shot_id,
    unique=True,
    sqlite_where=text("status = 'locked'"),
    postgresql_where=text("status = 'locked'"),
)
"""A shot has at most one locked version, held by the database even against concurrent locks."""


class ConversationMember(Base):
    """A person taking part in a conversation of one project: only they may read it or post to it
    through the API (a Slack thread takes in whoever of its channel writes in it)."""

    __tablename__ = "conversation_members"
    __table_args__ = (UniqueConstraint("thread_id", "person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(200), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    person: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class BudgetRevision(Base):
    """One budget or cost-report import as it was: imports replace the current lines, and every
    earlier revision stays readable here (`frameline budget history`)."""

    __tablename__ = "budget_revisions"
    __table_args__ = (UniqueConstraint("project_id", "kind", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    total: Mapped[str] = mapped_column(String(40))
    lines: Mapped[list[Any]] = mapped_column(default=list)


class SlackFramePost(Base):
    """A Slack thread a frame was posted in: where notes on that frame are told too."""

    __tablename__ = "slack_frame_posts"
    __table_args__ = (UniqueConstraint("version_id", "channel_id", "thread_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    thread_ts: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
