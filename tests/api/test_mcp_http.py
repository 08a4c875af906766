"""`/mcp` inside the real app, served by uvicorn, through the MCP SDK's own streamable HTTP client.

Each request's Bearer key says who acts: a writer's large render waits for a producer, a
producer's key releases it, a writer may not lock, and no key gets 401 before MCP answers.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.api.conftest import Keys


@pytest.fixture(scope="module")
def mcp_url(app: FastAPI, keys: Keys) -> Iterator[str]:
    """The app served on a free port for the module; its lifespan runs MCP's session manager."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/mcp"
    # /mcp answers 503 while the SDK loads in the background.
    admin = {"Authorization": f"Bearer {keys.admin}"}
    while httpx.post(url, json={}, headers=admin).status_code == 503:
        assert time.monotonic() < deadline, "/mcp did not start"
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


def session(url: str, key: str) -> Client:
    """The SDK's client over streamable HTTP, sending the key as every /v1 client does."""
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
    return Client(streamable_http_client(url, http_client=http))


def structured(result: Any) -> Any:
    """A successful tool call's structured result (MCP wraps non-object results in `result`)."""
    assert not result.is_error, result.content
    content = result.structured_content
    return content.get("result", content) if isinstance(content, dict) else content


def test_mcp_needs_a_key(mcp_url: str) -> None:
    answer = httpx.post(mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    bad = httpx.post(mcp_url, json={}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_tools_search_and_render_over_http(mcp_url: str, keys: Keys) -> None:
    async def run() -> None:
        async with session(mcp_url, keys.writer) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            assert {"search_memory", "render_frames", "set_status", "lock_version"} <= names
            hits = structured(
                await client.call_tool(
                    "search_memory", {"project": "demo", "query": "harbour barge", "limit": 3}
                )
            )
            assert hits and {"kind", "id", "text", "score"} <= set(hits[0])
            made = structured(
                await client.call_tool("render_frames", {"project": "demo", "scene": "1"})
            )
            assert made["state"] == "done"
            [version] = made["versions"]
            frame = await client.read_resource(f"frameline://demo/frames/{version['version_id']}")
            [contents] = frame.contents
            assert contents.mime_type == "image/png"
            assert base64.b64decode(contents.blob).startswith(b"\x89PNG")
            mara = structured(
                await client.call_tool("get_character", {"project": "demo", "name": "Mara"})
            )
            assert mara["name"] == "MARA"
            other = await client.call_tool("list_scenes", {"project": "other"})
            assert other.is_error and "no project 'other'" in str(other.content)

    anyio.run(run)


def test_a_refused_role_and_an_approval_that_waits(mcp_url: str, keys: Keys, frameline) -> None:
    async def run() -> None:
        async with session(mcp_url, keys.writer) as writer:
            before = structured(await writer.call_tool("list_shots", {"project": "demo"}))
            asked = structured(
                await writer.call_tool(
                    "render_frames", {"project": "demo", "scene": "2", "count": 5}
                )
            )
            assert asked["state"] == "waiting"
            approval = asked["approval"]
            assert approval["needs_role"] == "producer" and "more than 4" in approval["reason"]
            refused = await writer.call_tool(
                "resolve_approval",
                {"project": "demo", "approval_id": approval["approval_id"], "decision": "approve"},
            )
            assert refused.is_error
            shots = structured(await writer.call_tool("list_shots", {"project": "demo"}))
            assert shots == before  # nothing is drawn while it waits
            made = structured(
                await writer.call_tool("render_frames", {"project": "demo", "scene": "3"})
            )
            [version] = made["versions"]
            locked = await writer.call_tool(
                "lock_version", {"project": "demo", "version_id": version["version_id"]}
            )
            assert locked.is_error and "writer" in str(locked.content)
        async with session(mcp_url, keys.producer) as producer:
            released = structured(
                await producer.call_tool(
                    "resolve_approval",
                    {
                        "project": "demo",
                        "approval_id": approval["approval_id"],
                        "decision": "approve",
                    },
                )
            )
            assert released["approval"]["state"] == "approved"
            assert released["job"]["state"] == "done"
            assert len(released["job"]["result"]["versions"]) == 5

    anyio.run(run)
