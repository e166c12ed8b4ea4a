"""Helpers shared by the scenario, secret-scan, access-matrix and browser tests."""
