"""Request and response bodies of the HTTP API: the CLI's objects, typed for OpenAPI."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from core.names import name_problem, shot_code_problem


def _plain(what: str, *, newlines: bool = False) -> AfterValidator:
    """A field check: no control, bidirectional or invisible characters (core.names)."""

    def check(value: str) -> str:
        problem = name_problem(value, what, newlines=newlines)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _shot_code(value: str) -> str:
    problem = shot_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


PlainName = Annotated[str, _plain("a name")]
PlainText = Annotated[str, _plain("the text", newlines=True)]
ShotCode = Annotated[str, AfterValidator(_shot_code)]


class Project(BaseModel):
    """A production."""

    slug: str
    title: str
    scenes: int
    characters: int
    shots: int
    spend_account: str
    created_at: str


class Scene(BaseModel):
    """A scene of the current script, as `frameline scenes --json` prints it."""

    number: str = Field(examples=["3"])
    heading: str = Field(examples=["EXT. SALT MARSH WELLS - DUSK"])
    int_ext: str | None
    location: str | None
    time_of_day: str | None
    story_day: int
    characters: list[str]
    page_start: float
    page_end: float
    eighths: int


class Character(BaseModel):
    """A character and their look."""

    name: str
    aliases: list[str]
    description: str
    in_script: bool
    references: int


class Fact(BaseModel):
    """A continuity fact."""

    fact_id: str
    subject: str
    statement: str
    from_scene: str | None
    to_scene: str | None
    source: str
    needs_review: bool
    created_by: str
    created_at: str


class FactIn(BaseModel):
    """A fact as a person states it: 'Mara: bandage on left hand, scenes 3-10'."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, _plain("a fact")] = Field(
        min_length=3, max_length=2000, examples=["Mara: bandage on left hand, scenes 3-10"]
    )


class Version(BaseModel):
    """One frame of a shot."""

    version_id: str = Field(examples=["v12"])
    project: str
    scene: str
    shot: str = Field(examples=["3A"])
    parent_id: str | None
    image_path: str
    width: int
    height: int
    seed: int
    backend: Literal["previz", "diffusers", "bedrock"]
    status: Literal["draft", "approved", "locked"]
    stale: bool
    continuity: Literal["pass", "fail", "not_checkable", "pending"]
    model_id: str
    prompt: str
    created_by: str
    created_at: str
    notes: list[str]
    depicts: dict[str, object] | None = None


class Shot(BaseModel):
    """A shot with its latest version."""

    code: str
    scene: str
    framing: str
    angle: str
    description: str
    versions: int
    latest: Version | None


class ImportReport(BaseModel):
    """What an import changed, as `frameline ingest --json` prints it."""

    project: str
    scenes: int
    characters: list[str]
    locations: list[str]
    added: int
    changed: int
    removed: int
    stale_versions: int
    facts_to_review: int
    changed_scenes: list[str]


class RenderIn(BaseModel):
    """A render request, with `render`'s options."""

    model_config = ConfigDict(extra="forbid")
    scene: Annotated[str, _plain("the scene number")] = Field(
        min_length=1, max_length=16, examples=["3"]
    )
    shot: ShotCode | None = Field(default=None, max_length=32, examples=["3A"])
    prompt: PlainText | None = Field(default=None, max_length=4000)
    seed: int | None = Field(default=None, ge=0, lt=2**31)
    framing: Literal["wide", "medium", "close-up", "over-the-shoulder"] = "medium"
    angle: Literal["eye-level", "low", "high"] = "eye-level"
    characters: list[Annotated[PlainName, Field(min_length=1, max_length=80)]] | None = Field(
        default=None, max_length=4
    )
    width: int | None = Field(default=None, ge=64, le=4096)
    height: int | None = Field(default=None, ge=64, le=4096)
    count: int = Field(default=1, ge=1, le=8)
    candidates: int = Field(
        default=1,
        ge=1,
        le=8,
        description="Takes per frame; the best by continuity score is kept (face backends).",
    )

    @model_validator(mode="after")
    def _size_given_whole(self) -> Self:
        """A frame size is both sides or neither: one side alone has no other to pair with."""
        if (self.width is None) != (self.height is None):
            raise ValueError("give width and height together, or neither for the default size")
        return self


class ReviseIn(BaseModel):
    """A revision request, with `revise`'s options."""

    model_config = ConfigDict(extra="forbid")
    instruction: PlainText = Field(
        min_length=1, max_length=4000, examples=["make it dusk, lower the camera"]
    )
    region: (
        Annotated[list[Annotated[int, Field(ge=0, le=65536)]], Field(min_length=4, max_length=4)]
        | Annotated[PlainName, Field(max_length=40)]
        | None
    ) = Field(default=None, examples=[[0, 0, 256, 128], "sky"])
    strength: float | None = Field(default=None, gt=0, le=1)
    seed: int | None = Field(default=None, ge=0, lt=2**31)


class StatusIn(BaseModel):
    """A status change: approve or lock, with an override reason when a check failed."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["draft", "approved", "locked"]
    override_reason: PlainText | None = Field(default=None, max_length=2000)
    approve: bool = Field(
        default=False, description="With status locked: approve a draft and lock it at once."
    )


class ApprovalAsked(BaseModel):
    """What a waiting job waits for: whose decision, and why."""

    approval_id: str
    needs_role: str
    reason: str


class JobAccepted(BaseModel):
    """A queued job, or one that waits (state `waiting`) for the approval it names."""

    job_id: str
    approval: ApprovalAsked | None = None


class Job(BaseModel):
    """A job's state."""

    job_id: str
    project: str
    kind: str
    state: Literal["queued", "waiting", "running", "done", "failed", "cancelled"]
    step: int
    total_steps: int
    result: dict[str, object]
    error: str | None
    person: str
    created_at: str
    started_at: str | None
    finished_at: str | None


class QueuePlace(BaseModel):
    """A job's place in the queue; position and start are null once it ended or waits for quota."""

    job_id: str
    state: str
    position: int | None
    estimated_start: str | None


class SearchHit(BaseModel):
    """A memory search result."""

    kind: str
    id: str
    text: str
    score: float


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; `next` is the cursor of the following page."""

    items: list[T]
    next: str | None
