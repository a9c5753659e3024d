"""The permission table: every named action and the roles that may perform it.

This is the one place that says who may do what. Services call `require(actor, action)` before
anything else; screens (lib/core/screens.py) name the action that opens them; pages ask `can(...)`
before showing a section. No other production module writes a role name by hand (a test checks).

The rule behind the table (decided once, for every action):
- `employee` is the ambassador: trains, logs contributions, reports signals, reads the content library.
- `hr` runs the programme: training assignments and certification policy, participation follow-up,
  the organisation, the content library, recognition and post-checker settings. HR also trains.
- `executive` reads the leadership overview and every customer signal.
- `admin` keeps the platform: accounts and roles, audit trail, erasure, rates. The admin also stands
  in for HR on every HR action (so a company without an HR account can still run the programme);
  before this table, Training's HR actions were HR-only while Participation's allowed HR or admin —
  they now all follow this one rule. The admin does not train (that needs the employee or hr role).
- Roles combine: someone holding several roles may do what any of them may.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lib.core.errors import NotFound, PermissionDenied
from lib.core.vocab import ROLES

EVERYONE = ROLES
_EMPLOYEE, _HR, _EXECUTIVE, _ADMIN = ROLES
_HR_WORK = (_HR, _ADMIN)

# action -> the roles allowed to perform it.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Training (learner side, then HR side)
    "training.learn": (_EMPLOYEE, _HR),  # modules, quiz, guidelines, own certificate
    "training.assign": _HR_WORK,  # assign / withdraw modules, follow assignments, review attempts
    "training.configure": _HR_WORK,  # how long a certificate stays valid
    # Contributions and recognition
    "contributions.log": (_EMPLOYEE,),  # log, edit, import and export one's own contributions
    "contributions.review": _HR_WORK,  # the review queue of implausible figures: approve, correct, reject
    "analytics.import_for_others": _HR_WORK,  # import a platform analytics export for someone else
    "recognition.view": EVERYONE,  # points standings; opting out of the leaderboard
    "recognition.configure": _HR_WORK,  # points rules and weekly goal
    # Post checker
    "checker.use": EVERYONE,
    "checker.configure": _HR_WORK,
    # Content library
    "content.read": (_EMPLOYEE, _HR, _ADMIN),
    "content.publish": _HR_WORK,  # add, edit, archive items
    # Customer signals
    "signals.report": EVERYONE,  # report, follow one's own and assigned signals
    "signals.view_all": (_HR, _EXECUTIVE, _ADMIN),  # see every signal
    "signals.triage": _HR_WORK,  # move and assign any signal, response settings
    # Participation (HR follow-up) and the organisation
    "participation.view": _HR_WORK,  # funnel, completion, follow-up lists, person file
    "participation.configure": _HR_WORK,  # minimum group size, new-joiner window
    "organisation.manage": _HR_WORK,  # departments, teams, roster import
    "options.edit": _HR_WORK,  # shared settings stored in the options table
    "notifications.manage": _HR_WORK,  # which e-mails go out and when, team contacts, the sending log
    # Leadership
    "overview.view": (_EXECUTIVE, _ADMIN),  # leadership overview and board report
    "overview.configure": (_ADMIN,),  # media rates (CPM, CPC) behind earned-media value
    "overview.digest": (_EXECUTIVE,),  # receives the monthly leadership digest by e-mail
    # Platform
    "accounts.manage": (_ADMIN,),  # create accounts, roles, activation, password resets
    "sso.configure": (_ADMIN,),  # single sign-on: SSO required, break-glass account, new accounts
    "audit.view": (_ADMIN,),
    "privacy.erase": (_ADMIN,),
    "account.own": EVERYONE,  # one's own password, language, data export
}
ACTIONS = tuple(PERMISSIONS)


@dataclass(frozen=True)
class Actor:
    """The signed-in person (or the command line), with roles as read from the database."""

    id: int | None
    username: str
    roles: frozenset[str]

    @classmethod
    def of(cls, user: Any) -> Actor:
        return cls(id=user.id, username=user.username, roles=frozenset(user.roles))

    @classmethod
    def command_line(cls) -> Actor:
        """The operator at the command line, who holds every role."""
        return cls(id=None, username="cli", roles=frozenset(ROLES))

    @property
    def user_id(self) -> int:
        """The acting person's account id; the command line has no account of its own."""
        if self.id is None:
            raise NotFound("error.user_not_found")
        return self.id

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def holders(action: str) -> tuple[str, ...]:
    """The roles that may perform `action` (KeyError for an unknown action: a typo must not pass)."""
    return PERMISSIONS[action]


def roles_can(roles: Iterable[str], action: str) -> bool:
    """Whether someone holding `roles` may perform `action`."""
    return not set(holders(action)).isdisjoint(roles)


def can(actor: Actor | None, action: str) -> bool:
    """Whether `actor` may perform `action` (nobody signed in may do nothing)."""
    allowed = holders(action)
    return actor is not None and actor.has(*allowed)


def require(actor: Actor | None, action: str) -> None:
    """Raise PermissionDenied unless `actor` may perform `action`."""
    if not can(actor, action):
        raise PermissionDenied("error.forbidden", roles=", ".join(holders(action)))


def require_any(actor: Actor | None, *actions: str) -> None:
    """Raise PermissionDenied unless `actor` may perform at least one of `actions`."""
    if not any(can(actor, a) for a in actions):
        roles = sorted({r for a in actions for r in holders(a)}, key=ROLES.index)
        raise PermissionDenied("error.forbidden", roles=", ".join(roles))


def require_self_or(actor: Actor, user_id: int, action: str) -> None:
    """Allow a person to act on their own data, or those who may perform `action` on anyone's."""
    if actor.id != user_id:
        require(actor, action)
