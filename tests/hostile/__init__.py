"""Hostile-input tests: every form and route attacked with malformed input."""
