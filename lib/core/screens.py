"""Which screens exist and which roles may open them (the single source for menu and guards)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    slug: str  # file name in pages/ and URL path
    icon: str
    roles: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"pages/{self.slug}.py"

    @property
    def title_key(self) -> str:
        return f"page.{self.slug}"


SCREENS = (
    Screen("training", ":material/school:", ("employee", "hr")),
    Screen("my_contributions", ":material/campaign:", ("employee",)),
    Screen("customer_signals", ":material/handshake:", ("employee", "hr", "executive", "admin")),
    Screen("content_library", ":material/library_books:", ("employee", "hr")),
    Screen("participation", ":material/groups:", ("hr", "admin")),
    Screen("notifications", ":material/notifications:", ("hr", "admin")),
    Screen("leadership_overview", ":material/monitoring:", ("executive", "admin")),
    Screen("administration", ":material/admin_panel_settings:", ("admin",)),
    Screen("account", ":material/person:", ("employee", "hr", "executive", "admin")),
)
BY_SLUG = {s.slug: s for s in SCREENS}


def allowed(slug: str, roles) -> bool:
    return bool(set(BY_SLUG[slug].roles).intersection(roles))


def visible_screens(roles) -> list[Screen]:
    """The screens shown in the menu for someone holding `roles`, in menu order."""
    return [s for s in SCREENS if allowed(s.slug, roles)]
