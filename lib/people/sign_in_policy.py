"""How people may sign in: the administrators' single sign-on settings (SSO required for everyone,
the one break-glass administrator who keeps a password, accounts created on a first SSO sign-in).

Stored in the options table (`sso.*`), changed by administrators only (`sso.configure`), audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core import audit, options
from lib.core.errors import invalid
from lib.core.models import User, UserRole
from lib.core.permissions import Actor, holders, require, roles_can

REQUIRED_KEY = "sso.required"
BREAK_GLASS_KEY = "sso.break_glass_user_id"
CREATE_ACCOUNTS_KEY = "sso.create_accounts"


@dataclass(frozen=True)
class Policy:
    required: bool = False  # password sign-in refused, but for the break-glass account
    break_glass_id: int | None = None  # the administrator account that keeps its password
    create_accounts: bool = False  # an unknown, verified e-mail gets an employee account


def current(session: Session) -> Policy:
    """The policy in force (read at every sign-in: no permission needed)."""
    return Policy(
        required=bool(options.get(session, REQUIRED_KEY, False)),
        break_glass_id=options.get(session, BREAK_GLASS_KEY, None),
        create_accounts=bool(options.get(session, CREATE_ACCOUNTS_KEY, False)),
    )


def password_allowed(session: Session, user_id: int | None) -> bool:
    """Whether account `user_id` may sign in (or stay signed in) with its password."""
    policy = current(session)
    return not policy.required or (user_id is not None and user_id == policy.break_glass_id)


def settings(session: Session, actor: Actor) -> Policy:
    """The policy, for the administrators who may change it."""
    require(actor, "sso.configure")
    return current(session)


def break_glass_candidates(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The accounts that may be the break-glass one: active administrators with a password."""
    require(actor, "sso.configure")
    rows = session.execute(
        select(User.id, User.username)
        .join(UserRole)
        .where(User.is_active, User.password_hash.is_not(None))
        .where(UserRole.role.in_(holders("accounts.manage")))
        .distinct()
        .order_by(User.username)
    )
    return [(r.id, r.username) for r in rows]


def change(
    session: Session, actor: Actor, *, required: bool, break_glass_id: int | None, create_accounts: bool
) -> None:
    """Change the policy (administrators). Requiring SSO needs a break-glass account: an active
    administrator with a password, so that the platform can be reached if the provider fails."""
    require(actor, "sso.configure")
    if break_glass_id is not None:
        user = session.get(User, break_glass_id)
        if (
            user is None
            or not user.is_active
            or user.password_hash is None
            or not roles_can(user.roles, "accounts.manage")
        ):
            raise invalid("sso.break_glass_not_admin", "break_glass")
    elif required:
        raise invalid("sso.break_glass_required", "break_glass")
    before, after = current(session), Policy(bool(required), break_glass_id, bool(create_accounts))
    if before == after:
        return
    options.store(session, REQUIRED_KEY, after.required)
    options.store(session, BREAK_GLASS_KEY, after.break_glass_id)
    options.store(session, CREATE_ACCOUNTS_KEY, after.create_accounts)
    audit.record(session, actor, "sso.policy_changed", before=asdict(before), after=asdict(after))
