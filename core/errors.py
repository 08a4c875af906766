"""The one error hierarchy of Frameline.

Every layer raises these; the API maps them to problem+json, Slack to a thread reply and the CLI
to one stderr line with an exit code. Messages are written for the person who has to act on them.
"""


class FramelineError(Exception):
    """Base of every error Frameline reports to a person."""

    exit_code = 1
    http_status = 400
    title = "Frameline error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(FramelineError):
    """The request or file cannot be used as given."""

    exit_code = 2
    http_status = 422
    title = "Invalid input"


class NotFound(FramelineError):
    """A project, scene, shot, version or other named thing does not exist."""

    exit_code = 3
    http_status = 404
    title = "Not found"


class PermissionDenied(FramelineError):
    """The person's role does not allow the action."""

    exit_code = 4
    http_status = 403
    title = "Permission denied"


class Conflict(FramelineError):
    """The action clashes with the current state (a locked version, a running server)."""

    exit_code = 5
    http_status = 409
    title = "Conflict"


class BackendUnavailable(FramelineError):
    """A model, server or device that the action needs cannot be used."""

    exit_code = 6
    http_status = 503
    title = "Backend unavailable"


class BudgetExceeded(FramelineError):
    """The spend would pass a budget or quota."""

    exit_code = 7
    http_status = 402
    title = "Budget exceeded"
