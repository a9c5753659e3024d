"""Reporting periods (presets and custom ranges) and their round trip through URL query parameters.

Query parameters: `period` (a preset), `from` and `to` (ISO dates, custom periods only) and
`department` (an id; absent for the whole company).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lib.core.errors import Problem, ValidationError

PRESETS = ("last_7", "last_30", "last_90", "quarter", "year", "last_12_months", "custom")
DEFAULT_PRESET = "last_30"
MAX_DAYS = 3 * 366  # custom periods: at most about three years
EARLIEST = date(2000, 1, 1)  # no custom period starts before (nor its comparison period before year 1)
DAILY_UP_TO = 31  # periods this short are charted by day,
WEEKLY_UP_TO = 184  # these by week (7-day blocks from the period's first day), longer ones by month


@dataclass(frozen=True)
class Period:
    """Calendar days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def bucket(self) -> str:
        if self.days <= DAILY_UP_TO:
            return "day"
        return "week" if self.days <= WEEKLY_UP_TO else "month"

    def bucket_starts(self) -> list[date]:
        """The first day of each chart bucket, aligned on the period's own bounds: days; 7-day blocks
        from the first day (the last one may be shorter); calendar months, the first one starting on
        the period's first day. No bucket starts before the period or after it."""
        if self.bucket == "day":
            return [self.start + timedelta(days=i) for i in range(self.days)]
        if self.bucket == "week":
            return [self.start + timedelta(days=i) for i in range(0, self.days, 7)]
        starts, day = [self.start], self.start
        while True:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            if day > self.end:
                return starts
            starts.append(day)

    def bucket_of(self, day: date) -> date:
        """The first day of the bucket `day` falls in."""
        return max(s for s in self.bucket_starts() if s <= day)

    def bucket_days(self, start: date) -> int:
        """How many days of the period the bucket starting on `start` holds."""
        starts = self.bucket_starts()
        following = [s for s in starts if s > start]
        return ((following[0] if following else self.end + timedelta(days=1)) - start).days

    @property
    def starts_at(self) -> datetime:
        """The first instant of the period (midnight, UTC)."""
        return datetime.combine(self.start, time())

    @property
    def ends_at(self) -> datetime:
        """The midnight that closes the period (excluded)."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def as_of(self, now: datetime) -> datetime:
        """The instant states (training, certification) are read at for this period: its end, or now."""
        return min(now, self.ends_at)


@dataclass(frozen=True)
class View:
    """What the overview shows: a preset (or "custom"), its period, and a department or the company."""

    preset: str
    period: Period
    department_id: int | None = None


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def preset_period(preset: str, today: date) -> Period:
    """The period a preset stands for, ending today."""
    if preset.startswith("last_") and preset[5:].isdigit():
        return Period(today - timedelta(days=int(preset[5:]) - 1), today)
    if preset == "quarter":
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if preset == "year":
        return Period(date(today.year, 1, 1), today)
    if preset == "last_12_months":
        return Period(_year_before(today) + timedelta(days=1), today)
    raise ValueError(preset)


def custom_period(start: date, end: date, today: date) -> Period:
    """A custom period, refused (with every reason) when reversed, in the future or too long."""
    problems = []
    if start > end:
        problems.append(Problem("leadership.start_after_end"))
    if end > today:
        problems.append(Problem("leadership.end_in_future"))
    if (end - start).days + 1 > MAX_DAYS:
        problems.append(Problem("leadership.too_long", params={"years": MAX_DAYS // 366}))
    if start < EARLIEST:
        problems.append(Problem("leadership.too_early", params={"year": EARLIEST.year}))
    if problems:
        raise ValidationError(problems)
    return Period(start, end)


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def from_query(
    params: Mapping[str, str], today: date, departments: Mapping[int, str]
) -> tuple[View, list[Problem]]:
    """The view a URL asks for, and what was wrong with it (those parts fall back to the default)."""
    problems: list[Problem] = []
    preset = params.get("period", DEFAULT_PRESET)
    if preset not in PRESETS:
        problems.append(Problem("leadership.bad_period"))
        preset = DEFAULT_PRESET
    period = None
    if preset == "custom":
        start, end = _iso(params.get("from")), _iso(params.get("to"))
        try:
            period = custom_period(start, end, today) if start and end else None
            if period is None:
                problems.append(Problem("leadership.bad_date"))
        except ValidationError as exc:
            problems += exc.problems
        preset = "custom" if period else DEFAULT_PRESET
    period = period or preset_period(preset, today)
    department_id = None
    if "department" in params:
        raw = params["department"]
        if raw.isascii() and raw.isdigit() and len(raw) < 12 and int(raw) in departments:  # not "²"
            department_id = int(raw)
        else:
            problems.append(Problem("leadership.unknown_department"))
    return View(preset, period, department_id), problems


def to_query(view: View) -> dict[str, str]:
    """Query parameters that reproduce `view` (dates only for custom periods)."""
    params = {"period": view.preset}
    if view.preset == "custom":
        params |= {"from": view.period.start.isoformat(), "to": view.period.end.isoformat()}
    if view.department_id is not None:
        params["department"] = str(view.department_id)
    return params
