"""Tests of Frameline."""
