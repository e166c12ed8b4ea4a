"""Checks on the `next` address that sign-in and similar forms return to."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request


def _is_control_or_space(char: str) -> bool:
    return ord(char) <= 0x20 or ord(char) == 0x7F or char.isspace()


def _is_local_path(candidate: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//"):
        return False
    # Browsers treat "\" as "/" and drop tabs and newlines inside URLs, so
    # "/\evil.test" and "/\t/evil.test" both lead to another host.
    if "\\" in candidate or any(
        ord(char) < 0x21 or ord(char) == 0x7F for char in candidate
    ):
        return False
    parts = urlsplit(candidate)
    return not parts.scheme and not parts.netloc


def safe_next_path(target: str | None) -> str | None:
    """Return TARGET when it is a path on this site, else None.

    The check runs on the value as given and once more after
    percent-decoding, so an encoded "//" or tab cannot slip through.
    Absolute URLs are rejected even when they name this host.
    """
    if not target or len(target) > 2000:
        return None
    if not _is_local_path(target) or not _is_local_path(unquote(target)):
        return None
    return target


def current_path() -> str:
    """Return the path and query string of the current request."""
    if request.query_string:
        return request.full_path
    return request.path


def same_site_referrer_path() -> str | None:
    """Return the path of the Referer header when it points at this site."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next_path(path)
