"""Tests of the HTTP API and the storyboard web page."""
