"""What the overview shows: the key-figure cards (formatting, changes, colours), the charts and
the tables behind them, and the self-contained board report."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select, update

from lib.core.db import session_scope
from lib.core.errors import PermissionDenied
from lib.core.i18n import label
from lib.core.models import AuditEvent, CustomerSignal, Department
from lib.core.periods import View, preset_period
from lib.core.permissions import Actor
from lib.insight import board_report as report
from lib.insight import kpis
from lib.insight import leadership as overview
from lib.insight.charts import PLATFORM_COLOURS, SIGNAL_COLOURS, latest_table, sections
from tests import leadership_org as org

TODAY = date(2026, 3, 31)
NOW = datetime.combine(TODAY, time(12))
EXEC = Actor(id=None, username="vera", roles=frozenset({"executive"}))
VIEW = View("last_30", preset_period("last_30", TODAY))


@pytest.fixture
def ov(engine):
    org.build(engine, TODAY)
    with session_scope(engine, write=False) as session:
        return overview.overview(session, EXEC, VIEW, now=NOW)


def by_key(cards) -> dict:
    return {c.key: c for group in cards.values() for c in group}


@pytest.mark.parametrize(
    "value, lang, text",
    [
        (1234567, "en", "1,234,567"),
        (1234567, "fr", "1\u202f234\u202f567"),
        (None, "en", "—"),
    ],
)
def test_numbers(value, lang, text):
    assert kpis.number(value, lang) == text


def test_units_in_both_languages():
    assert kpis.formatted(0.4567, "share", "en") == "45.7%"
    assert kpis.formatted(0.4567, "share", "fr") == "45,7\u202f%"
    assert kpis.formatted(58, "money", "en") == "€58" and kpis.formatted(58, "money", "fr") == "58\u202f€"
    assert kpis.formatted(1_460_000, "money", "en") == "€1.5M"
    assert kpis.formatted(25_000, "money", "fr") == "25,0\u202fk€"
    assert kpis.formatted(5, "hours", "fr") == "5,0\u202fh"


def test_cards_show_value_change_and_direction(ov):
    cards = by_key(kpis.cards(ov, "en"))
    assert list(kpis.cards(ov, "en")) == ["reach", "engagement", "customers", "training"]
    assert (cards["contributions"].value, cards["contributions"].delta) == ("7", "+5 (+250.0%)")
    assert cards["contributions"].delta_color == "normal"
    assert (cards["participation_rate"].value, cards["participation_rate"].delta) == (
        "80.0%",
        "+40.0\u202fpts",
    )
    assert (cards["contributors"].value, cards["active_ambassadors"].value) == ("5", "2")
    assert cards["emv"].value == "€58"
    assert (cards["losses"].delta, cards["losses"].delta_color) == ("+2 (+200.0%)", "inverse")
    assert (cards["median_ack_hours"].value, cards["median_ack_hours"].delta) == ("5.0\u202fh", "+3.0\u202fh")
    assert cards["median_ack_hours"].delta_color == "inverse"
    assert cards["participation_rate"].label == "Participation rate"
    assert cards["participation_rate"].help == (
        "Contributors among the period’s workforce, as a share of that workforce. "
        "Workforce on the period’s last day: 5. Previous period: 40.0%."
    )
    assert cards["active_ambassadors"].help.startswith("People of the period’s workforce who are certified")
    assert "Known for 6 of the 7 contributions" in cards["impressions"].help
    assert "impressions ÷ 1,000 × €8.00 (CPM) + clicks × €1.20 (CPC)" in cards["emv"].help
    assert by_key(kpis.cards(ov, "fr"))["contributions"].label == "Contributions"


def test_unchanged_or_unknown_figures_have_a_neutral_change(engine):
    with session_scope(engine, write=False) as session:
        empty = overview.overview(session, EXEC, VIEW, now=NOW)
    cards = by_key(kpis.cards(empty, "en"))
    assert cards["contributions"].delta == "+0" and cards["contributions"].delta_color == "off"
    assert cards["participation_rate"].value == "—" and cards["participation_rate"].delta is None
    assert cards["median_ack_hours"].delta is None


def test_charts_use_one_colour_per_platform_and_have_their_tables(ov):
    charts = {s.key: s for s in sections(ov, "en")}
    assert list(charts) == ["activity", "signals", "departments", "funnel", "top_people", "top_teams"]
    for trace in charts["activity"].figure.data:
        code = next(p for p in PLATFORM_COLOURS if label(p, "en") == trace.name)
        assert trace.marker.color == PLATFORM_COLOURS[code]
    assert {t.marker.color for t in charts["signals"].figure.data} == set(SIGNAL_COLOURS.values())
    assert list(charts["activity"].table.columns) == [
        "Day",
        "Platform",
        "Contributions",
        "Reach (impressions)",
        "Engagement",
    ]
    assert charts["activity"].table["Contributions"].sum() == 7
    assert "Anonymous ambassador" in charts["top_people"].table["Name"].tolist()
    assert list(charts["top_people"].figure.data[0].y)[-1] == "1. Alice Example"  # the first at the top
    departments = charts["departments"].table.set_index("Department")
    assert departments.loc["Marketing", "Participation rate"] == 0.5
    assert departments.loc["Sales", "Contributions per head"] == pytest.approx(1.33)
    assert charts["funnel"].table["People"].tolist() == [5, 4, 2, 2]
    latest = latest_table(ov, "fr")
    assert list(latest.columns)[:3] == ["Signalé le", "Type", "Catégorie"]
    assert latest["Type"].tolist()[0] == "Perte"


def test_empty_charts_say_why(engine):
    with session_scope(engine, write=False) as session:
        empty = overview.overview(session, EXEC, VIEW, now=NOW)
    for section in sections(empty, "en"):
        assert section.figure is None and section.empty


def test_board_report_escapes_stored_text(engine):
    ids = org.build(engine, TODAY)
    evil = '<script>alert("x")</script> & Co'
    with session_scope(engine) as session:
        session.execute(update(Department).where(Department.id == ids["Sales"]).values(name=evil))
        session.execute(update(CustomerSignal).values(customer_name=evil))
    with session_scope(engine, write=False) as session:
        page = report.board_report(overview.overview(session, EXEC, VIEW, now=NOW), "en", evil)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page


def test_report_downloads_are_audited_for_viewers_only(engine, make_user):
    boss = make_user("boss", "executive")
    with session_scope(engine) as session:
        report.record_download(session, boss, "Whole company", "2026-03-02", "2026-03-31")
    with session_scope(engine, write=False) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert (event.actor_id, event.target, event.details["format"]) == (
            boss.id,
            "leadership_report",
            "html",
        )
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        report.record_download(session, make_user("emma"), "Whole company", "2026-03-02", "2026-03-31")
