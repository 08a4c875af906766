"""A fake Slack on 127.0.0.1 that speaks the real wire format: the Web API, recording every
call, and the signed requests Slack sends to an app.

The real `slack_sdk.WebClient` (and so Bolt) talks to it through `base_url`, so retries, error
parsing and the three steps of `files_upload_v2` are exercised. `POST /api/{method}` answers the
methods Frameline uses; the upload URLs it hands out and `response_url`s point back at it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.fakes.serving import LoopbackServer

TOKEN = "xoxb-frameline-test"
TEAM_ID = "T0FRAME"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0FRAME"

Answer = tuple[int, dict[str, str], dict[str, Any] | str]
"""Status, extra headers and a JSON body (or plain text, as upload URLs answer)."""


class Call(NamedTuple):
    """One request as it arrived: the method (or `upload` / `response_url`), its parameters
    (query, form and JSON body merged), its headers and the raw body."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    body: bytes


class Fault(NamedTuple):
    """A scripted failure for the next call of a method."""

    error: str
    status: int
    retry_after: int | None


class FakeSlack(LoopbackServer):
    """A Slack Web API on a free port; use it as a context manager."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[Fault]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        super().__init__(_request_handler(self))

    @property
    def root(self) -> str:
        """The server's address, without a path."""
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The Web API base URL to give the WebClient (FRAMELINE_SLACK_API_URL)."""
        return f"{self.root}/api/"

    def response_url(self, name: str = "command") -> str:
        """A `response_url` for a slash command or interaction payload."""
        return f"{self.root}/respond/{name}"

    def add_user(self, user_id: str, name: str, *, admin: bool = False) -> None:
        """A workspace member as users.info describes them."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "is_admin": admin,
            "is_owner": False,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (or `upload`) with Slack's error JSON."""
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend([Fault(error, status, retry_after if status == 429 else None)] * times)

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method so far, oldest first."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 20.0,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) arrived; fail after timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    c for c in self.calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("text")) for c in self.calls]
                    raise AssertionError(
                        f"expected {count} call(s) of {method}, got {len(found)}; calls: {seen}"
                    )
                self._changed.wait(left)

    def posted(self, where: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """Messages as they stand now (after updates) that match, oldest first."""
        with self._lock:
            return [dict(m) for m in self.messages.values() if where(m)]

    def answer(self, verb: str, target: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Record a request and work out the answer."""
        parts = urlsplit(target)
        path = parts.path
        params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/upload/"):  # the file's bytes, whatever the content type says
            method, params["file_id"] = "upload", path.removeprefix("/upload/")
        elif path.startswith(("/api/", "/respond/")):
            method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url"
            content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type == "application/json" and raw:
                params.update(json.loads(raw))
            elif content_type == "application/x-www-form-urlencoded":
                params.update(parse_qsl(raw.decode(), keep_blank_values=True))
        else:
            return 404, {}, "not found"
        with self._changed:
            self.calls.append(Call(method, params, headers, raw))
            faults = self._faults.get(method)
            fault = faults.popleft() if faults else None
            try:
                if fault is not None:
                    wait = fault.retry_after
                    extra = {} if wait is None else {"Retry-After": str(wait)}
                    return fault.status, extra, {"ok": False, "error": fault.error}
                return self._route(method, params, headers, raw)
            finally:
                self._changed.notify_all()

    def _route(
        self, method: str, params: dict[str, Any], headers: dict[str, str], raw: bytes
    ) -> Answer:
        if method == "upload":
            if params["file_id"] not in self.uploads:
                return 404, {}, "unknown upload"
            self.uploads[params["file_id"]] = raw
            return 200, {}, f"OK - {len(raw)}"
        if method == "response_url":
            return 200, {}, "ok"
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        return 200, {}, handler(params)

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://frameline-test.slack.com/",
            "team": "Frameline Test",
            "user": "frameline",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message = {
            "type": "message",
            "channel": channel,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": params.get("text", ""),
            "blocks": _blocks(params.get("blocks")),
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel")), str(params.get("ts"))
        message = self.messages.get((channel, ts))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message["text"] = params.get("text", message["text"])
        if "blocks" in params:
            message["blocks"] = _blocks(params["blocks"])
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = b""
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(params.get("files", "[]"))
        if not files or any(not self.uploads.get(f.get("id", "")) for f in files):
            return {"ok": False, "error": "file_not_found"}
        done = [
            {"id": f["id"], "title": f.get("title"), "size": len(self.uploads[f["id"]])}
            for f in files
        ]
        return {"ok": True, "files": done}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") or not view:
            return {"ok": False, "error": "invalid_arguments"}
        view = json.loads(view) if isinstance(view, str) else view
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **view}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(params.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get((str(params.get("channel")), str(params.get("timestamp"))))
        if message is not None and params.get("name") in message.get("reactions", []):
            return {"ok": False, "error": "already_reacted"}
        if message is not None:
            message.setdefault("reactions", []).append(params.get("name"))
        return {"ok": True}


def _blocks(blocks: Any) -> list[dict[str, Any]]:
    """Blocks as Slack stores them, whether they came as JSON text or a list."""
    if not blocks:
        return []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _request_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {key: value for key, value in self.headers.items()}
            status, extra, body = fake.answer(self.command, self.path, headers, raw)
            text = body if isinstance(body, str) else json.dumps(body)
            payload = text.encode()
            self.send_response(status)
            kind = "text/plain" if isinstance(body, str) else "application/json"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read the recorded calls instead."""

    return Handler


# What Slack sends to an app: signed Events API, slash command and interactivity requests.


def signed_headers(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def event_callback(event: dict[str, Any], event_id: str | None = None) -> str:
    """An Events API delivery of one event, as JSON text."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    )


def mention(
    user: str, channel: str, text: str, ts: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """An app_mention event: `text` follows the bot's mention."""
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def slash_command(user: str, channel: str, text: str, response_url: str) -> str:
    """A `/frameline` invocation, form-encoded as Slack posts it."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "storyboard",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/frameline",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": f"{uuid.uuid4().int % 10**12}.trigger",
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    """An interactivity request: the payload JSON in the `payload` form field."""
    return urlencode({"payload": json.dumps({"team": {"id": TEAM_ID}, **payload})})


def button_press(user: str, message: dict[str, Any], action_id: str, value: str) -> str:
    """A click on a button of a message the bot posted."""
    return interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "api_app_id": APP_ID,
            "trigger_id": f"{uuid.uuid4().int % 10**12}.trigger",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": False,
                "thread_ts": message.get("thread_ts"),
            },
            "channel": {"id": message["channel"]},
            "message": message,
            "actions": [
                {"type": "button", "action_id": action_id, "value": value, "action_ts": "1.2"}
            ],
        }
    )


def view_submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> str:
    """A modal submitted with these input values ({block_id: {action_id: value}})."""
    return interaction(
        {
            "type": "view_submission",
            "user": {"id": user},
            "api_app_id": APP_ID,
            "trigger_id": f"{uuid.uuid4().int % 10**12}.trigger",
            "view": {**view, "id": "V0FORM", "state": {"values": values}},
        }
    )
