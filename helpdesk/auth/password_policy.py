"""Rules a new account password must meet: length and a common-password list.

The list is the one the ZIP passphrase check uses (helpdesk/data/
common-passwords.txt), compared ignoring letter case.
"""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.csr.passphrase import is_common_password

MIN_PASSWORD_LENGTH = 12
# Argon2 hashes any length, but an unbounded field lets one request cost a
# lot of hashing work.
MAX_PASSWORD_LENGTH = 256
# Rejects "aaaaaaaaaaaa" and "abababababab", which pass the length rule.
MIN_DISTINCT_CHARACTERS = 4


def password_problem(password: str, email: str = "") -> str | None:
    """Return why PASSWORD may not be used, or None when it is acceptable.

    The message never repeats the password itself.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _(
            "The password has %(count)d characters; use at least %(minimum)d. "
            "A few unrelated words make a long password easy to remember.",
            count=len(password),
            minimum=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return _(
            "The password has %(count)d characters; use at most %(maximum)d.",
            count=len(password),
            maximum=MAX_PASSWORD_LENGTH,
        )
    folded = password.strip().casefold()
    if is_common_password(folded):
        return _(
            "This password is on the list of passwords that attackers try "
            "first. Choose a different one."
        )
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return _(
            "The password uses fewer than %(minimum)d different characters. "
            "Choose one that is less repetitive.",
            minimum=MIN_DISTINCT_CHARACTERS,
        )
    if email and email.strip().casefold() in folded:
        return _("The password contains your email address. Choose a different one.")
    return None
