"""Reporting periods: presets, the previous period, custom ranges, and the URL round trip."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from lib.core.errors import ValidationError
from lib.core.i18n import problem_text
from lib.core.periods import (
    DEFAULT_PRESET,
    MAX_DAYS,
    PRESETS,
    Period,
    View,
    custom_period,
    from_query,
    preset_period,
    to_query,
)

TODAY = date(2026, 5, 20)
DEPARTMENTS = {3: "Sales", 7: "R&D"}


@pytest.mark.parametrize(
    "preset, start",
    [
        ("last_7", date(2026, 5, 14)),
        ("last_30", date(2026, 4, 21)),
        ("last_90", date(2026, 2, 20)),
        ("quarter", date(2026, 4, 1)),
        ("year", date(2026, 1, 1)),
        ("last_12_months", date(2025, 5, 21)),
    ],
)
def test_presets_end_today(preset, start):
    assert preset_period(preset, TODAY) == Period(start, TODAY)


def test_presets_on_awkward_days():
    assert preset_period("last_12_months", date(2028, 2, 29)) == Period(date(2027, 3, 1), date(2028, 2, 29))
    assert preset_period("quarter", date(2026, 12, 31)).start == date(2026, 10, 1)
    assert preset_period("year", date(2026, 1, 1)) == Period(date(2026, 1, 1), date(2026, 1, 1))


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert period.days == 31
    assert period.previous() == Period(date(2026, 1, 29), date(2026, 2, 28))
    assert period.previous().days == 31
    assert Period(TODAY, TODAY).previous() == Period(TODAY - timedelta(days=1), TODAY - timedelta(days=1))


def test_short_periods_are_charted_by_day_longer_ones_by_week():
    assert preset_period("last_30", TODAY).bucket == "day"
    assert Period(date(2026, 1, 1), date(2026, 1, 31)).bucket == "day"
    assert preset_period("last_90", TODAY).bucket == "week"


def test_custom_period_lists_every_problem():
    assert custom_period(date(2026, 1, 1), date(2026, 2, 1), TODAY) == Period(
        date(2026, 1, 1), date(2026, 2, 1)
    )
    with pytest.raises(ValidationError) as exc:
        custom_period(TODAY + timedelta(days=2), TODAY + timedelta(days=1), TODAY)
    assert [p.key for p in exc.value.problems] == ["leadership.start_after_end", "leadership.end_in_future"]
    with pytest.raises(ValidationError) as exc:
        custom_period(TODAY - timedelta(days=MAX_DAYS), TODAY, TODAY)
    assert [p.key for p in exc.value.problems] == ["leadership.too_long"]
    assert custom_period(TODAY - timedelta(days=MAX_DAYS - 1), TODAY, TODAY).days == MAX_DAYS


@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "custom"])
@pytest.mark.parametrize("department", [None, 7])
def test_query_round_trip_for_presets(preset, department):
    view = View(preset, preset_period(preset, TODAY), department)
    params = to_query(view)
    assert set(params) == {"period"} | ({"department"} if department else set())
    assert from_query(params, TODAY, DEPARTMENTS) == (view, [])


def test_query_round_trip_for_custom_dates():
    view = View("custom", Period(date(2025, 11, 3), date(2026, 1, 9)), 3)
    params = to_query(view)
    assert params == {"period": "custom", "from": "2025-11-03", "to": "2026-01-09", "department": "3"}
    assert from_query(params, TODAY, DEPARTMENTS) == (view, [])


def test_no_parameters_is_the_default_view():
    assert from_query({}, TODAY, DEPARTMENTS) == (
        View(DEFAULT_PRESET, preset_period(DEFAULT_PRESET, TODAY)),
        [],
    )


@pytest.mark.parametrize(
    "params, keys",
    [
        ({"period": "forever"}, ["leadership.bad_period"]),
        ({"period": "custom", "from": "2026-13-01", "to": "2026-02-01"}, ["leadership.bad_date"]),
        ({"period": "custom", "from": "2026-02-01"}, ["leadership.bad_date"]),
        ({"period": "custom", "from": "2026-05-01", "to": "2027-01-01"}, ["leadership.end_in_future"]),
        ({"period": "last_7", "department": "9"}, ["leadership.unknown_department"]),
        ({"department": "<script>"}, ["leadership.unknown_department"]),
    ],
)
def test_bad_links_fall_back_with_a_reason(params, keys):
    view, problems = from_query(params, TODAY, DEPARTMENTS)
    assert [p.key for p in problems] == keys
    assert view.department_id is None
    if params.get("period") != "last_7":
        assert view == View(DEFAULT_PRESET, preset_period(DEFAULT_PRESET, TODAY))


def test_buckets_are_aligned_on_the_period_bounds():
    weeks = Period(date(2026, 9, 3), date(2026, 12, 1))  # 90 days, a Thursday to a Tuesday
    starts = weeks.bucket_starts()
    assert weeks.bucket == "week" and starts[0] == date(2026, 9, 3)
    assert all((b - a).days == 7 for a, b in pairwise(starts)) and starts[-1] <= weeks.end
    assert weeks.bucket_of(date(2026, 9, 9)) == date(2026, 9, 3)
    assert weeks.bucket_of(date(2026, 9, 10)) == date(2026, 9, 10)
    assert weeks.bucket_days(starts[-1]) == (weeks.end - starts[-1]).days + 1
    months = Period(date(2025, 12, 15), date(2026, 12, 14))
    assert months.bucket == "month"
    assert months.bucket_starts()[:3] == [date(2025, 12, 15), date(2026, 1, 1), date(2026, 2, 1)]
    assert months.bucket_starts()[-1] == date(2026, 12, 1)
    assert months.bucket_days(date(2025, 12, 15)) == 17
    days = Period(date(2026, 11, 2), date(2026, 12, 1))
    assert days.bucket_starts() == [date(2026, 11, 2) + timedelta(days=i) for i in range(30)]


HOSTILE_VALUES = [
    "",
    "²",
    "%C2%B2",
    "١٢",  # Arabic-Indic digits: isdigit() but not a number int() should see as an id
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "-1",
    "1e9",
    "99999999999999999999999",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "../../etc/passwd",
    "custom",
    "last_99999999999",
    "last_-1",
    "x" * 10_000,
]
PARAMS = ("period", "from", "to", "department", "unknown")


def hostile_queries(n: int, seed: int = 10) -> list[dict[str, str]]:
    """Query parameters a link may carry: the issue's crash links, hostile values, random text."""
    import random

    rng = random.Random(seed)
    queries = [
        {"department": "\u00b2"},
        {"period": "custom", "from": "0001-01-01", "to": "0001-01-03"},
        {"period": "custom", "from": "0001-01-01", "to": "2026-01-01"},
    ]
    alphabet = "0123456789-_:%²١é<>'\" \x00abcdefghijklmnopqrstuvwxyz"
    while len(queries) < n:
        query = {}
        for name in rng.sample(PARAMS, rng.randint(1, len(PARAMS))):
            if rng.random() < 0.5:
                query[name] = rng.choice(HOSTILE_VALUES)
            elif rng.random() < 0.5:
                query[name] = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
            else:
                d = date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28))
                query[name] = d.isoformat()
        if rng.random() < 0.3:
            query["period"] = "custom"
        queries.append(query)
    return queries


def test_no_link_raises_each_bad_part_is_explained():
    """Issue 10, item 11: the overview's link parsing never raises, whatever the link."""
    for query in hostile_queries(5000):
        view, problems = from_query(query, TODAY, DEPARTMENTS)
        assert view.period.previous().start <= view.period.end <= TODAY, query
        for problem in problems:
            assert problem_text(problem, "en") and problem_text(problem, "fr")


def test_the_issue_links_are_explained():
    assert [p.key for p in from_query({"department": "²"}, TODAY, DEPARTMENTS)[1]] == [
        "leadership.unknown_department"
    ]
    _, problems = from_query(
        {"period": "custom", "from": "0001-01-01", "to": "0001-01-03"}, TODAY, DEPARTMENTS
    )
    assert [p.key for p in problems] == ["leadership.too_early"]
