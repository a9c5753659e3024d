"""The board report: one self-contained HTML file (figures, charts, tables, period, time made).

Every text is escaped; plotly's script is embedded once, so the file opens offline.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.i18n import t
from lib.core.models import utcnow
from lib.core.permissions import Actor, require_role
from lib.insight.charts import latest_table, sections
from lib.insight.kpis import cards, emv_formula
from lib.insight.leadership import VIEWERS, Overview

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d9e2ec; padding-bottom: .3rem; }
.meta { color: #52606d; margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e7eb; }
th { background: #f5f7fa; } td.num, th.num { text-align: right; }
.empty { color: #52606d; font-style: italic; }
"""


def _figures_table(overview: Overview, lang: str) -> str:
    e = html.escape
    rows = []
    for group, items in cards(overview, lang).items():
        rows.append(f'<tr><th colspan="4">{e(t(f"leadership.group.{group}", lang))}</th></tr>')
        rows += [
            f"<tr><td>{e(c.label)}</td><td class=num>{e(c.value)}</td><td class=num>{e(c.previous)}</td>"
            f"<td class=num>{e(c.delta or '—')}</td></tr>"
            for c in items
        ]
    head = "".join(
        f"<th{' class=num' if i else ''}>{e(t(f'leadership.report.{k}', lang))}</th>"
        for i, k in enumerate(("figure", "value", "previous", "change"))
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def board_report(overview: Overview, lang: str, scope: str, generated_at: datetime | None = None) -> str:
    """The report as an HTML document, in `lang`, for the scope named `scope` (made now by default)."""
    e = html.escape
    generated_at = generated_at or utcnow()
    period, previous = overview.view.period, overview.previous
    dates = {"start": period.start, "end": period.end, "prev_start": previous.start, "prev_end": previous.end}
    made = generated_at.strftime("%Y-%m-%d %H:%M")
    body = [
        f"<h1>{e(t('leadership.report.title', lang))}</h1>",
        f"<p class=meta>{e(t('leadership.report.scope_period', lang, scope=scope, **dates))}</p>",
        f"<p class=meta>{e(t('leadership.report.generated', lang, time=made))}</p>",
        f"<h2>{e(t('leadership.report.figures', lang))}</h2>",
        _figures_table(overview, lang),
        f"<p>{e(emv_formula(overview, lang))}</p>",
        f"<p class=meta>{e(t('leadership.value_note', lang))}</p>",
    ]
    first_chart = True
    for section in sections(overview, lang):
        body.append(f"<h2>{e(section.title)}</h2>")
        if section.figure is None:
            body.append(f"<p class=empty>{e(section.empty)}</p>")
        else:
            section.figure.update_layout(template="plotly_white")
            body.append(
                section.figure.to_html(full_html=False, include_plotlyjs=first_chart, default_width="100%")
            )
            first_chart = False
        body.append(section.table.to_html(index=False, escape=True, border=0, na_rep="—"))
    latest = latest_table(overview, lang)
    body.append(f"<h2>{e(t('leadership.chart.latest', lang))}</h2>")
    body.append(
        latest.to_html(index=False, escape=True, border=0, na_rep="—")
        if len(latest)
        else f"<p class=empty>{e(t('leadership.no_signals', lang))}</p>"
    )
    title = e(f"{t('leadership.report.title', lang)} · {scope} · {period.start} – {period.end}")
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )


def record_download(session: Session, actor: Actor, scope: str, start: str, end: str) -> None:
    """Audit a board report download."""
    require_role(actor, *VIEWERS)
    audit.record(
        session, actor, "export", "leadership_report", scope=scope, start=start, end=end, format="html"
    )
