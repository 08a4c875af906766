"""Server-Sent Events: the wire form of job progress and the agent's streamed replies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi.responses import StreamingResponse


def encode(event: str, data: Any) -> str:
    """One SSE event: its name and one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, default=str, ensure_ascii=False)}\n\n"


def sse_response(events: Iterator[tuple[str, Any]]) -> StreamingResponse:
    """Stream events as they come (the generator runs in a worker thread)."""

    def body() -> Iterator[str]:
        for event, data in events:
            yield encode(event, data)

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
