"""The Leadership overview page, driven as an executive would: figures, charts, scope and period
kept in the URL, bad links, custom dates, the board report, the rates editor, refusals and the
empty state. The organisation and its expected figures are in tests/leadership_org.py."""

from datetime import timedelta

import pytest

from lib.core.db import session_scope
from lib.core.models import Contribution, utcnow
from tests import leadership_org as org
from tests.apptest.conftest import signed_in, texts

PAGE = "pages/leadership_overview.py"


@pytest.fixture
def ids(app_engine):
    return org.build(app_engine, utcnow().date())


def open_page(username: str, **query):
    at = signed_in(username)
    at.query_params.update(query)
    return at.switch_page(PAGE).run()


def metrics(at) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.mark.parametrize("username", ["alice", "hana"])
def test_employees_and_hr_are_refused(ids, username):
    at = open_page(username)
    assert "You do not have access to this page" in texts(at)
    assert not at.metric and not at.get("plotly_chart")


def test_a_new_company_sees_what_to_do_next(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    at = open_page("boss")
    assert not at.exception
    assert "Nothing to show yet" in texts(at)
    assert "My contributions" in at.info[0].value and "Customer signals" in at.info[0].value
    assert not at.metric and not at.get("plotly_chart") and not at.download_button


def test_figures_charts_and_report(ids):
    at = open_page("vera")
    assert not at.exception
    shown = metrics(at)
    assert shown["Contributors"] == ("5", "+3 (+150.0%)")
    assert shown["Participation rate"] == ("80.0%", "+40.0\u202fpts")
    assert shown["Contributions"] == ("7", "+5 (+250.0%)")
    assert shown["Reach (impressions)"] == ("2,150", "+1,750 (+437.5%)")
    assert shown["Earned-media value"][0] == "€58"
    assert shown["Customer wins"] == ("2", "+1 (+100.0%)")
    assert shown["Estimated value of wins"][0] == "€1,460"
    assert shown["Open losses"] == ("2", "+2")
    assert shown["Median time to acknowledge"] == ("5.0\u202fh", "+3.0\u202fh")
    assert shown["Certification rate"] == ("40.0%", "+20.0\u202fpts")
    assert shown["Active ambassadors"] == ("2", "+2")
    assert "impressions ÷ 1,000 × €8.00 (CPM) + clicks × €1.20 (CPC)" in texts(at)
    assert "Reach from platform analytics exports: 0.0% of the period’s impressions" in texts(at)
    assert "Waiting for an HR review, and counted nowhere until then: 0 contribution(s)." in texts(at)
    assert (
        len(at.get("plotly_chart")) == 18
    )  # 8 trends, contributions, 4 breakdowns, 4 of people, 1 of signals
    assert at.dataframe[-1].value["Customer"].tolist()[0] == "Customer of bob"
    assert at.dataframe[-1].value["Reported"].tolist()[0].count(":") == 1  # formatted, not ISO seconds
    assert at.download_button(key="lo_report").proto.label == "Board report (HTML)"
    assert at.download_button(key="lo_report_pdf").proto.label == "Board report (PDF)"
    assert at.download_button(key="lo_report_data")
    assert at.download_button(key="lo_activity_csv")  # the table behind each chart, as CSV
    assert at.download_button(key="lo_trend_impressions_csv")
    assert "Carol Example" not in str(at.get("plotly_chart")[-3].proto)  # opted out of rankings
    caption = at.caption[0].value
    assert "Data last changed at" in caption and "figures last checked at" in caption and "(UTC)" in caption


def test_french_dates_and_numbers(ids):
    at = signed_in("vera")
    at.session_state["lang"] = "fr"
    at = at.switch_page(PAGE).run()
    assert not at.exception
    caption = at.caption[0].value
    assert "Du " in caption and "2026-" not in caption
    shown = metrics(at)
    assert shown["Portée (impressions)"][0] == "2\u202f150"


def test_period_and_scope_round_trip_through_the_url(ids):
    at = open_page("vera", period="last_90", department=str(ids["Sales"]))
    assert at.selectbox(key="lo_period_en").value == "last_90"
    assert at.selectbox(key="lo_department_en").value == ids["Sales"]
    assert metrics(at)["Contributions"][0] == "5"  # Sales, 90 days: the 4 recent ones and bob's older one

    at.selectbox(key="lo_department_en").set_value(0).run()  # the whole company
    assert dict(at.query_params) == {"period": "last_90"}
    assert metrics(at)["Contributions"][0] == "9"

    at.selectbox(key="lo_period_en").set_value("last_7").run()
    assert dict(at.query_params) == {"period": "last_7"}
    assert metrics(at)["Contributions"][0] == "5"  # alice ×3, bob, dan within 7 days


def test_custom_dates(ids):
    today = utcnow().date()
    at = open_page("vera")
    at.selectbox(key="lo_period_en").set_value("custom").run()
    assert at.query_params["period"] == "custom"
    at.date_input(key="lo_dates").set_value((today - timedelta(days=10), today - timedelta(days=2))).run()
    assert (at.query_params["from"], at.query_params["to"]) == (
        str(today - timedelta(days=10)),
        str(today - timedelta(days=2)),
    )
    assert metrics(at)["Contributions"][0] == "4"  # carol on T-10, dan on T-5, bob on T-3, alice on T-2
    at.date_input(key="lo_dates").set_value((today - timedelta(days=2000), today)).run()
    assert "Choose a period of at most 3 years." in texts(at)


def test_a_bad_link_says_so_and_falls_back(ids):
    at = open_page("vera", period="forever", department="999")
    warning = at.warning[0].value
    assert "its period is not one this page knows" in warning and "its department does not exist" in warning
    assert dict(at.query_params) == {"period": "last_30"}
    assert metrics(at)["Contributions"][0] == "7"
    at.run()  # the explanation stays until another view is chosen
    assert "could not be followed" in at.warning[0].value
    at.selectbox(key="lo_period_en").set_value("last_7").run()
    assert not at.warning


def test_new_activity_shows_on_the_next_refresh(app_engine, ids):
    at = open_page("vera")
    assert metrics(at)["Contributions"][0] == "7"
    with session_scope(app_engine) as session:
        session.add(
            Contribution(
                user_id=ids["gus"],
                department_id=ids["Marketing"],
                occurred_on=utcnow().date(),
                platform="youtube",
                kind="share",
                impressions=1000,
            )
        )
    at.run()  # what the page's timer does every few seconds
    assert metrics(at)["Contributions"] == ("8", "+6 (+300.0%)")
    assert metrics(at)["Participation rate"][0] == "100.0%"


def test_in_french(ids):
    at = open_page("vera", period="last_90")
    at.segmented_control(key="lang_picker").set_value("fr").run()
    assert not at.exception and at.title[0].value == "Vue de direction"
    period = at.selectbox(key="lo_period_fr")  # a widget per language: no stale English label comes back
    assert period.value == "last_90" and "Trimestre en cours" in period.options
    at.selectbox(key="lo_period_fr").set_value("last_30").run()
    shown = metrics(at)
    assert shown["Portée (impressions)"][0] == "2\u202f150"
    assert shown["Taux de participation"][0] == "80,0\u202f%"
    assert "Valeur média acquise = impressions ÷ 1 000 × 8,00\u202f€ (CPM)" in texts(at)


def test_administrators_set_the_earned_media_rates(ids, add_user):
    add_user("root", "admin")
    at = open_page("root")
    at.number_input(key="lo_cpm").set_value(5000.0)
    at.button(key="FormSubmitter:lo_rates-Save the rates").click().run()
    assert "The CPM must be a number between 0 and 1000." in texts(at)
    at.number_input(key="lo_cpm").set_value(10.0)
    at.number_input(key="lo_cpc").set_value(2.0)
    at.button(key="FormSubmitter:lo_rates-Save the rates").click().run()
    assert "Rates saved." in texts(at)
    assert "× €10.00 (CPM) + clicks × €2.00 (CPC)" in texts(at)
    assert metrics(at)["Earned-media value"][0] == "€90"  # 2.15 × 10 + 34 × 2 = 89.5


def test_executives_do_not_see_the_rates_editor(ids):
    at = open_page("vera")
    assert not at.number_input
