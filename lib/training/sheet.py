"""The one-page do-and-don't sheet ambassadors print, in either language (`data/do_and_dont.yaml`),
as a self-contained HTML page with a print stylesheet (A4, one page), plus the alert contacts."""

from __future__ import annotations

from functools import cache
from html import escape

import yaml
from sqlalchemy.orm import Session

from lib.core.config import DATA_DIR
from lib.core.i18n import t
from lib.core.vocab import LANGUAGES
from lib.training import alerts

SHEET_FILE = DATA_DIR / "do_and_dont.yaml"


@cache
def sheet() -> dict:
    """The sheet's texts; each list has as many items in every language."""
    data = yaml.safe_load(SHEET_FILE.read_text(encoding="utf-8"))
    for part in ("do", "dont"):
        if {len(data[part][lang]) for lang in LANGUAGES} != {len(data[part]["en"])}:
            raise ValueError(f"do_and_dont.yaml: '{part}' differs in length between languages")
    return data


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4 portrait; margin: 12mm; }}
body {{ font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #1f2937; margin: 0;
        font-size: 12.5px; line-height: 1.35; }}
main {{ max-width: 190mm; margin: 10mm auto; }}
h1 {{ font-size: 22px; color: #1e3a5f; margin: 0 0 8px; }}
.cols {{ display: flex; gap: 8mm; }}
section {{ flex: 1; border-radius: 6px; padding: 4mm 5mm; }}
.do {{ background: #ecfdf5; border: 1.5px solid #059669; }}
.dont {{ background: #fef2f2; border: 1.5px solid #dc2626; }}
h2 {{ font-size: 16px; margin: 0 0 4px; }}
.do h2 {{ color: #065f46; }} .dont h2 {{ color: #991b1b; }}
ul {{ margin: 0; padding-left: 18px; }} li {{ margin: 0 0 5px; }}
.alerts {{ margin-top: 6mm; border: 1.5px solid #1e3a5f; border-radius: 6px; padding: 3mm 5mm; }}
.rights {{ margin-top: 4mm; font-size: 11.5px; color: #374151; }}
.hint {{ font-size: 11px; color: #6b7280; text-align: center; }}
@media print {{ .hint {{ display: none; }} main {{ margin: 0 auto; }}
  section, .alerts {{ break-inside: avoid; -webkit-print-color-adjust: exact; print-color-adjust: exact; }} }}
</style></head>
<body><main>
<h1>{title}</h1>
<div class="cols">
<section class="do"><h2>{do_title}</h2><ul>{do}</ul></section>
<section class="dont"><h2>{dont_title}</h2><ul>{dont}</ul></section>
</div>
<div class="alerts"><strong>{alerts_title}</strong><br>{office}<br>{out_of_hours}</div>
<p class="rights">{rights}</p>
</main><p class="hint">{hint}</p></body></html>
"""


def sheet_html(session: Session, lang: str) -> bytes:
    """The printable sheet in `lang`, with the alert contacts HR set (or where to find them)."""
    data, contacts = sheet(), alerts.contacts(session)

    def items(part: str) -> str:
        return "".join(f"<li>{escape(text)}</li>" for text in data[part][lang])

    def contact(field: str) -> str:
        value = contacts[field] or t("training.alerts.unset", lang)
        label = t(f"training.alerts.{field}", lang) + t("training.alerts.colon", lang)
        return f"{escape(label)}{escape(value)}"

    return _PAGE.format(
        lang=escape(lang),
        title=escape(data["title"][lang]),
        do_title=escape(t("training.sheet.do", lang)),
        dont_title=escape(t("training.sheet.dont", lang)),
        do=items("do"),
        dont=items("dont"),
        alerts_title=escape(t("training.alerts.title", lang)),
        office=contact("office"),
        out_of_hours=contact("out_of_hours"),
        rights=escape(data["rights"][lang]),
        hint=escape(t("training.sheet.hint", lang)),
    ).encode()
