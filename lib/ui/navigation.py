"""The menu around the pages: the language switch, the page asked for by a direct link, and the
registration of every screen (only the allowed ones are shown)."""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from lib.core.i18n import t
from lib.core.screens import SCREENS, visible_screens
from lib.ui.shell import choose_language, lang, tr


def language_picker() -> None:
    """English / French switch in the sidebar; saved to the account once signed in. The page's
    `lang` attribute follows it, so that screen readers and the browser read French as French."""
    st.session_state["lang_picker"] = lang()
    st.sidebar.segmented_control(
        t("account.language", lang()),
        options=["en", "fr"],
        format_func={"en": "English", "fr": "Français"}.__getitem__,
        key="lang_picker",
        on_change=choose_language,
        args=("lang_picker",),
    )
    code = "fr" if lang() == "fr" else "en"  # a fixed value, never user text, in the script
    st.sidebar.html(
        f'<script>document.documentElement.lang = "{code}";</script>', unsafe_allow_javascript=True
    )


def remember_requested_page() -> None:
    """Keep the path of a direct link so that sign-in can land on it."""
    if "requested_page" not in st.session_state:
        path = urlparse(st.context.url or "").path.strip("/").split("/")[-1]
        st.session_state["requested_page"] = path
        st.session_state["requested_query"] = st.query_params.to_dict()


def screen_pages(roles) -> dict[str, st.Page]:
    """Every screen is registered, so that a direct link to a forbidden one reaches its guard and
    is refused there (and an anonymous one is remembered); only allowed ones are in the menu."""
    menu = [s.slug for s in visible_screens(roles)]
    return {
        s.slug: st.Page(
            s.path,
            title=tr(s.title_key),
            icon=s.icon,
            url_path=s.slug,
            visibility="visible" if s.slug in menu else "hidden",
        )
        for s in SCREENS
    }


def home_page() -> st.Page:
    """The app's root (`/`), which main() sends on to the person's first screen at that screen's own
    path. Were the first screen the default page itself, its path would be `/`, and a link to it
    (`/training`) would find no page."""
    return st.Page(lambda: None, title="Porte-voix", url_path="home", default=True, visibility="hidden")


def hold(blank: st.Page) -> None:
    """Register the pages without running one, until the person may see them."""
    st.navigation([blank, *screen_pages(()).values()], position="hidden")
