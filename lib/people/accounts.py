"""Accounts: password policy, bcrypt hashing, sign-in with stored throttling, account administration."""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import datetime, timedelta

import bcrypt
import jwt
from sqlalchemy import Engine, case, func, select, update
from sqlalchemy.orm import Session

from lib.core import audit, logs
from lib.core.db import fetch, session_scope
from lib.core.errors import Problem, ValidationError, invalid
from lib.core.models import Team, User, UserRole, utcnow
from lib.core.permissions import Actor, holders, require, require_self_or, roles_can
from lib.core.vocab import LANGUAGES, ROLES
from lib.people.sign_in_policy import password_allowed

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 128
BCRYPT_MAX_BYTES = 72
MAX_FAILED_LOGINS = 5
_LOG = logs.get("accounts")
LOCKOUT = timedelta(minutes=15)
# bcrypt work factor; only the test suite lowers it (to bcrypt's minimum, 4) for speed.
BCRYPT_ROUNDS = max(4, int(os.environ.get("PORTE_VOIX_BCRYPT_ROUNDS", "12")))
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Hash of a random password, checked when the username is unknown so that timing gives nothing away.
_DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


# --- passwords ------------------------------------------------------------------------------


def password_problems(password: str, *, username: str = "", email: str = "") -> list[Problem]:
    """Why `password` is refused (empty list if it is fine). Length only: no composition rules."""
    problems = []
    if password != password.strip():
        problems.append(Problem("password.spaces", "password"))
    if len(password) < MIN_PASSWORD_CHARS:
        problems.append(Problem("password.too_short", "password", params={"n": MIN_PASSWORD_CHARS}))
    elif len(password) > MAX_PASSWORD_CHARS:
        problems.append(Problem("password.too_long", "password", params={"n": MAX_PASSWORD_CHARS}))
    elif len(password.encode()) > BCRYPT_MAX_BYTES:
        problems.append(Problem("password.too_many_bytes", "password", params={"n": BCRYPT_MAX_BYTES}))
    lowered = password.lower()
    if username and lowered in (username.lower(), email.lower()):
        problems.append(Problem("password.is_username", "password"))
    return problems


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    encoded = password.encode()
    if hashed is None or len(encoded) > BCRYPT_MAX_BYTES:
        bcrypt.checkpw(b"x", _DUMMY_HASH.encode())
        return False
    return bcrypt.checkpw(encoded, hashed.encode())


def temporary_password() -> str:
    """A one-time password (about 96 bits) that must be changed at first sign-in."""
    return secrets.token_urlsafe(12)


