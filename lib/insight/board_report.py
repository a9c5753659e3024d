"""The board report: a few A4 pages an executive can forward, in the reader's language: the key
figures with their comparisons, a short summary written from the figures (the biggest changes),
the trends and breakdowns as small vector charts, and notes. No raw tables: the data behind each
chart goes in a separate Excel workbook (one sheet per chart).

Two renderings of the same content: HTML (inline SVG, print stylesheet for A4) and PDF (fpdf2,
pure Python, no browser). Every text is escaped in the HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from lib.core import audit
from lib.core import formatting as fmt
from lib.core.i18n import t
from lib.core.models import utcnow
from lib.core.permissions import Actor, require
from lib.insight import glossary, report_charts
from lib.insight.kpis import GROUPS, Card, age_text, cards, emv_formula, provenance_line, value_of
from lib.insight.leadership import Overview

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SUMMARY_CHANGES = 3  # the biggest changes named in the summary

STYLE = """
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 1.5rem auto; max-width: 182mm; padding: 0 .5rem; font-size: 10.5pt; line-height: 1.4; }
h1 { font-size: 17pt; margin: 0 0 .2rem; } h2 { font-size: 12.5pt; margin: 1.1rem 0 .4rem;
     border-bottom: 1px solid #d9e2ec; padding-bottom: .2rem; break-after: avoid; }
h3 { font-size: 10pt; margin: 0 0 .2rem; }
.meta { color: #52606d; margin: .1rem 0; font-size: 9.5pt; }
.summary li { margin: .15rem 0; }
table.figures { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
table.figures th, table.figures td { padding: .18rem .45rem; border-bottom: 1px solid #e4e7eb;
                                     text-align: left; }
table.figures td.num, table.figures th.num { text-align: right; white-space: nowrap; }
table.figures tr.group th { background: #f5f7fa; }
.good { color: #0b7a53; } .bad { color: #b4410b; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem 1rem; }
figure { margin: 0; break-inside: avoid; } figure svg { width: 100%; height: auto; }
figcaption { color: #52606d; font-size: 8.5pt; }
.notes { color: #52606d; font-size: 8.5pt; }
.page { break-before: page; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
"""


@dataclass(frozen=True)
class Report:
    """Everything a rendering needs, already written for the language."""

    lang: str
    title: str
    scope_period: str
    generated: str
    summary: list[str]
    cards: dict[str, list[Card]]
    charts: list[report_charts.Chart]
    notes: list[str]
    glossary: list[tuple[str, str]]  # (measure, definition) of every measure the report shows
    file_stem: str


def _rise(card: Card) -> str:
    if card.delta is None or card.delta_color == "off":
        return ""
    good = card.delta.startswith("+") == (card.delta_color == "normal")
    return "good" if good else "bad"


def summary(overview: Overview, lang: str) -> list[str]:
    """A few sentences computed from the figures: reach, customers, acknowledgement, and the
    biggest relative changes against the previous period."""
    cur, prev = overview.current, overview.prior
    out = [
        t(
            "leadership.summary.reach",
            lang,
            active=fmt.number(cur.contributors, lang),
            contributions=fmt.number(cur.contributions, lang),
            impressions=fmt.number(cur.impressions, lang),
            emv=fmt.money_short(cur.emv(overview.rates), lang),
        ),
        t(
            "leadership.summary.customers",
            lang,
            wins=fmt.number(cur.wins, lang),
            win_value=fmt.money_short(cur.win_value, lang),
            losses=fmt.number(cur.losses, lang),
            loss_value=fmt.money_short(cur.loss_value, lang),
            open=fmt.number(cur.open_losses, lang),
        ),
    ]
    if cur.median_ack_hours is not None:
        ack = overview.ack_trend
        late = (
            float((ack["late_share"] * ack["acknowledged"]).sum() / ack["acknowledged"].sum())
            if len(ack)
            else None
        )
        out.append(
            t(
                "leadership.summary.ack",
                lang,
                median=fmt.hours(cur.median_ack_hours, lang),
                target=fmt.hours(overview.ack_target_hours, lang, 0),
                late=fmt.percent(late, lang, 0),
            )
        )
    changes = []
    written = {c.key: c for items in cards(overview, lang).values() for c in items}
    for items in GROUPS.values():
        for key, kind, _ in items:
            now, before = value_of(cur, key, overview), value_of(prev, key, overview)
            if now is None or not before or kind == "hours":
                continue
            changes.append((abs(now - before) / abs(before), key))
    biggest = [key for size, key in sorted(changes, reverse=True)[:SUMMARY_CHANGES] if size >= 0.05]
    if biggest:
        parts = [
            t(
                "leadership.summary.change",
                lang,
                figure=written[k].label,
                delta=written[k].delta,
                previous=written[k].previous,
            )
            for k in biggest
        ]
        out.append(
            t("leadership.summary.biggest", lang, changes=("\u202f; " if lang == "fr" else "; ").join(parts))
        )
    else:
        out.append(t("leadership.summary.steady", lang))
    return out


def shown_measures(overview: Overview, lang: str) -> list[str]:
    """The glossary's measures among the report's figures, in the glossary's order."""
    keys = {c.key for items in cards(overview, lang).values() for c in items} | {"workforce"}
    return [m for m in glossary.MEASURES if m in keys]


def build(
    overview: Overview, lang: str, scope: str, generated_at: datetime | None = None, zone: str | None = None
) -> Report:
    """The report's content for `overview`, in `lang`, for the scope named `scope`."""
    generated_at = generated_at or utcnow()
    period, previous = overview.view.period, overview.previous
    scope_period = t(
        "leadership.report.scope_period",
        lang,
        scope=scope,
        start=fmt.day(period.start, lang),
        end=fmt.day(period.end, lang),
        prev_start=fmt.day(previous.start, lang),
        prev_end=fmt.day(previous.end, lang),
    )
    notes = [
        provenance_line(overview, lang),
        emv_formula(overview, lang),
        t("leadership.value_note", lang),
        t("leadership.report.fair_note", lang, age=age_text(overview, lang)),
        t("leadership.report.buckets_note", lang, bucket=t(f"leadership.bucket.{period.bucket}", lang)),
        t("leadership.report.data_note", lang),
    ]
    return Report(
        lang=lang,
        title=t("leadership.report.title", lang),
        scope_period=scope_period,
        generated=t("leadership.report.generated", lang, time=fmt.date_time(generated_at, lang, zone)),
        summary=summary(overview, lang),
        cards=cards(overview, lang),
        charts=[c for c in report_charts.all_charts(overview, lang) if not c.empty],
        notes=notes,
        glossary=[
            tuple(row) for row in glossary.entries(lang, shown_measures(overview, lang)).values.tolist()
        ],
        file_stem=f"porte-voix_board_report_{period.start}_{period.end}",
    )


# --- HTML -----------------------------------------------------------------------------------


def to_html(report: Report) -> str:
    e, lang = html.escape, report.lang
    rows = []
    for group, items in report.cards.items():
        rows.append(f'<tr class=group><th colspan="4">{e(t(f"leadership.group.{group}", lang))}</th></tr>')
        rows += [
            f"<tr><td>{e(c.label)}</td><td class=num>{e(c.value)}</td><td class=num>{e(c.previous)}</td>"
            f"<td class='num {_rise(c)}'>{e(c.delta or '—')}</td></tr>"
            for c in items
        ]
    head = "".join(
        f"<th{' class=num' if i else ''}>{e(t(f'leadership.report.{k}', lang))}</th>"
        for i, k in enumerate(("figure", "value", "previous", "change"))
    )
    figures = "".join(
        f"<figure><h3>{e(c.title)}</h3>{report_charts.to_svg(c, lang)}"
        + (f"<figcaption>{e(c.note)}</figcaption>" if c.note else "")
        + "</figure>"
        for c in report.charts
    )
    body = [
        f"<h1>{e(report.title)}</h1>",
        f"<p class=meta>{e(report.scope_period)}</p>",
        f"<p class=meta>{e(report.generated)}</p>",
        f"<h2>{e(t('leadership.report.summary', lang))}</h2>",
        "<ul class=summary>" + "".join(f"<li>{e(s)}</li>" for s in report.summary) + "</ul>",
        f"<h2>{e(t('leadership.report.figures', lang))}</h2>",
        f"<table class=figures><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        f"<h2 class=page>{e(t('leadership.report.trends', lang))}</h2>",
        f"<div class=charts>{figures}</div>",
        f"<h2>{e(t('leadership.report.notes', lang))}</h2>",
        "<div class=notes>" + "".join(f"<p>{e(n)}</p>" for n in report.notes) + "</div>",
        f"<h2>{e(t('glossary.title', lang))}</h2>",
        "<dl class=notes>"
        + "".join(f"<dt><b>{e(m)}</b></dt><dd>{e(d)}</dd>" for m, d in report.glossary)
        + "</dl>",
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(report.title)} · {e(report.scope_period)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )


# --- PDF ------------------------------------------------------------------------------------


def _font_files() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        files = {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}
        if all(p.exists() for p in files.values()):
            return files
    return None


def _latin1(text: str) -> str:
    """For the core PDF font when no Unicode font is installed: what Latin-1 cannot hold, spelled out."""
    for a, b in (
        ("\u202f", " "),
        ("\u00a0", " "),
        ("€", "EUR"),
        ("’", "'"),
        ("…", "..."),
        ("–", "-"),
        ("—", "-"),
        ("−", "-"),
        ("÷", "/"),
        ("·", "-"),
    ):
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (vector charts; DejaVu Sans when installed, else Helvetica)."""
    from fpdf import FPDF  # imported here: only the report needs it

    lang = report.lang
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_compression(True)
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(report.title)
    pdf.set_lang(lang)
    pdf.set_creator("Porte-voix")
    fonts = _font_files()
    if fonts:
        for style, path in fonts.items():
            pdf.add_font("dejavu", style, str(path))
        family, text = "dejavu", lambda s: s
    else:
        family, text = "helvetica", _latin1
    footer = t("leadership.report.page", lang)

    def page_footer() -> None:
        pdf.set_y(-12)
        pdf.set_font(family, size=7.5)
        pdf.set_text_color(82, 96, 109)
        pdf.cell(
            pdf.epw * 0.85,
            4,
            text(_fit(pdf, f"{report.title} · {report.scope_period}", pdf.epw * 0.85, text)),
            align="L",
        )
        pdf.set_x(14)
        pdf.cell(0, 4, text(footer.format(n=pdf.page_no())), align="R")

    pdf.footer = page_footer  # type: ignore[method-assign]
    pdf.add_page()
    width = pdf.epw
    pdf.set_text_color(31, 41, 51)
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(width, 7.5, text(report.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9.5)
    pdf.set_text_color(82, 96, 109)
    pdf.multi_cell(width, 5, text(report.scope_period), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, text(report.generated), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def heading(words: str) -> None:
        pdf.set_text_color(31, 41, 51)
        pdf.set_font(family, "B", 12)
        pdf.cell(width, 7, text(words), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(217, 226, 236)
        pdf.line(14, pdf.get_y(), 14 + width, pdf.get_y())
        pdf.ln(1.5)

    heading(t("leadership.report.summary", lang))
    pdf.set_font(family, size=10)
    for sentence in report.summary:
        pdf.set_x(16)
        pdf.multi_cell(width - 2, 5, text("• " + sentence), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)
    pdf.ln(2)
    heading(t("leadership.report.figures", lang))
    columns = (width * 0.40, width * 0.18, width * 0.22, width * 0.20)
    pdf.set_font(family, "B", 8.5)
    pdf.set_fill_color(245, 247, 250)
    for i, key in enumerate(("figure", "value", "previous", "change")):
        pdf.cell(
            columns[i], 5.5, text(t(f"leadership.report.{key}", lang)), align="R" if i else "L", fill=True
        )
    pdf.ln()
    for group, items in report.cards.items():
        pdf.set_font(family, "B", 8.5)
        pdf.set_text_color(31, 41, 51)
        pdf.cell(width, 5.5, text(t(f"leadership.group.{group}", lang)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=8.5)
        for c in items:
            pdf.set_text_color(31, 41, 51)
            pdf.cell(columns[0], 4.8, text("   " + c.label))
            pdf.cell(columns[1], 4.8, text(c.value), align="R")
            pdf.cell(columns[2], 4.8, text(c.previous), align="R")
            rise = _rise(c)
            pdf.set_text_color(
                *((11, 122, 83) if rise == "good" else (180, 65, 11) if rise == "bad" else (31, 41, 51))
            )
            pdf.cell(columns[3], 4.8, text(c.delta or "—"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(31, 41, 51)

    def notes() -> None:
        pdf.ln(3)
        heading(t("leadership.report.notes", lang))
        pdf.set_font(family, size=8.5)
        pdf.set_text_color(82, 96, 109)
        for note in report.notes:
            pdf.multi_cell(width, 4.3, text(note), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(2)
        heading(t("glossary.title", lang))
        pdf.set_font(family, size=8.5)
        pdf.set_text_color(82, 96, 109)
        for measure, meaning in report.glossary:
            pdf.multi_cell(
                width, 4.3, text(f"**{measure}**: {meaning}"), markdown=True, new_x="LMARGIN", new_y="NEXT"
            )
            pdf.ln(0.6)

    notes_first = pdf.get_y() < pdf.h - 75  # the notes fit under the key figures
    if notes_first:
        notes()

    pdf.add_page()
    heading(t("leadership.report.trends", lang))
    box_w, box_h, gap = (width - 6) / 2, 62, 6
    column = 0
    for chart in report.charts:
        if column == 0 and pdf.get_y() + box_h + 8 > pdf.h - 18:
            pdf.add_page()
        x = 14 + column * (box_w + gap)
        y = pdf.get_y()
        pdf.set_xy(x, y)
        pdf.set_font(family, "B", 8.5)
        pdf.set_text_color(31, 41, 51)
        pdf.cell(box_w, 4.5, text(_fit(pdf, chart.title, box_w, text)))
        pdf.set_font(family, size=7)
        report_charts.draw_pdf(pdf, chart, lang, x, y + 5.5, box_w, box_h - 12, text)
        if chart.note:
            pdf.set_font(family, size=7)
            pdf.set_text_color(82, 96, 109)
            pdf.set_xy(x, y + box_h - 5.5)
            pdf.cell(box_w, 4, text(_fit(pdf, chart.note, box_w, text)))
        column = 1 - column
        pdf.set_xy(14, y if column else y + box_h + 2)
    if column:
        pdf.set_xy(14, pdf.get_y() + box_h + 2)
    if not notes_first:
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        notes()
    return bytes(pdf.output())


def _fit(pdf, words: str, width: float, text) -> str:
    """`words` cut with «…» to fit `width` at the current font."""
    if pdf.get_string_width(text(words)) <= width:
        return words
    while words and pdf.get_string_width(text(words + "…")) > width:
        words = words[:-1]
    return words.rstrip() + "…"


# --- the data workbook ----------------------------------------------------------------------


def workbook(report: Report) -> bytes:
    """The data behind the report: the key figures, then one sheet per chart, typed, and the
    report's notes (where the reach comes from, how many wait for a review, the rates...)."""
    figures = pd.DataFrame(
        [
            (t(f"leadership.group.{group}", report.lang), c.label, c.value, c.previous, c.delta or "")
            for group, items in report.cards.items()
            for c in items
        ],
        columns=[t("leadership.report.group", report.lang)]
        + [t(f"leadership.report.{k}", report.lang) for k in ("figure", "value", "previous", "change")],
    )
    sheets = {t("leadership.report.figures", report.lang): figures}
    sheets |= {c.title: c.data for c in report.charts}
    notes = t("leadership.report.notes", report.lang)
    sheets[notes] = pd.DataFrame({notes: report.notes})
    sheets[t("glossary.title", report.lang)] = pd.DataFrame(
        report.glossary,
        columns=[t("glossary.measure", report.lang), t("glossary.definition", report.lang)],
    )
    return fmt.to_excel(sheets, report.lang)


# --- entry points ---------------------------------------------------------------------------


def board_report(
    overview: Overview, lang: str, scope: str, generated_at: datetime | None = None, zone: str | None = None
) -> str:
    """The report as an HTML document (kept for the page's download button and older callers)."""
    return to_html(build(overview, lang, scope, generated_at, zone))


def board_report_pdf(
    overview: Overview, lang: str, scope: str, generated_at: datetime | None = None, zone: str | None = None
) -> bytes:
    return to_pdf(build(overview, lang, scope, generated_at, zone))


def board_workbook(overview: Overview, lang: str, scope: str, zone: str | None = None) -> bytes:
    return workbook(build(overview, lang, scope, zone=zone))


def record_download(
    session: Session, actor: Actor, scope: str, start: str, end: str, format: str = "html"
) -> None:
    """Audit a board report download."""
    require(actor, "overview.view")
    audit.record(
        session, actor, "export", "leadership_report", scope=scope, start=start, end=end, format=format
    )
