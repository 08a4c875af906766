"""How every agent tool is wrapped: JSON results, and Frameline errors as tool errors.

A refusal (a role too low, an unknown id) goes back to the model as a tool error it can read,
never as an exception that ends the turn.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel

from core.errors import FramelineError


def frameline_tool(schema: type[BaseModel]) -> Callable[..., BaseTool]:
    """A tool whose result is JSON and whose Frameline errors reach the model as tool errors."""

    def wrap(function: Callable[..., Any]) -> BaseTool:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> str:
            try:
                return json.dumps(function(*args, **kwargs), ensure_ascii=False, default=str)
            except FramelineError as error:
                raise ToolException(error.message) from error

        return StructuredTool.from_function(
            run,
            name=function.__name__,
            description=(function.__doc__ or "").strip(),
            args_schema=schema,
            handle_tool_error=True,
        )

    return wrap
