"""Who is acting, and the role checks every service function applies to them."""

from __future__ import annotations

from dataclasses import dataclass

from lib.core.errors import PermissionDenied
from lib.core.vocab import ROLES


@dataclass(frozen=True)
class Actor:
    """The signed-in person (or the command line), with roles as read from the database."""

    id: int | None
    username: str
    roles: frozenset[str]

    @classmethod
    def of(cls, user) -> Actor:
        return cls(id=user.id, username=user.username, roles=frozenset(user.roles))

    @classmethod
    def command_line(cls) -> Actor:
        """The operator at the command line, who holds every role."""
        return cls(id=None, username="cli", roles=frozenset(ROLES))

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def require_role(actor: Actor, *roles: str) -> None:
    """Raise PermissionDenied unless `actor` holds one of `roles`."""
    if not actor.has(*roles):
        raise PermissionDenied("error.forbidden", roles=", ".join(roles))


def require_self_or_role(actor: Actor, user_id: int, *roles: str) -> None:
    """Allow a person to act on their own data, or holders of `roles` on anyone's."""
    if actor.id != user_id:
        require_role(actor, *roles)
