"""Every screen x every role: the screen opens or is refused exactly as the permission table says."""

import pytest

from lib.core.i18n import t
from lib.core.screens import SCREENS, allowed, visible_screens
from lib.core.vocab import ROLES
from tests.apptest.conftest import signed_in, texts

REFUSAL = t("error.page_forbidden", "en")


@pytest.mark.parametrize("role", ROLES)
def test_each_screen_opens_or_is_refused_as_the_table_says(app_engine, add_user, role):
    add_user("root", *ROLES)  # the first account; the one under test holds `role` only
    add_user("someone", role)
    at = signed_in("someone")
    assert at.session_state["menu"] == [s.slug for s in visible_screens([role])]
    for screen in SCREENS:
        at.switch_page(screen.path).run()
        assert not at.exception, (screen.slug, role)
        refused = REFUSAL in texts(at)
        assert refused == (not allowed(screen.slug, [role])), (screen.slug, role)
        assert at.title[0].value == t(screen.title_key, "en")
