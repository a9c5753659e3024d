"""The board report: a few A4 pages, formatted for the reader's language, no raw tables, a summary
written from the figures, a PDF without a browser, the data in a separate workbook, and the CLI."""

import io
from datetime import date, datetime, time

import openpyxl
import pytest
from pypdf import PdfReader

from lib import cli
from lib.core.db import session_scope
from lib.core.periods import Period, View, preset_period
from lib.core.permissions import Actor
from lib.insight import board_report as report
from lib.insight import leadership as overview
from tests import leadership_org as org

TODAY = date(2026, 3, 31)
NOW = datetime.combine(TODAY, time(12))
EXEC = Actor(id=None, username="vera", roles=frozenset({"executive"}))
VIEW = View("last_30", preset_period("last_30", TODAY))
N, S = "\u202f", "\u00a0"
MAX_BYTES = 1_500_000


@pytest.fixture
def ov(engine):
    org.build(engine, TODAY)
    with session_scope(engine, write=False) as session:
        return overview.overview(session, EXEC, VIEW, now=NOW)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_html_report_in_english(ov):
    page = report.board_report(ov, "en", "Whole company", datetime(2026, 3, 31, 14, 5), "Europe/Paris")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "@page { size: A4" in page and "break-inside: avoid" in page
    assert page.count("<table") == 1  # the key figures only: no raw data tables
    assert page.count("<svg") >= 8
    assert f"from 2{S}Mar{S}2026 to 31{S}Mar{S}2026, compared with 31{S}Jan{S}2026 to 1{S}Mar{S}2026" in page
    assert f"Generated on 31{S}Mar{S}2026, 16:05 (Europe/Paris)" in page
    assert "<td>Contributions</td><td class=num>7</td><td class=num>2</td>" in page
    assert "+5 (+250.0%)" in page
    assert "<td>Earned-media value</td><td class=num>€58</td>" in page
    assert "5 contributors made 7 contributions, seen 2,150 times" in page
    assert "Biggest changes against the previous period:" in page
    assert "Carol Example" not in page  # no people named in the board report
    assert len(page.encode()) < MAX_BYTES


def test_html_report_in_french(ov):
    page = report.board_report(ov, "fr", "Toute l’entreprise", datetime(2026, 3, 31, 14, 5), "Europe/Paris")
    assert 'lang="fr"' in page and "Chiffres clés" in page
    assert f"du 2{S}mars{S}2026 au 31{S}mars{S}2026" in page
    assert f"Généré le 31{S}mars{S}2026, 16:05 (Europe/Paris)" in page
    assert f"+5 (+250,0{N}%)" in page
    assert f"<td class=num>58{N}€</td>" in page
    assert f"vues 2{N}150 fois" in page
    assert "2026-03" not in page  # no ISO date left
    assert ")\u202f; " in page or report.SUMMARY_CHANGES < 2  # French semicolons in the summary


def test_pdf_report_pages_size_and_formatting(ov):
    for lang, needle in (("en", "Key figures"), ("fr", "Chiffres clés")):
        data = report.board_report_pdf(ov, lang, "Company", datetime(2026, 3, 31, 14, 5))
        assert data.startswith(b"%PDF-") and len(data) < MAX_BYTES
        pages, text = pdf_text(data)
        assert 2 <= pages <= 4
        assert needle in text
    _, french = pdf_text(report.board_report_pdf(ov, "fr", "Entreprise", datetime(2026, 3, 31, 14, 5)))
    assert "250,0" in french and "58" in french and "mars" in french
    assert "250.0" not in french


def test_a_long_period_stays_small(engine):
    org.build(engine, TODAY)
    view = View("custom", Period(date(2025, 4, 1), TODAY))
    with session_scope(engine, write=False) as session:
        ov = overview.overview(session, EXEC, view, now=NOW)
    assert view.period.bucket == "month"
    data = report.board_report_pdf(ov, "fr", "Entreprise")
    pages, _ = pdf_text(data)
    assert pages <= 4 and len(data) < MAX_BYTES
    assert len(report.board_report(ov, "fr", "Entreprise").encode()) < MAX_BYTES


def test_summary_names_the_biggest_changes(ov):
    lines = report.summary(ov, "en")
    assert lines[0].startswith("5 contributors made 7 contributions")
    assert lines[1].startswith("2 customer wins worth €1,460 and 3 losses worth €2,300")
    biggest = lines[-1]
    assert biggest.startswith("Biggest changes against the previous period: ")
    assert biggest.count("(was ") == report.SUMMARY_CHANGES


def test_workbook_has_one_sheet_per_chart_typed_and_the_notes(ov):
    built = report.build(ov, "fr", "Entreprise")
    book = openpyxl.load_workbook(io.BytesIO(report.workbook(built)))
    assert book.sheetnames[0] == "Chiffres clés"
    assert len(book.sheetnames) == 1 + len(built.charts) + 2  # and the notes and the glossary, last
    notes = [row[0] for row in book["Notes"].iter_rows(min_row=2, values_only=True)]
    assert notes == built.notes and notes[0].startswith("Portée issue des exports")
    glossary = book[book.sheetnames[-1]]
    assert book.sheetnames[-1] == "Glossaire"
    assert [c.value for c in glossary[1]] == ["Indicateur", "Définition"]
    named = {row[0].value: row[1].value for row in glossary.iter_rows(min_row=2)}
    assert named["Ambassadeurs actifs"].startswith("Personnes des effectifs de la période, certifiées")
    assert {"Effectifs", "Contributeurs", "Taux de participation", "Valeur média acquise"} <= set(named)
    reach = book[book.sheetnames[1]]
    assert reach["A2"].is_date and reach["A2"].number_format == "dd/mm/yyyy"
    assert all(isinstance(c.value, int | float) for c in reach[2][1:])


def test_cli_writes_pdf_and_html(engine, tmp_path, monkeypatch, capsys):
    org.build(engine, date.today())
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    target = tmp_path / "board.pdf"
    assert cli.main(["board-report", "--period", "last_90", "--language", "fr", "--to", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF-")
    html = tmp_path / "board.html"
    args = [
        "board-report",
        "--period",
        "last_365",
        "--department",
        "sales",
        "--language",
        "en",
        "--to",
        str(html),
    ]
    assert cli.main(args) == 0
    assert "Sales · from" in html.read_text()
    capsys.readouterr()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "last_9"], "--period must be last_90, last_365 or YYYY-MM-DD:YYYY-MM-DD"),
        (["--period", "2026-13-01:2026-12-01"], "--period must be"),
        (["--period", "2026-03-01:2026-02-01"], "The first day is after the last day."),
        (["--language", "de"], "--language must be fr or en"),
        (["--to", "report.docx"], "--to must name a .pdf or .html file"),
        (["--department", "Nowhere"], "no department is called 'Nowhere'"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(engine, tmp_path, monkeypatch, capsys, args, message):
    org.build(engine, date.today())
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    base = {"--period": "last_90", "--language": "en", "--to": str(tmp_path / "r.pdf")}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["board-report"] + [x for kv in base.items() for x in kv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "r.pdf").exists()
