"""`mcp`: Frameline's tools for other assistants, over MCP on stdin/stdout."""

from __future__ import annotations

from typing import Annotated

import typer

from frameline.commands.support import RoleOption, cli_actor, handles_errors, wired


@handles_errors
def mcp(role: Annotated[str, RoleOption] = "admin") -> None:
    """Serve the agent's tools over MCP (stdio) for Claude Desktop, IDE agents and the like.

    Acts as person `local` with the role given (admin by default); stdout carries MCP alone.
    """
    from integrations.mcp.server import build_server

    actor = cli_actor(role)
    with wired() as frameline:
        build_server(frameline, actor).run("stdio")


def register(app: typer.Typer) -> None:
    """Add `mcp` to the `frameline` app."""
    app.command("mcp")(mcp)
