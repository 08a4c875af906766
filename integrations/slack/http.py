"""Slack over HTTP: events, interactivity and slash commands all arrive at POST /slack/events.

A request is verified before anything reads it: a forged, unsigned or stale one (more than five
minutes old) gets 401 and reaches no listener. Bolt verifies it again (its verification stays
on); this first check keeps unverified bodies away from Bolt's parser. Dispatch runs in a worker
thread, so a slow database write never holds the server's event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

EVENTS_PATH = "/slack/events"


def signed_by_slack(verifier: SignatureVerifier, body: bytes, headers: Any) -> bool:
    """The v0 HMAC-SHA256 signature of `v0:{timestamp}:{body}` holds and is under 5 minutes old."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not signature:
        return False
    return verifier.is_valid(body, timestamp, signature)


def install_slack(app: FastAPI, frameline: Any) -> App | None:
    """Serve the bot at /slack/events when its token and signing secret are set; once per app."""
    settings = frameline.settings
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        return None
    if getattr(app.state, "slack", None) is not None:
        return app.state.slack
    from integrations.slack.app import build_slack_app

    bolt = build_slack_app(frameline)
    verifier = SignatureVerifier(settings.slack_signing_secret)

    @app.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Everything Slack sends: Events API, interactivity and slash commands."""
        body = await request.body()
        if not signed_by_slack(verifier, body, request.headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        answer = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(answer)

    app.state.slack = bolt
    return bolt
