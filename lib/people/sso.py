"""Single sign-on: who a company identity token (OpenID Connect, read through Streamlit's `st.user`)
signs in as. The person is matched to their account by verified e-mail; roles stay in our database.

Refused, audited and logged: no e-mail in the token, an e-mail the provider says it has not
verified, an unknown e-mail (unless administrators let a first sign-in create an employee account),
a deactivated account, and a token issued before the account's sessions were ended (sign-out
everywhere, deactivation, password reset): that is how revocation reaches SSO sessions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.models import User
from lib.core.permissions import Actor, holders
from lib.core.vocab import BASE_ROLE, LANGUAGES
from lib.people import accounts, sign_in_policy

REQUIRED_SETTINGS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
# Who creates an account on a first sign-in (the audit trail's actor for it).
PROVISIONER = Actor(id=None, username="sso", roles=frozenset(holders("accounts.manage")))


def configured(auth_section: Mapping) -> bool:
    """Whether the `[auth]` table of secrets.toml names everything `st.login()` needs."""
    return all(auth_section.get(key) for key in REQUIRED_SETTINGS)


@dataclass(frozen=True)
class Identity:
    """What the identity token says: the e-mail, whether verified (None: the provider does not say),
    the person's name and when the token was issued (naive UTC, whole seconds)."""

    email: str
    verified: bool | None
    name: str
    issued_at: datetime | None
    language: str | None


def identity(claims: Mapping) -> Identity:
    """The identity in `claims` (the token's claims as `st.user` exposes them)."""
    verified = claims.get("email_verified")
    iat = claims.get("iat")
    locale = str(claims.get("locale") or "")[:2].lower()
    return Identity(
        email=str(claims.get("email") or "").strip(),
        verified=None if verified is None else verified is True or str(verified).lower() == "true",
        name=str(claims.get("name") or "").strip(),
        issued_at=(
            datetime.fromtimestamp(iat, UTC).replace(tzinfo=None)
            if isinstance(iat, int | float) and not isinstance(iat, bool)
            else None
        ),
        language=locale if locale in LANGUAGES else None,
    )


def session_start(issued_at: datetime) -> datetime:
    """When an SSO session counts as begun, for "sessions valid after": the end of the second its
    token was issued in. `iat` has whole seconds only, so a token issued in the second sessions were
    ended counts as issued after it (else signing straight back in would be refused)."""
    return issued_at + timedelta(seconds=1) - timedelta(microseconds=1)


@dataclass(frozen=True)
class Outcome:
    """A sign-in through the provider: the account it opens, or why it is refused (an i18n key)."""

    username: str | None = None
    name: str | None = None
    began: datetime | None = None
    refusal: str | None = None


def _refuse(session: Session, reason: str, ident: Identity, user: User | None = None) -> Outcome:
    domain = ident.email.rpartition("@")[2].lower() or None  # never the address itself
    # audited, and logged as a warning once committed (audit.WARNINGS)
    audit.record(
        session, None, "login.sso_refused", subject=user.id if user else None, reason=reason, domain=domain
    )
    return Outcome(refusal=f"sso.refused.{reason}")


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def sign_in(session: Session, claims: Mapping) -> Outcome:
    """Match the token's verified e-mail to an account and decide; the decision is audited (in the
    caller's write transaction, which must commit a refusal too)."""
    ident = identity(claims)
    if not accounts.EMAIL_RE.match(ident.email) or ident.issued_at is None:
        return _refuse(session, "no_email", ident)
    if ident.verified is False:
        return _refuse(session, "unverified", ident)
    user = find_by_email(session, ident.email)
    if user is None:
        if not sign_in_policy.current(session).create_accounts:
            return _refuse(session, "unknown", ident)
        user = _create_account(session, ident, ident.issued_at)
    if not user.is_active:
        return _refuse(session, "deactivated", ident, user)
    began = session_start(ident.issued_at)
    if user.sessions_valid_after > began:
        return _refuse(session, "ended", ident, user)
    audit.record(session, Actor.of(user), "login.sso", subject=user.id)
    return Outcome(username=user.username, name=user.full_name, began=began)


def _free_username(session: Session, email: str) -> str:
    """A username made from the e-mail's local part (`jean.dupont`, then `jean.dupont2`...)."""
    base = re.sub(r"[^a-z0-9._-]", "", email.partition("@")[0].lower()).strip("._-")[:60]
    base = base if len(base) >= 2 else "user"
    candidate, n = base, 1
    while accounts.find_user(session, candidate) is not None:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _create_account(session: Session, ident: Identity, issued_at: datetime) -> User:
    """The employee account of a person signing in for the first time (administrators' option); its
    sessions count from the token that made it."""
    user, _ = accounts.create_user(
        session,
        PROVISIONER,
        username=_free_username(session, ident.email),
        full_name=ident.name or ident.email.partition("@")[0],
        email=ident.email,
        roles=[BASE_ROLE],
        language=ident.language or "en",
        password_sign_in=False,
    )
    user.sessions_valid_after = issued_at
    return user
