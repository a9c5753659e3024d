"""Which screens exist and the action that opens each (the single source for menu and guards).

Who may perform an action is in the permission table (lib/core/permissions.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lib.core.permissions import roles_can


@dataclass(frozen=True)
class Screen:
    slug: str  # file name in pages/ and URL path
    icon: str
    action: str  # the permission that opens the screen

    @property
    def path(self) -> str:
        return f"pages/{self.slug}.py"

    @property
    def title_key(self) -> str:
        return f"page.{self.slug}"


SCREENS = (
    Screen("training", ":material/school:", "training.learn"),
    Screen("my_contributions", ":material/campaign:", "contributions.log"),
    Screen("customer_signals", ":material/handshake:", "signals.report"),
    Screen("content_library", ":material/library_books:", "content.read"),
    Screen("participation", ":material/groups:", "participation.view"),
    Screen("notifications", ":material/notifications:", "notifications.manage"),
    Screen("leadership_overview", ":material/monitoring:", "overview.view"),
    Screen("administration", ":material/admin_panel_settings:", "accounts.manage"),
    Screen("account", ":material/person:", "account.own"),
)
BY_SLUG = {s.slug: s for s in SCREENS}


def allowed(slug: str, roles: Iterable[str]) -> bool:
    """Whether someone holding `roles` may open screen `slug`."""
    return roles_can(roles, BY_SLUG[slug].action)


def visible_screens(roles: Iterable[str]) -> list[Screen]:
    """The screens shown in the menu for someone holding `roles`, in menu order."""
    roles = frozenset(roles)
    return [s for s in SCREENS if allowed(s.slug, roles)]
