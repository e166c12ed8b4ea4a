"""Account state changes, each written with its audit event; the caller commits.

Audit actions written here:
  user.created, user.deactivated, user.reactivated,
  auth.login, auth.login_failed, auth.logout,
  auth.reauthenticated, auth.reauthenticate_failed,
  auth.password_changed, auth.password_change_failed.
No audit event contains a password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from helpdesk import audit
from helpdesk.auth.passwords import hash_password, needs_rehash, verify_password
from helpdesk.extensions import db
from helpdesk.models import Role, User, utcnow

# Loose on purpose: decides only whether a typed sign-in name is recorded in
# the audit log, so a password typed into the email field is not.
_EMAIL_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}$")


class FailureReason(StrEnum):
    UNKNOWN_ACCOUNT = "unknown_account"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (a reason code, not a password)
    DEACTIVATED = "deactivated"


class EmailTakenError(Exception):
    """An account with this email address already exists."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == normalize_email(email))
    )


def create_account(
    email: str,
    password: str,
    role: str,
    *,
    hosting_account_id: str | None = None,
    display_name: str = "",
    via: str,
    actor: User | None = None,
) -> User:
    """Add an account and its "user.created" event; VIA names the channel.

    Raises EmailTakenError when the email address is already used.
    """
    if find_by_email(email) is not None:
        raise EmailTakenError(email)
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        role=role,
        hosting_account_id=hosting_account_id or None,
        display_name=display_name.strip(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        target_user_id=user.id,
        details={"email": user.email, "role": role, "via": via},
    )
    return user


def sign_up_customer(
    email: str, password: str, hosting_account_id: str, display_name: str
) -> User:
    """Create a customer account from the public sign-up form and sign it in."""
    user = create_account(
        email,
        password,
        Role.CUSTOMER,
        hosting_account_id=hosting_account_id.strip(),
        display_name=display_name,
        via="sign-up",
    )
    audit.record(
        "auth.login", actor=user, details={"email": user.email, "via": "sign-up"}
    )
    return user


@dataclass(frozen=True)
class SignInCheck:
    """The outcome of a sign-in check.

    ACCOUNT is the account the email names, whether or not the password
    matched; FAILURE is None on success.
    """

    account: User | None
    failure: FailureReason | None

    @property
    def is_success(self) -> bool:
        return self.failure is None


def check_sign_in(email: str, password: str) -> SignInCheck:
    """Check an email and password pair typed at sign-in.

    The password is verified even for unknown and deactivated accounts, so
    the time taken does not tell whether an account exists.
    """
    user = find_by_email(email)
    is_correct = verify_password(user.password_hash if user else None, password)
    if user is None:
        return SignInCheck(None, FailureReason.UNKNOWN_ACCOUNT)
    if not is_correct:
        return SignInCheck(user, FailureReason.WRONG_PASSWORD)
    if not user.is_active:
        return SignInCheck(user, FailureReason.DEACTIVATED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInCheck(user, None)


def record_sign_in(user: User, remember: bool) -> None:
    audit.record(
        "auth.login", actor=user, details={"email": user.email, "remember": remember}
    )


def record_failed_sign_in(email: str, check: SignInCheck) -> None:
    """Audit a failed sign-in with the email tried, when it looks like one."""
    tried = normalize_email(email)
    audit.record(
        "auth.login_failed",
        actor=None,
        target_user_id=check.account.id if check.account else None,
        details={
            "email": tried[:254] if _EMAIL_SHAPE.match(tried) else "",
            "reason": str(check.failure),
        },
    )


def reauthenticate(user: User, password: str) -> bool:
    """Verify the signed-in user's password again and audit the outcome."""
    is_correct = verify_password(user.password_hash, password)
    action = "auth.reauthenticated" if is_correct else "auth.reauthenticate_failed"
    audit.record(action, actor=user, target_user_id=user.id)
    return is_correct


def verify_current_password(user: User, password: str) -> bool:
    """Verify the password typed on the password change form.

    A wrong password is audited as "auth.password_change_failed"; a right
    one is audited later, by change_password().
    """
    is_correct = verify_password(user.password_hash, password)
    if not is_correct:
        audit.record("auth.password_change_failed", actor=user, target_user_id=user.id)
    return is_correct


def end_all_sessions(user: User) -> None:
    """Raise the session version, which invalidates every existing session id."""
    user.session_version = User.session_version + 1
    db.session.flush()
    db.session.refresh(user, ["session_version"])


def sign_out(user: User) -> None:
    end_all_sessions(user)
    audit.record("auth.logout", actor=user, target_user_id=user.id)


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)
    audit.record("auth.password_changed", actor=user, target_user_id=user.id)


def deactivate(user: User, actor: User) -> None:
    user.is_active = False
    end_all_sessions(user)
    audit.record(
        "user.deactivated",
        actor=actor,
        target_user_id=user.id,
        details={"email": user.email},
    )


def reactivate(user: User, actor: User) -> None:
    user.is_active = True
    audit.record(
        "user.reactivated",
        actor=actor,
        target_user_id=user.id,
        details={"email": user.email},
    )
