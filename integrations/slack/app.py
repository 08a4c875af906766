"""The Bolt app of the Frameline bot, served over HTTP (`frameline serve`) or Socket Mode
(`frameline slack`).

Listeners acknowledge in an ack function and do slow work in lazy listeners (threads). With
`process_before_response` the HTTP answer leaves as soon as the ack function has run, carrying
what it says (help, form errors), so Slack hears back within 3 seconds even while a render runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.http_retry import default_retry_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from core.errors import BackendUnavailable, InvalidInput
from integrations.slack.listeners import register_listeners
from integrations.slack.store import first_delivery
from integrations.slack.threads import Shared

LISTENER_THREADS = 8
"""Turns and renders run in these threads (the GPU work itself queues in Frameline's worker)."""
RATE_LIMIT_RETRIES = 2

logger = logging.getLogger("frameline.slack")


def build_client(settings: Any) -> WebClient:
    """The Web API client: FRAMELINE_SLACK_API_URL, and Slack's Retry-After honoured on 429."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            *default_retry_handlers(),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
        logger=logger,
    )


def build_slack_app(frameline: Any) -> App:
    """The bot for this Frameline; it checks the token with Slack (auth.test) as it starts."""
    settings = frameline.settings
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise InvalidInput(
            "the Slack bot needs FRAMELINE_SLACK_BOT_TOKEN and FRAMELINE_SLACK_SIGNING_SECRET"
        )
    try:
        app = App(
            client=build_client(settings),
            signing_secret=settings.slack_signing_secret,
            process_before_response=True,
            listener_executor=ThreadPoolExecutor(
                max_workers=LISTENER_THREADS, thread_name_prefix="frameline-slack"
            ),
            logger=logger,
            name="frameline",
        )
    except BoltError as error:
        raise BackendUnavailable(
            f"Slack at {settings.slack_api_url} did not accept FRAMELINE_SLACK_BOT_TOKEN: {error}"
        ) from None
    except OSError as error:  # urllib's URLError: Slack cannot be reached
        raise BackendUnavailable(
            f"cannot reach Slack at {settings.slack_api_url} to check the bot token: {error}"
        ) from None
    app.middleware(_carry(frameline))
    app.middleware(_skip_retries(frameline))
    register_listeners(app)
    return app


def _carry(frameline: Any) -> Callable[..., None]:
    shared = Shared(frameline)

    def carry_frameline(context: BoltContext, next: Callable[[], None]) -> None:
        """Hand the wired Frameline to every listener."""
        context["frameline"] = shared
        next()

    return carry_frameline


def _skip_retries(frameline: Any) -> Callable[..., BoltResponse | None]:
    def skip_retried_events(
        body: dict[str, Any],
        request: Any,
        next: Callable[[], None],
    ) -> BoltResponse | None:
        """Acknowledge an event Slack sends again (X-Slack-Retry-Num) without doing it twice."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not first_delivery(frameline, str(event_id)):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            logger.info("event %s arrived again (retry %s); already taken", event_id, retry)
            return BoltResponse(status=200, body="")
        next()
        return None

    return skip_retried_events
