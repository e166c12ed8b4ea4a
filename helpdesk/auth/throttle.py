"""Throttling of password attempts, per account and per client IP address.

Only failed attempts count. Sign-in, re-authentication and the password
change form all check the same counters before they verify a password, so
an attacker gains no extra guesses by switching forms. The counters live in
Flask-Limiter's storage (RATELIMIT_STORAGE_URI), under keys that start with
RATELIMIT_KEY_PREFIX, with the limits LOGIN_LIMIT_PER_ACCOUNT and
LOGIN_LIMIT_PER_IP.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse

from helpdesk.extensions import limiter


def _account_key(email: str) -> str:
    # Hashed so the storage (Redis, for example) contains no email addresses.
    normalized = email.strip().casefold().encode("utf-8")
    return hashlib.sha256(normalized).hexdigest()


def _counters(email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "csrdesk"
    return [
        (
            parse(config["LOGIN_LIMIT_PER_ACCOUNT"]),
            (prefix, "password-account", _account_key(email)),
        ),
        (
            parse(config["LOGIN_LIMIT_PER_IP"]),
            (prefix, "password-ip", request.remote_addr or "unknown"),
        ),
    ]


# NOTE: the Limiter in helpdesk.extensions is one object per process, and
# its storage is the one of the app that called init_app() last. Two apps
# with different RATELIMIT_STORAGE_URI in one process share that storage.
def _is_enabled() -> bool:
    # Flask-Limiter builds no storage when RATELIMIT_ENABLED is false.
    return limiter.enabled and limiter.initialized


def retry_after_seconds(email: str) -> int | None:
    """Return how many seconds to wait before the next attempt, or None if allowed."""
    if not _is_enabled():
        return None
    strategy = limiter.limiter
    waits = []
    for item, identifiers in _counters(email):
        if not strategy.test(item, *identifiers):
            reset_at = strategy.get_window_stats(item, *identifiers).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(email: str) -> None:
    if not _is_enabled():
        return
    for item, identifiers in _counters(email):
        limiter.limiter.hit(item, *identifiers)


def forget_failures(email: str) -> None:
    """Reset the account's counter after a correct password; the IP's stays."""
    if not _is_enabled():
        return
    item, identifiers = _counters(email)[0]
    limiter.limiter.clear(item, *identifiers)
