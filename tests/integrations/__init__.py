"""Tests of the integrations: the Slack bot."""
