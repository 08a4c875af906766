"""Screenplay formats: the parsed form and the Fountain and Final Draft readers."""