# --- lookups --------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> User:
    return fetch(session, User, user_id, "error.user_not_found")


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def current_actor(
    session: Session, user_id: int, signed_in_at: datetime | None = None, *, by_password: bool = False
) -> Actor | None:
    """The person as the database has them now, or None if they no longer may act: deactivated, or,
    for a browser session that began at `signed_in_at` (naive UTC), ended since by a sign-out
    elsewhere, a password change or reset ("sessions valid after"); or, for a session opened
    `by_password`, when administrators have since required single sign-on."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if signed_in_at is not None and user.sessions_valid_after > signed_in_at:
        return None
    if by_password and not password_allowed(session, user.id):
        return None
    return Actor.of(user)


def has_accounts(session: Session) -> bool:
    return session.execute(select(func.count()).select_from(User)).scalar_one() > 0


def credentials(session: Session, username: str | None = None) -> dict:
    """The streamlit-authenticator credentials dict of every active account with a password, or
    only of `username` (what a sign-in needs: the app never loads everyone's)."""
    query = select(User.id, User.username, User.email, User.full_name, User.password_hash).where(
        User.is_active, User.password_hash.is_not(None)
    )
    if username is not None:
        query = query.where(User.username == username)
    rows = session.execute(query).all()
    roles: dict[int, list[str]] = {}
    role_rows = select(UserRole.user_id, UserRole.role)
    if username is not None:
        role_rows = role_rows.where(UserRole.user_id.in_([r.id for r in rows]))
    for user_id, role in session.execute(role_rows):
        roles.setdefault(user_id, []).append(role)
    return {
        "usernames": {
            r.username: {
                "email": r.email,
                "first_name": r.full_name,
                "last_name": "",
                "password": r.password_hash,
                "roles": sorted(roles.get(r.id, [])),
            }
            for r in rows
        }
    }


# --- sign-in --------------------------------------------------------------------------------


def sign_in(engine: Engine, username: str, password: str) -> bool:
    """Verify a sign-in attempt (the app's way): the account is read in a read transaction, the
    password hashed outside any transaction (bcrypt takes ~0.2 s and SQLite allows one writer at a
    time), then the outcome recorded in a short write transaction. Failures are counted in the
    database and lock the account for a while; a locked, inactive or unknown account is refused
    exactly like a wrong password."""
    with session_scope(engine, write=False) as session:
        user = find_user(session, username or "")
        user_id, hashed = (
            (user.id, user.password_hash) if user is not None and user.is_active else (None, None)
        )
    ok = verify_password(password or "", hashed)
    with session_scope(engine) as session:
        return record_login(session, user_id, hashed, ok)


def check_login(session: Session, username: str, password: str) -> bool:
    """`sign_in` inside a transaction the caller holds (scripts and tests; the app uses `sign_in`)."""
    user = find_user(session, username or "")
    user_id, hashed = (user.id, user.password_hash) if user is not None and user.is_active else (None, None)
    return record_login(session, user_id, hashed, verify_password(password or "", hashed))


def record_login(session: Session, user_id: int | None, hashed: str | None, password_ok: bool) -> bool:
    """Record a verified attempt on account `user_id` (None: no such active account) whose password
    hash was `hashed`; returns whether it signs in. The failure counter is updated atomically, so
    concurrent attempts are all counted. What was typed as the username is never stored: it may be a
    password typed in the wrong field."""
    now = utcnow()
    if user_id is None:
        audit.record(session, None, "login.failed", account="unknown")
        return False
    current = session.execute(
        select(User.password_hash, User.locked_until, User.is_active).where(User.id == user_id)
    ).one_or_none()
    locked = current is not None and current.locked_until is not None and current.locked_until > now
    # refused too if the account changed between the check and now (password changed, deactivated)
    ok = password_ok and current is not None and current.is_active and current.password_hash == hashed
    ok = ok and not locked
    if ok and not password_allowed(session, user_id):
        audit.record(session, None, "login.refused_sso_only", subject=user_id)
        return False
    if ok:
        session.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))
        audit.record(
            session, Actor(id=user_id, username="", roles=frozenset()), "login.success", subject=user_id
        )
        return True
    failed = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if failed >= MAX_FAILED_LOGINS:
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(locked_until=now + LOCKOUT, failed_logins=0)
            .execution_options(synchronize_session=False)
        )
        logs.on_commit(
            session,
            _LOG,
            logging.WARNING,
            "sign_in.locked",
            user_id=user_id,
            failures=failed,
            until=(now + LOCKOUT).isoformat(timespec="seconds"),
        )
    audit.record(session, None, "login.failed", subject=user_id)
    return False


COOKIE_HEADER_KEYS = frozenset({"alg", "typ"})
MAX_COOKIE_CHARS = 4096


def read_cookie(token: object, key: str, now: float) -> dict | None:
    """The claims of a remember-me cookie we could have issued ({username, exp_date}, HS256, signed
    with `key`, not expired at `now`), or None for anything else: another algorithm ("none",
    HS512...), extra header fields such as "kid", a bad signature, missing or ill-typed claims."""
    if not isinstance(token, str) or not token or len(token) > MAX_COOKIE_CHARS:
        return None
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "HS256" or set(header) - COOKIE_HEADER_KEYS:
            return None
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    username, expires = claims.get("username"), claims.get("exp_date")
    if not isinstance(username, str) or not username or len(username) > 64:
        return None
    if (
        isinstance(expires, bool)
        or not isinstance(expires, int | float)
        or not now < expires < now + 10 * 365 * 86400
    ):
        return None
    return {"username": username, "exp_date": float(expires)}


