"""The MCP server: tools that call the same `tools/` functions as the agent and every other door.

Every tool that acts on a production takes `project` (its slug); names carry their verb
(`search_memory`, `render_frames`, `lock_version` …). Roles, spend gates and approvals are the
ones `tools/` enforces: a render that needs a producer comes back as a waiting job with its
approval, released by `resolve_approval` from someone whose role may decide. Resources give
scenes and shots as JSON and frames as PNG under `frameline://{project}/…`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from core.errors import FramelineError, NotFound, PermissionDenied
from integrations.mcp.reading import scenes_json, shots_json, version_of
from integrations.mcp.resources import add_resources
from tools.context import Actor

T = TypeVar("T")

INSTRUCTIONS = (
    "Frameline is a film pre-production assistant. Every tool takes `project`, the production's "
    "slug (list_projects shows them). Renders that need a producer's approval return a waiting "
    "job and an approval id; a producer or admin releases it with resolve_approval."
)
Project = Annotated[str, Field(min_length=1, max_length=64, description="Production slug.")]
SceneNumber = Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$")]
ShotCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{0,30}$")]
VersionId = Annotated[str, Field(pattern=r"^[vV][0-9]{1,18}$", description="Like v7.")]


class Doorway:
    """Who acts and on which studio: the stdio person, or each HTTP request's key holder."""

    def __init__(self, studio: Any, actor: Actor | None) -> None:
        self.studio = studio
        self.actor = actor

    def caller(self, ctx: Context | None, project: str | None = None) -> Actor:
        """The actor behind this call; a key of another project does not see this one."""
        if self.actor is not None:
            return self.actor  # stdio: the person who started `frameline mcp`
        headers: Mapping[str, str] = {}
        if ctx is not None:
            try:
                headers = ctx.headers or {}
            except ValueError:
                headers = {}
        from memory.keys import verify_key

        scheme, _, key = (headers.get("authorization") or "").partition(" ")
        holder = None
        if scheme.lower() == "bearer" and key.strip():
            with self.studio.transaction() as session:
                holder = verify_key(session, key.strip())
        if holder is None:
            raise PermissionDenied("the API key is not valid or was revoked")
        if project is not None and holder.project not in (None, project):
            raise NotFound(f"no project {project!r}")
        return Actor(holder.person, holder.role)

    async def run(self, ctx: Context, project: str | None, work: Callable[[Actor], T]) -> T:
        """Run a tools/ function as the caller, off the event loop; errors become tool errors."""
        try:
            return await anyio.to_thread.run_sync(lambda: work(self.caller(ctx, project)))
        except FramelineError as error:
            raise ToolError(error.message) from error


def _run_or_wait(
    studio: Any, actor: Actor, project: str, kind: str, request: dict[str, Any]
) -> dict[str, Any]:
    """Submit through the policy; a gated job comes back waiting with its approval."""
    from tools.jobs import job_failure
    from tools.policy import submit

    submitted = submit(studio, actor, project, kind, request)
    if submitted.waiting:
        return {**submitted.to_json(), "state": "waiting"}
    done = studio.worker.run(submitted.job.job_id)
    if done.state != "done":
        raise job_failure(done)
    return {"job_id": done.job_id, "state": "done", "versions": done.result["versions"]}


