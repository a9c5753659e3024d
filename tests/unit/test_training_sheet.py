"""Alert contacts (set by HR, shown with the guidelines) and the printable do-and-don't sheet."""

import pytest

from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.vocab import LANGUAGES
from lib.training import alerts
from lib.training.sheet import sheet, sheet_html


def test_hr_sets_the_alert_contacts_and_bad_input_changes_nothing(engine, make_user):
    emma, hr = make_user("emma"), make_user("hilda", "hr")
    with session_scope(engine) as session:
        assert alerts.contacts(session) == {"office": "", "out_of_hours": ""}
        with pytest.raises(PermissionDenied):
            alerts.set_contacts(session, emma, "Comms 01 23", "On call 06 00")
        with pytest.raises(ValidationError) as caught:
            alerts.set_contacts(session, hr, "  ", "x" * (alerts.MAX_LENGTH + 1))
        assert [(p.key, p.field) for p in caught.value.problems] == [
            ("training.alerts.error.missing", "alerts_office"),
            ("training.alerts.error.long", "alerts_out_of_hours"),
        ]
        assert alerts.contacts(session) == {"office": "", "out_of_hours": ""}
        alerts.set_contacts(session, hr, " Comms desk 01 23 45 67 89 ", "On-call manager 06 12 34 56 78")
    with session_scope(engine, write=False) as session:
        assert alerts.contacts(session) == {
            "office": "Comms desk 01 23 45 67 89",
            "out_of_hours": "On-call manager 06 12 34 56 78",
        }


def test_the_sheet_is_one_printable_page_in_each_language_with_the_contacts(engine, make_user):
    hr = make_user("hilda", "hr")
    data = sheet()
    for part in ("do", "dont"):
        assert len(data[part]["en"]) == len(data[part]["fr"]) >= 8
    with session_scope(engine) as session:
        unset = sheet_html(session, "en").decode()
        assert "not set yet" in unset
        alerts.set_contacts(session, hr, "Comms <b>desk</b>", "On call")
        pages = {lang: sheet_html(session, lang).decode() for lang in LANGUAGES}
    for lang, page in pages.items():
        assert f'<html lang="{lang}">' in page and "@page" in page and "@media print" in page
        assert data["title"][lang].replace("'", "&#x27;") in page
        assert all(item.replace("'", "&#x27;").replace('"', "&quot;") in page for item in data["dont"][lang])
        assert "Comms &lt;b&gt;desk&lt;/b&gt;" in page and "<b>desk" not in page
    assert "À éviter" in pages["fr"] and "Don’t" in pages["en"]
