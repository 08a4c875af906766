"""Guards on request bodies: size (413) and content type (415), checked before any handler runs."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPART_SUFFIXES = ("/scripts", "/references", "/provenance/verify")


class BodyLimits:
    """Refuse oversized bodies while they stream in, and bodies of the wrong type, on /v1."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS", "DELETE"}:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _reply(send, 413, "Content too large", self._too_large())
            return
        path: str = scope["path"]
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if path.startswith("/v1/") and (declared not in {"", "0"} or content_type):
            wanted = (
                "multipart/form-data" if path.endswith(MULTIPART_SUFFIXES) else "application/json"
            )
            if content_type != wanted:
                detail = f"this endpoint takes {wanted}, not {content_type or 'no content type'}"
                await _reply(send, 415, "Unsupported media type", detail)
                return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                started = True
                await _reply(send, 413, "Content too large", self._too_large())
                return
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited_receive, guarded_send)
        if too_large and not started:
            await _reply(send, 413, "Content too large", self._too_large())

    def _too_large(self) -> str:
        return f"the request body is over the {self.max_bytes // (1024 * 1024)} MiB upload limit"


async def _reply(send: Send, status: int, title: str, detail: str) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/problem+json")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
