"""Every format of lib.core.formatting, in both languages."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from lib.core import formatting as f

N = "\u202f"  # narrow no-break space
S = "\u00a0"  # no-break space


@pytest.mark.parametrize(
    ("value", "decimals", "en", "fr"),
    [
        (0, 0, "0", "0"),
        (999, 0, "999", "999"),
        (1234, 0, "1,234", f"1{N}234"),
        (1234567.891, 2, "1,234,567.89", f"1{N}234{N}567,89"),
        (-2017, 0, "-2,017", f"-2{N}017"),
        (-0.04, 1, "0.0", "0,0"),
        (2.5, 1, "2.5", "2,5"),
        (12.5, 0, "13", "13"),  # halves away from zero, everywhere (round() would give 12)
        (-12.5, 0, "-13", "-13"),
        (2.675, 2, "2.68", "2,68"),  # as written, not as the float 2.67499... rounds
        (None, 0, "—", "—"),
        (float("nan"), 0, "—", "—"),
        (pd.NA, 0, "—", "—"),
    ],
)
def test_numbers(value, decimals, en, fr):
    assert f.number(value, "en", decimals) == en
    assert f.number(value, "fr", decimals) == fr


def test_unknown_language_is_english():
    assert f.number(1234, "de") == "1,234"


def test_percentages_and_points():
    assert f.percent(0.9, "en", 0) == "90%"
    assert f.percent(0.9, "fr", 0) == f"90{N}%"
    assert f.percent(0.6624, "fr") == f"66,2{N}%"
    assert f.percent(None, "fr") == "—"
    assert f.points(0.025, "en") == f"+2.5{N}pts"
    assert f.points(-0.025, "fr") == f"-2,5{N}pts"
    assert f.points(-0.0001, "fr") == f"+0,0{N}pts"


def test_money():
    assert f.money(1234, "en") == "€1,234"
    assert f.money(1234, "fr") == f"1{N}234{N}€"
    assert f.money(-50, "en") == "-€50"
    assert f.money(8, "fr", decimals=2) == f"8,00{N}€"
    assert f.money(1234, "en", "USD") == "$1,234"
    assert f.money(1234, "en", "CHF") == f"CHF{S}1,234"
    assert f.money(1234, "fr", "CHF") == f"1{N}234{N}CHF"
    assert f.money(None, "fr") == "—"


def test_short_money():
    assert f.money_short(9999, "en") == "€9,999"
    assert f.money_short(12345, "en") == "€12.3k"
    assert f.money_short(12345, "fr") == f"12,3{N}k€"
    assert f.money_short(2_500_000, "en") == "€2.5M"
    assert f.money_short(2_500_000, "fr") == f"2,5{N}M€"


def test_hours_and_signed():
    assert f.hours(3.25, "en") == f"3.3{N}h"  # halves away from zero
    assert f.hours(3.5, "fr") == f"3,5{N}h"
    assert f.signed(1234, "fr") == f"+1{N}234"
    assert f.signed(-12, "en") == "-12"
    assert f.signed(0, "en") == "+0"


def test_dates():
    d = date(2026, 12, 1)
    assert f.day(d, "fr") == f"1er{S}déc.{S}2026"
    assert f.day(date(2026, 12, 2), "fr") == f"2{S}déc.{S}2026"
    assert f.day(d, "en") == f"1{S}Dec{S}2026"
    assert f.day(date(2026, 2, 14), "fr") == f"14{S}févr.{S}2026"
    assert f.day_long(date(2026, 8, 1), "fr") == f"1er{S}août{S}2026"
    assert f.day_long(d, "en") == f"1{S}December{S}2026"
    assert f.day_numeric(d, "fr") == "01/12/2026"
    assert f.day_numeric(d, "en") == "2026-12-01"
    assert f.day_numeric("2026-12-01", "fr") == "01/12/2026"
    assert f.day_numeric(pd.Timestamp("2026-12-01"), "fr") == "01/12/2026"
    assert f.month(d, "fr") == f"déc.{S}2026"
    assert f.month(d, "en") == f"Dec{S}2026"
    assert f.day_month(d, "fr") == f"1{S}déc."
    assert f.day(None, "fr") == "—"
    assert f.DATE_INPUT_FORMAT == {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY"}


def test_date_times_in_the_viewers_zone_with_the_zone_named():
    moment = datetime(2026, 12, 1, 13, 5)  # naive: UTC, as stored
    assert f.date_time(moment, "fr", "Europe/Paris") == f"1er{S}déc.{S}2026, 14:05 (Europe/Paris)"
    assert f.date_time(moment, "en", "America/New_York") == f"1{S}Dec{S}2026, 08:05 (America/New_York)"
    assert f.date_time(moment, "en", None) == f"1{S}Dec{S}2026, 13:05 (UTC)"
    assert f.date_time(moment, "en", "Not/AZone") == f"1{S}Dec{S}2026, 13:05 (UTC)"
    # crossing midnight changes the date too
    assert f.date_time(datetime(2026, 12, 1, 23, 30), "fr", "Europe/Paris").startswith(f"2{S}déc.")
    assert f.date_time_short(moment, "fr", "Europe/Paris") == "01/12/2026 14:05"
    assert f.date_time_short(moment, "en") == "2026-12-01 13:05"
    assert f.time_of_day(moment, "fr", "Europe/Paris", seconds=True) == "14:05:00"


def _rows(data: bytes, sep: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def test_csv_dialects():
    df = pd.DataFrame(
        {
            "name": ["Hélène", "=cmd"],
            "n": [1234, -5],
            "rate": [0.25, 1.5],
            "day": [date(2026, 12, 1), date(2026, 1, 2)],
        }
    )
    fr = _rows(f.to_csv(df, "fr"), ";")
    assert fr[0] == ["name", "n", "rate", "day"]
    assert fr[1] == ["Hélène", "1234", "0,25", "01/12/2026"]
    assert fr[2] == ["'=cmd", "-5", "1,5", "02/01/2026"]
    en = _rows(f.to_csv(df, "en"), ",")
    assert en[1] == ["Hélène", "1234", "0.25", "2026-12-01"]
    # read back by pandas as the reader's spreadsheet would
    back = pd.read_csv(io.BytesIO(f.to_csv(df, "fr")), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["rate"].tolist() == [0.25, 1.5]


def test_typed_excel_with_one_sheet_per_table():
    moments = pd.Series(pd.to_datetime(["2026-12-01 13:05"]).tz_localize("UTC"))
    first = pd.DataFrame(
        {"text": ["+SUM(A1)"], "n": [1234], "x": [0.5], "day": [date(2026, 12, 1)], "at": moments}
    )
    data = f.to_excel({"Reach: by week": first, "Other/one": pd.DataFrame({"a": [1]})}, "fr")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Reach- by week", "Other-one"]
    ws = book["Reach- by week"]
    text, n, x, day, at = (c for c in ws[2])
    assert text.value == "'+SUM(A1)" and text.data_type != "f"
    assert n.value == 1234 and n.data_type == "n"
    assert x.value == 0.5 and x.data_type == "n"
    assert day.is_date and day.value.date() == date(2026, 12, 1) and day.number_format == "dd/mm/yyyy"
    assert at.is_date and at.value == datetime(2026, 12, 1, 13, 5)
    assert book["Other-one"]["A2"].value == 1
    en = openpyxl.load_workbook(io.BytesIO(f.to_excel(first, "en"))).active
    assert en["D2"].number_format == "yyyy-mm-dd"


def test_display_tables_format_by_kind():
    df = pd.DataFrame(
        {"n": [1234], "share": [0.5], "value": [12345.0], "day": [date(2026, 12, 1)], "t": ["x"]}
    )
    out = f.display_table(df, "fr", {"share": "share", "value": "money"})
    assert out.iloc[0].tolist() == [f"1{N}234", f"50{N}%", f"12{N}345{N}€", f"1er{S}déc.{S}2026", "x"]


def test_one_rounding_for_a_share_in_cards_tables_and_charts():
    share = 0.125  # 12.5 %: the funnel card said 12 % where the chart and the table said 13 %
    assert f.percent(share, "en", 0) == f.format_value(share, "share", "en") == "13%"
    assert f.format_value(share, "share1", "fr") == f"12,5{N}%"


def test_cell_formats_write_cells_and_leave_the_values():
    df = pd.DataFrame(
        {
            "people": [1234, 5],
            "reach": [1500.0, None],  # whole numbers with a gap: a count, not "1,500.0"
            "rate": [0.25, 1.5],
            "day": [date(2026, 12, 1), None],
            "at": pd.to_datetime(["2026-12-01 13:05", None]),
            "name": ["a", "b"],
            "ok": [True, False],
        }
    )
    formats = f.cell_formats(df, "fr", {"rate": "share"}, zone="Europe/Paris")
    assert set(formats) == {"people", "reach", "rate", "day", "at"}
    assert [formats["people"](v) for v in df["people"]] == [f"1{N}234", "5"]
    assert [formats["reach"](v) for v in df["reach"]] == [f"1{N}500", "—"]
    assert formats["rate"](0.25) == f"25{N}%"
    assert formats["day"](date(2026, 12, 1)) == f"1er{S}déc.{S}2026"
    assert formats["at"](df["at"][0]) == "01/12/2026 14:05"  # UTC stored, shown in Paris time
    assert f.cell_formats(df, "en")["at"](df["at"][0]) == "2026-12-01 13:05"
    assert df["people"].tolist() == [1234, 5]  # the table keeps its values (sorting stays numeric)


def test_chart_separators_and_ticks():
    assert f.plotly_separators("fr") == f",{N}"
    assert f.plotly_separators("en") == ".,"
    days = [date(2026, 11, d) for d in range(1, 31)]
    values, labels = f.date_ticks(days, "fr", most=10)
    assert values[0] == date(2026, 11, 1) and len(values) <= 10
    assert labels[0] == f"1{S}nov."
    assert f.date_ticks([date(2026, 12, 1)], "en", "month") == ([date(2026, 12, 1)], [f"Dec{S}2026"])
