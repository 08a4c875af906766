"""Chat model providers from FRAMELINE_CHAT_MODEL, and calling them within bounds.

`offline` (the default) is the deterministic planner; `bedrock:<model-id>` is Amazon Bedrock's
Converse API (credentials from the standard AWS chain, nothing leaves the account); any other
`provider:model` goes through LangChain's `init_chat_model`. Every call is bounded in time and
retries, and each one writes one model_call entry in the project's ledger.
"""

from __future__ import annotations

import contextvars
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig

from agent.context import Context
from agent.planner import PLANNER_NAME, OfflinePlanner
from core.errors import BackendUnavailable, FramelineError, InvalidInput, PermissionDenied
from memory.store import get_project
from tools.ledger import record_model_call

READ_TIMEOUT, CONNECT_TIMEOUT, ATTEMPTS = 20, 5, 3


def load_chat_model(
    settings: Any, cast: tuple[str, ...] = (), production: Any = None
) -> tuple[BaseChatModel, str]:
    """The configured chat model and the name replies report it under.

    The offline planner also gets the production's snapshot, to fill slots from its memory."""
    spec = settings.chat_model.strip()
    if spec in ("", "offline"):
        return OfflinePlanner(cast=cast, production=production), PLANNER_NAME
    provider, _, name = spec.partition(":")
    if not name:
        raise InvalidInput(
            f"FRAMELINE_CHAT_MODEL {spec!r} must be offline, bedrock:<model-id> or provider:model"
        )
    if provider == "bedrock":
        return _bedrock(settings, name), name
    from langchain.chat_models import init_chat_model

    try:
        model = init_chat_model(name, model_provider=provider, timeout=READ_TIMEOUT, max_retries=2)
    except ImportError as error:
        raise InvalidInput(
            f"chat model provider {provider!r} needs its LangChain package installed ({error})"
        ) from None
    except ValueError as error:
        raise InvalidInput(f"FRAMELINE_CHAT_MODEL {spec!r}: {error}") from None
    return model, name


def _bedrock(settings: Any, model_id: str) -> BaseChatModel:
    """ChatBedrockConverse with bounded retries and timeouts, and the guardrail if configured."""
    from botocore.config import Config
    from langchain_aws import ChatBedrockConverse

    guardrail = None
    if settings.bedrock_guardrail_id:
        guardrail = {
            "guardrailIdentifier": settings.bedrock_guardrail_id,
            "guardrailVersion": settings.bedrock_guardrail_version or "DRAFT",
        }
    model = ChatBedrockConverse(
        model=model_id,
        region_name=settings.aws_region,
        endpoint_url=settings.bedrock_endpoint_url,
        guardrail_config=guardrail,
        config=Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
        ),
        # A streamed turn (SSE, web chat, Slack) gets the reply word by word (ConverseStream);
        # a turn run to the end (`ask`) makes one Converse call.
        disable_streaming=False,
        temperature=0,
    )
    if (model.profile or {}).get("tool_calling") is False:
        raise InvalidInput(_no_tools(model_id))
    return model


def _no_tools(model_id: str) -> str:
    return (
        f"Bedrock model {model_id} does not support tool use through the Converse API; "
        "choose one that does (Anthropic Claude, Amazon Nova, Meta Llama 3.1+, Mistral Large)"
    )


def failure(error: Exception, model: str) -> FramelineError:
    """A model error as one line a person can act on."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        HTTPClientError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in ("ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceeded"):
            return BackendUnavailable(
                f"Bedrock is throttling {model} ({code}) after {ATTEMPTS} tries; "
                "wait a minute and ask again, or raise the account's quota"
            )
        if code == "AccessDeniedException":
            return PermissionDenied(
                f"access to Bedrock model {model} is denied ({message}); enable model access "
                "for this account and region, or check the IAM policy"
            )
        if code == "ValidationException" and re.search(r"(?:n't|not) support tool", message):
            return InvalidInput(_no_tools(model))
        return BackendUnavailable(f"Bedrock answered {code} for {model}: {message}")
    if isinstance(error, NoCredentialsError):
        return BackendUnavailable("no AWS credentials found for Bedrock (standard AWS chain)")
    if isinstance(error, ReadTimeoutError):
        return BackendUnavailable(
            f"Bedrock did not answer for {model} within {READ_TIMEOUT} s, {ATTEMPTS} tries; "
            "try again"
        )
    if isinstance(error, ConnectionError | HTTPClientError):
        return BackendUnavailable(f"cannot reach the Bedrock endpoint for {model}: {error}")
    return BackendUnavailable(f"the chat model {model} failed: {type(error).__name__}: {error}")


def _within(call: Callable[[], AIMessage], seconds: float, model: str) -> AIMessage:
    """Run the call in a daemon thread so a hung endpoint cannot hold the turn past the limit."""
    answer: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
    context = contextvars.copy_context()

    def run() -> None:
        try:
            answer.put((True, context.run(call)))
        except BaseException as error:  # handed to the waiting thread
            answer.put((False, error))

    threading.Thread(target=run, name="frameline-model-call", daemon=True).start()
    try:
        ok, value = answer.get(timeout=seconds)
    except queue.Empty:
        raise BackendUnavailable(
            f"the chat model {model} did not answer within {seconds:.0f} s; try again"
        ) from None
    if not ok:
        raise value
    return value


def call_model(
    context: Context, model: Runnable[Any, Any], messages: list[BaseMessage], config: RunnableConfig
) -> AIMessage:
    """One bounded model call, recorded in the project's ledger with its token usage."""
    if context.model_name == PLANNER_NAME:
        response = model.invoke(messages, config)
    else:
        if context.clock.left < 1:
            raise BackendUnavailable(
                f"the chat model {context.model_name} used up this turn's time"
            )
        started = time.monotonic()
        try:
            response = _within(
                lambda: model.invoke(messages, config), context.clock.left, context.model_name
            )
        except FramelineError:
            raise
        except Exception as error:
            raise failure(error, context.model_name) from error
        finally:
            context.clock.left -= time.monotonic() - started
    usage = response.usage_metadata or {}
    with context.studio.transaction() as session:
        record_model_call(
            session,
            get_project(session, context.project),
            context.settings,
            person=context.person,
            model=context.model_name,
            input_tokens=int(usage.get("input_tokens", 0)),
            output_tokens=int(usage.get("output_tokens", 0)),
            thread_id=context.thread_id,
        )
    return response
