"""The Slack bot: writers, directors and producers work with Frameline in their channels."""