def cookie_still_valid(session: Session, username: str, issued_at) -> bool:
    """Whether a sign-in cookie issued at `issued_at` (naive UTC) may still be honoured."""
    user = find_user(session, username)
    return bool(
        user
        and user.is_active
        and issued_at >= user.sessions_valid_after
        and password_allowed(session, user.id)
    )


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every cookie issued to `user` so far."""
    user.sessions_valid_after = utcnow()


# --- account administration ------------------------------------------------------------------


def _check_identity(session: Session, username: str, email: str, full_name: str) -> list[Problem]:
    problems = []
    if not USERNAME_RE.match(username):
        problems.append(Problem("account.bad_username", "username"))
    elif find_user(session, username):
        problems.append(Problem("account.username_taken", "username", params={"username": username}))
    if not EMAIL_RE.match(email):
        problems.append(Problem("account.bad_email", "email"))
    elif session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        problems.append(Problem("account.email_taken", "email"))
    if not full_name.strip():
        problems.append(Problem("account.name_required", "full_name"))
    return problems


def _check_roles(roles) -> list[Problem]:
    roles = list(roles)
    if not roles:
        return [Problem("account.role_required", "roles")]
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        return [Problem("account.unknown_role", "roles", params={"role": ", ".join(unknown)})]
    return []


def _check_profile(session: Session, profile: dict) -> list[Problem]:
    """The organisation fields of a new account: its team belongs to its department (which it gives
    when none is chosen), its manager is an active account, its job title is at most 200 characters."""
    problems = []
    team_id = profile.get("team_id")
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None or profile.get("department_id") not in (None, team.department_id):
            problems.append(Problem("participation.error.unknown_team", "team"))
        else:
            profile["department_id"] = team.department_id
    manager_id = profile.get("manager_id")
    if manager_id is not None:
        manager = session.get(User, manager_id)
        if manager is None or not manager.is_active:
            problems.append(Problem("account.unknown_manager", "manager"))
    if len(profile.get("job_title") or "") > 200:
        problems.append(Problem("account.job_title_too_long", "job_title"))
    return problems


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    full_name: str,
    email: str,
    roles,
    password: str | None = None,
    language: str = "en",
    password_sign_in: bool = True,
    **profile,
) -> tuple[User, str | None]:
    """Create an account. Without `password`, a temporary one is generated and returned; without
    `password_sign_in` (an account made by single sign-on), it has no password at all.

    `actor` None is only accepted for the very first account (which must be an admin).
    """
    if actor is None:
        if has_accounts(session):
            raise invalid("account.first_admin_exists")
        if not roles_can(roles, "accounts.manage"):
            raise invalid("account.first_must_be_admin", "roles")
    else:
        require(actor, "accounts.manage")
    username, email = username.strip().lower(), email.strip()
    problems = _check_identity(session, username, email, full_name) + _check_roles(roles)
    problems += _check_profile(session, profile)
    if language not in LANGUAGES:
        problems.append(Problem("account.bad_language", "language"))
    temporary = None
    if password is None and password_sign_in:
        password = temporary = temporary_password()
    elif password is not None:
        problems += password_problems(password, username=username, email=email)
    if problems:
        raise ValidationError(problems)
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        language=language,
        password_hash=hash_password(password) if password is not None else None,
        must_change_password=temporary is not None,
        role_rows=[UserRole(role=r) for r in sorted(set(roles))],
        **profile,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor or Actor.of(user), "account.created", subject=user.id, roles=sorted(set(roles))
    )
    return user, temporary


def change_password(session: Session, actor: Actor, *, current: str, new: str) -> None:
    """A person changes their own password; every other session of theirs ends."""
    user = get_user(session, actor.user_id)
    if not verify_password(current, user.password_hash):
        raise invalid("password.current_wrong", "current_password")
    if current == new:
        raise invalid("password.same_as_before", "password")
    problems = password_problems(new, username=user.username, email=user.email)
    if problems:
        raise ValidationError(problems)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(session, user)
    audit.record(session, actor, "account.password_changed", subject=user.id)


def reset_password(session: Session, actor: Actor, user_id: int) -> str:
    """An admin gives someone a new temporary password; their sessions end."""
    require(actor, "accounts.manage")
    user = get_user(session, user_id)
    temporary = temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(session, user)
    audit.record(session, actor, "account.password_reset", subject=user.id)
    return temporary


def _is_admin(roles) -> bool:
    """Whether `roles` may manage accounts (the platform must always keep one such active account)."""
    return roles_can(roles, "accounts.manage")


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(User.is_active, UserRole.role.in_(holders("accounts.manage")))
    ).scalar_one()


def set_roles(session: Session, actor: Actor, user_id: int, roles) -> None:
    require(actor, "accounts.manage")
    problems = _check_roles(roles)
    if problems:
        raise ValidationError(problems)
    user = get_user(session, user_id)
    roles = sorted(set(roles))
    if _is_admin(user.roles) and not _is_admin(roles) and user.is_active and _active_admins(session) <= 1:
        raise invalid("account.last_admin", "roles")
    before = user.roles
    user.role_rows = [UserRole(role=r) for r in roles]
    audit.record(session, actor, "account.roles_changed", subject=user.id, before=before, after=roles)


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate (never delete) or reactivate an account. Deactivation ends its sessions and, unless
    the roster gave one, records today as the person's leaving date; reactivation clears it."""
    require(actor, "accounts.manage")
    user = get_user(session, user_id)
    if not active:
        if user.id == actor.id:
            raise invalid("account.cannot_deactivate_self")
        if _is_admin(user.roles) and user.is_active and _active_admins(session) <= 1:
            raise invalid("account.last_admin")
        end_sessions(session, user)
    if (
        active != user.is_active
    ):  # the leaving date keeps past periods' workforce right (lib.people.workforce)
        user.left_on = None if active else user.left_on or utcnow().date()
    user.is_active = active
    audit.record(session, actor, "account.reactivated" if active else "account.deactivated", subject=user.id)


