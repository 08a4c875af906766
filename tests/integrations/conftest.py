"""The Slack bot fixtures of test_slack.py, shared with the other Slack test modules."""

from tests.integrations.test_slack import bot, demo_home  # noqa: F401