def build_server(studio: Any, actor: Actor | None = None) -> MCPServer:
    """The MCP server over this studio; `actor` acts on stdio, else each request's key."""
    door = Doorway(studio, actor)
    server = MCPServer("frameline", instructions=INSTRUCTIONS)

    @server.tool()
    async def list_projects(ctx: Context) -> list[dict[str, Any]]:
        """The productions this caller may see."""

        def work(me: Actor) -> list[dict[str, Any]]:
            from sqlalchemy import select

            from memory.records import Project as ProjectRecord
            from tools.context import require

            require(me, "read", "list productions")
            with studio.transaction() as session:
                rows = session.scalars(select(ProjectRecord).order_by(ProjectRecord.slug))
                return [{"project": p.slug, "title": p.title or p.slug} for p in rows]

        return await door.run(ctx, None, work)

    @server.tool()
    async def search_memory(
        project: Project,
        query: Annotated[str, Field(min_length=1, max_length=2000)],
        ctx: Context,
        kind: Literal["scene", "character", "fact", "shot"] | None = None,
        limit: Annotated[int, Field(ge=1, le=20)] = 5,
    ) -> list[dict[str, Any]]:
        """Search the screenplay, characters, continuity facts and shots by meaning."""

        def work(me: Actor) -> list[dict[str, Any]]:
            from tools.scripts import search_memory as search

            hits = search(studio, me, project, query, [kind] if kind else None, limit)
            return [{"kind": h.kind, "id": h.id, "text": h.text, "score": h.score} for h in hits]

        return await door.run(ctx, project, work)

    @server.tool()
    async def list_scenes(project: Project, ctx: Context) -> list[dict[str, Any]]:
        """The production's scenes in script order."""
        return await door.run(ctx, project, lambda me: scenes_json(studio, me, project))

    @server.tool()
    async def list_shots(project: Project, ctx: Context) -> list[dict[str, Any]]:
        """The production's shots with their latest version."""
        return await door.run(ctx, project, lambda me: shots_json(studio, me, project))

    @server.tool()
    async def list_versions(project: Project, shot: ShotCode, ctx: Context) -> list[dict[str, Any]]:
        """A shot's versions (frames), oldest first, with status and continuity."""

        def work(me: Actor) -> list[dict[str, Any]]:
            from tools.frames import list_versions as versions

            return [v.to_json() for v in versions(studio, me, project, shot)]

        return await door.run(ctx, project, work)

    @server.tool()
    async def render_frames(
        project: Project,
        scene: SceneNumber,
        ctx: Context,
        shot: ShotCode | None = None,
        prompt: Annotated[str, Field(max_length=1000)] | None = None,
        count: Annotated[int, Field(ge=1, le=8)] = 1,
        framing: Literal["wide", "medium", "close-up", "over-the-shoulder"] = "medium",
        angle: Literal["eye-level", "low", "high"] = "eye-level",
        seed: Annotated[int, Field(ge=0, lt=2**31)] | None = None,
    ) -> dict[str, Any]:
        """Render frames of a scene; a gated render returns a waiting job and its approval."""
        request = {"scene": scene, "shot": shot, "prompt": prompt, "count": count}
        request |= {"framing": framing, "angle": angle, "seed": seed}
        request = {k: v for k, v in request.items() if v is not None}
        return await door.run(
            ctx, project, lambda me: _run_or_wait(studio, me, project, "render", request)
        )

    @server.tool()
    async def revise_frame(
        project: Project,
        version_id: VersionId,
        instruction: Annotated[str, Field(min_length=1, max_length=2000)],
        ctx: Context,
        seed: Annotated[int, Field(ge=0, lt=2**31)] | None = None,
    ) -> dict[str, Any]:
        """A child version of a frame with one thing changed; the parent stays as it was."""

        def work(me: Actor) -> dict[str, Any]:
            version_of(studio, project, version_id)
            request = {"version_id": version_id, "instruction": instruction}
            if seed is not None:
                request["seed"] = seed
            return _run_or_wait(studio, me, project, "revise", request)

        return await door.run(ctx, project, work)

    @server.tool()
    async def set_status(
        project: Project,
        version_id: VersionId,
        status: Literal["draft", "approved", "locked"],
        ctx: Context,
        override_reason: Annotated[str, Field(max_length=500)] | None = None,
    ) -> dict[str, Any]:
        """Approve, lock or return a version to draft (directors and admins)."""
        return await door.run(
            ctx,
            project,
            lambda me: _status(studio, me, project, version_id, status, override_reason),
        )

    @server.tool()
    async def lock_version(project: Project, version_id: VersionId, ctx: Context) -> dict[str, Any]:
        """Lock a version as final (approves a draft first); directors and admins."""
        return await door.run(
            ctx, project, lambda me: _status(studio, me, project, version_id, "locked", None)
        )

    @server.tool()
    async def resolve_approval(
        project: Project,
        approval_id: Annotated[str, Field(min_length=1, max_length=64)],
        decision: Literal["approve", "reject"],
        ctx: Context,
    ) -> dict[str, Any]:
        """Approve or reject a waiting render; an approved one runs and its versions return."""

        def work(me: Actor) -> dict[str, Any]:
            from tools.policy import resolve

            released = resolve(studio, me, approval_id, decision, project)
            if released is None:
                raise NotFound(
                    f"approval {approval_id} belongs to a conversation; resolve it where it was "
                    "asked (frameline approvals resolve)"
                )
            job = released.job
            if job.state == "queued":
                job = studio.worker.run(job.job_id)
            return {"approval": released.approval, "job": job.to_json()}

        return await door.run(ctx, project, work)

    @server.tool()
    async def get_character(
        project: Project, name: Annotated[str, Field(min_length=1, max_length=120)], ctx: Context
    ) -> dict[str, Any]:
        """A character's description, look and aliases, by name."""

        def work(me: Actor) -> dict[str, Any]:
            from memory.store import get_character as character
            from memory.store import get_project
            from memory.views import character_json
            from tools.context import require

            require(me, "read", "read characters")
            with studio.transaction() as session:
                return character_json(character(session, get_project(session, project), name))

        return await door.run(ctx, project, work)

    @server.tool()
    async def check_continuity(
        project: Project, version_id: VersionId, ctx: Context
    ) -> dict[str, Any]:
        """Check one frame against the continuity facts and the cast's reference faces."""

        def work(me: Actor) -> dict[str, Any]:
            from tools.context import require
            from tools.continuity import check

            require(me, "render", "check continuity")
            found = version_of(studio, project, version_id)
            report = check.check_version(studio, found.version_id)
            keys = ("version_id", "shot", "result", "summary", "open_items")
            return {key: report.get(key) for key in keys}

        return await door.run(ctx, project, work)

    @server.tool()
    async def remember_fact(
        project: Project, fact: Annotated[str, Field(min_length=1, max_length=2000)], ctx: Context
    ) -> dict[str, Any]:
        """Remember a continuity fact a person stated ("Mara's scarf is red from scene 3")."""

        def work(me: Actor) -> dict[str, Any]:
            from tools.facts import state_fact

            return state_fact(studio, me, project, fact)

        return await door.run(ctx, project, work)

    @server.tool()
    async def get_budget_status(project: Project, ctx: Context) -> dict[str, Any]:
        """The producer's budget status from the ledger (money as decimal strings)."""

        def work(me: Actor) -> dict[str, Any]:
            from tools.budget import budget_status

            return budget_status(studio, me, project)

        return await door.run(ctx, project, work)

    add_resources(server, studio, door)
    return server


def _status(
    studio: Any, actor: Actor, project: str, version_id: str, status: str, reason: str | None
) -> dict[str, Any]:
    from tools.versions import set_status as change

    current = version_of(studio, project, version_id)
    first = status == "locked" and current.status == "draft"
    return change(
        studio, actor, version_id, status, override_reason=reason, approve_first=first
    ).to_json()
