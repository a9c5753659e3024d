"""Every page opened with random and hostile query parameters (issue 10, item 11): never the crash
page; the overview explains what it could not use, as it does for other bad links."""

from lib.core.screens import SCREENS
from tests import leadership_org as org
from tests.apptest.conftest import signed_in, texts
from tests.unit.test_periods import hostile_queries

PER_PAGE = 8


def test_no_page_crashes_on_a_fuzzed_link(app_engine, add_user):
    from lib.core.models import utcnow

    org.build(app_engine, utcnow().date())
    add_user("fuzz", "admin", "employee", "hr", "executive")
    queries = hostile_queries(PER_PAGE, seed=11)
    at = signed_in("fuzz")
    crashed, tried = [], 0
    for screen in SCREENS:
        for query in queries:
            at.query_params.clear()
            at.query_params.update(query)
            at.switch_page(screen.path).run()
            tried += 1
            if at.exception:
                crashed.append((screen.slug, query, at.exception[0].message))
    print(f"crash pages from fuzzed links: {len(crashed)} of {tried}")
    assert crashed == []


def test_the_issue_crash_links_are_explained(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    for query, reason in (
        ({"department": "\u00b2"}, "its department does not exist"),
        ({"period": "custom", "from": "0001-01-01", "to": "0001-01-03"}, "starts in 2000 or later"),
    ):
        at = signed_in("boss")
        at.query_params.update(query)
        at.switch_page("pages/leadership_overview.py").run()
        assert not at.exception
        assert reason in texts(at)
