"""`/mcp` inside `serve`: the MCP server over streamable HTTP, behind the API's Bearer keys.

A request without a valid key is answered 401 before MCP sees it, as every /v1 route does; inside,
each tool call acts as the key's holder (`integrations.mcp.server.Doorway`). Stateless mode with
JSON answers: any worker process can serve any request, and no session outlives its request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

MCP_PATH = "/mcp"


class BearerGate:
    """An ASGI app that lets through requests with a valid API key and hands them to MCP."""

    def __init__(self, frameline: Any) -> None:
        self.frameline = frameline
        self.app: Any = None
        """The SDK's streamable HTTP app, made fresh on each start of the server's lifespan."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from api.problems import problem

        headers = dict(scope.get("headers") or [])
        scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not key.strip() or not self._valid(key.strip()):
            detail = "send a valid API key as 'Authorization: Bearer KEY'"
            await problem(401, "Unauthorized", detail)(scope, receive, send)
            return
        if self.app is None:
            response = problem(503, "Unavailable", "the MCP server is starting; try again")
            response.headers["Retry-After"] = "1"
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _valid(self, key: str) -> bool:
        from memory.keys import verify_key

        with self.frameline.transaction() as session:
            return verify_key(session, key) is not None


async def _serve(gate: BearerGate, frameline: Any, stop: anyio.Event) -> None:
    """Build the MCP server (its SDK takes a second or two to import) and run its session
    manager until the app stops; /mcp answers 503 until then."""
    server = await anyio.to_thread.run_sync(build_server_later, frameline)
    # Imported by the line above already, off the event loop.
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
    from mcp.server.transport_security import TransportSecuritySettings

    # Keys, not Host headers, guard this endpoint (served behind proxies under any name).
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager
    async with manager.run():
        gate.app = StreamableHTTPASGIApp(manager)
        try:
            await stop.wait()
        finally:
            gate.app = None


def build_server_later(frameline: Any) -> Any:
    """The MCP server, imported only now so that the app itself starts at once."""
    from integrations.mcp.server import build_server

    return build_server(frameline)


def install_mcp(app: FastAPI, frameline: Any) -> None:
    """Serve MCP at /mcp; the app's lifespan runs the SDK's session manager beside its own."""
    gate = BearerGate(frameline)
    app.add_route(MCP_PATH, gate, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        stop = anyio.Event()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_serve, gate, frameline, stop)
            try:
                async with original(application) as state:
                    yield state
            finally:
                stop.set()

    app.router.lifespan_context = lifespan
