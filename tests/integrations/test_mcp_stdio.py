"""`frameline mcp` as Claude Desktop starts it: a subprocess speaking MCP on stdin/stdout, driven by
the MCP SDK's own stdio client. It acts as `local` with the role `--as` names."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from frameline.demo import load_demo
from frameline.settings import Settings
from frameline.wiring import open_frameline

pytestmark = pytest.mark.slow

FRAMELINE = str(Path(sys.executable).with_name("frameline"))


def structured(result: Any) -> Any:
    """A successful tool call's structured result (MCP wraps non-object results in `result`)."""
    assert not result.is_error, result.content
    content = result.structured_content
    return content.get("result", content) if isinstance(content, dict) else content


def server(role: str) -> StdioServerParameters:
    """`frameline mcp --as ROLE` on the test's home."""
    arguments = ["mcp", "--as", role]
    return StdioServerParameters(command=FRAMELINE, args=arguments, env=dict(os.environ))


def test_stdio_server_searches_renders_and_keeps_roles(home: Path) -> None:
    with open_frameline(Settings()) as studio:
        load_demo(studio)

    async def run() -> None:
        async with Client(server("writer")) as writer:
            tools = {tool.name: tool for tool in (await writer.list_tools()).tools}
            for name in ("search_memory", "render_frames", "revise_frame", "lock_version"):
                assert "project" in tools[name].input_schema["properties"]
            hits = structured(
                await writer.call_tool("search_memory", {"project": "demo", "query": "Mara"})
            )
            assert hits[0]["score"] >= hits[-1]["score"]
            made = structured(
                await writer.call_tool("render_frames", {"project": "demo", "scene": "1"})
            )
            [version] = made["versions"]
            assert version["shot"] == "1A" and version["status"] == "draft"
            scenes = await writer.read_resource("frameline://demo/scenes")
            assert json.loads(scenes.contents[0].text)[0]["number"] == "1"
            png = await writer.read_resource(f"frameline://demo/frames/{version['version_id']}")
            assert base64.b64decode(png.contents[0].blob).startswith(b"\x89PNG")
            refused = await writer.call_tool(
                "lock_version", {"project": "demo", "version_id": version["version_id"]}
            )
            assert refused.is_error
            waiting = structured(
                await writer.call_tool(
                    "render_frames", {"project": "demo", "scene": "1", "count": 6}
                )
            )
            assert waiting["state"] == "waiting"
        async with Client(server("producer")) as producer:
            released = structured(
                await producer.call_tool(
                    "resolve_approval",
                    {
                        "project": "demo",
                        "approval_id": waiting["approval"]["approval_id"],
                        "decision": "reject",
                    },
                )
            )
            assert released["job"]["state"] == "cancelled"
        async with Client(server("admin")) as admin:
            locked = structured(
                await admin.call_tool(
                    "lock_version", {"project": "demo", "version_id": version["version_id"]}
                )
            )
            assert locked["status"] == "locked"

    anyio.run(run)