def set_language(session: Session, actor: Actor, user_id: int, language: str) -> None:
    require_self_or(actor, user_id, "accounts.manage")
    if language not in LANGUAGES:
        raise invalid("account.bad_language", "language")
    get_user(session, user_id).language = language


ACCOUNTS_PAGE = 50  # accounts per page of the administration's list


def _account(u: User) -> dict:
    return {
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "email": u.email,
        "roles": u.roles,
        "department": u.department.name if u.department else None,
        "active": u.is_active,
        "must_change_password": u.must_change_password,
        "locked": bool(u.locked_until and u.locked_until > utcnow()),
        "created_at": u.created_at,
    }


def _matching(text: str):
    """Accounts whose username, name or e-mail contains `text`, whatever its case (all when blank)."""
    query = select(User)
    text = text.strip().lower()
    if text:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
        query = query.where(
            func.lower(User.username).like(pattern, escape="\\")
            | func.lower(User.full_name).like(pattern, escape="\\")
            | func.lower(User.email).like(pattern, escape="\\")
        )
    return query


def find_accounts(
    session: Session, actor: Actor, text: str = "", *, offset: int = 0, limit: int | None = ACCOUNTS_PAGE
) -> tuple[list[dict], int]:
    """One page of the accounts matching `text` (see `_matching`), by username, with their roles and
    state, and how many match in all: the administration pages through them in SQL, so that 10,000
    accounts are never read (nor sent to a browser) at once."""
    require(actor, "accounts.manage")
    query = _matching(text)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(User.username).offset(max(offset, 0)).limit(limit)
    return [_account(u) for u in session.scalars(page).unique()], total


def list_users(session: Session, actor: Actor) -> list[dict]:
    """Every account with its roles and state."""
    return find_accounts(session, actor, limit=None)[0]


def get_account(session: Session, actor: Actor, user_id: int) -> dict:
    """One account as `find_accounts` lists it."""
    require(actor, "accounts.manage")
    return _account(get_user(session, user_id))


def account_counts(session: Session, actor: Actor) -> tuple[int, int]:
    """How many accounts there are, and how many are active."""
    require(actor, "accounts.manage")
    total, active = session.execute(
        select(func.count(), func.coalesce(func.sum(case((User.is_active, 1), else_=0)), 0))
    ).one()
    return total, active


def manager_choices(session: Session, actor: Actor) -> dict[int, str]:
    """Active people who may be named a new account's manager: {id: "Name (username)"}."""
    require(actor, "accounts.manage")
    rows = session.execute(
        select(User.id, User.full_name, User.username).where(User.is_active).order_by(User.full_name)
    )
    return {uid: f"{name} ({username})" for uid, name, username in rows}


def sign_out(session: Session, actor: Actor) -> None:
    """End every session of the person signing out (their cookies stop being honoured)."""
    end_sessions(session, get_user(session, actor.user_id))
    audit.record(session, actor, "logout", subject=actor.id)


def profile(session: Session, actor: Actor) -> dict:
    """The signed-in person's own account details."""
    user = get_user(session, actor.user_id)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "roles": user.roles,
        "language": user.language,
        "department": user.department.name if user.department else None,
        "team": user.team.name if user.team else None,
    }
