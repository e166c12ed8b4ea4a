"""Tests of helpdesk.uploads; images.py builds their inputs."""
