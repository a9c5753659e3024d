"""Import of contributions from a CSV file: template, preview, then all-or-nothing commit.

Every row is checked before anything is written; one bad row refuses the whole file and every
problem is reported with its row (the file's line number: the header is line 1, so the first
data row is row 2) and column. Each row gets a key (a hash of its normalised values) unique per
person, so importing the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib.activity import review
from lib.activity.contributions import COLUMNS, check
from lib.activity.urls import url_key
from lib.core import audit
from lib.core.errors import Conflict, Problem, ValidationError
from lib.core.fields import Checker
from lib.core.formatting import to_csv, to_excel
from lib.core.i18n import label, t
from lib.core.models import Contribution, User, utcnow
from lib.core.permissions import Actor, require
from lib.core.spreadsheets import read_csv
from lib.core.vocab import CONTRIBUTION_KINDS, LANGUAGES, PLATFORMS

REQUIRED = ("date", "platform", "kind")
FIRST_DATA_ROW = 2  # the header is line 1


EXAMPLE = {
    "date": "2026-11-30",
    "platform": "linkedin",
    "kind": "share",
    "url": "https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000000/",
    "impressions": 1200,
    "reactions": 35,
    "comments": 4,
    "shares": 2,
    "clicks": 18,
    "minutes_spent": 10,
    "note": "Shared the Lyon hiring post",
}


def template(lang: str = "en") -> bytes:
    """A CSV with the expected columns and one example row to overwrite."""
    return to_csv(pd.DataFrame([EXAMPLE], columns=list(COLUMNS)), lang)


def allowed_values(lang: str = "en") -> pd.DataFrame:
    """One line per column: its name, whether it is required, and what it accepts (codes or labels)."""
    codes = {"platform": PLATFORMS, "kind": CONTRIBUTION_KINDS}
    accepts = {
        c: ", ".join(f"{code} ({label(code, lang)})" for code in codes[c])
        if c in codes
        else t(f"contrib.rule.{c}", lang)
        for c in COLUMNS
    }
    return pd.DataFrame(
        [
            {
                t("roster.rule.column", lang): c,
                t("roster.rule.required", lang): t(
                    "roster.rule.yes" if c in REQUIRED else "roster.rule.no", lang
                ),
                t("roster.rule.accepts", lang): accepts[c],
                t("roster.rule.example", lang): EXAMPLE[c],
            }
            for c in COLUMNS
        ]
    )


def template_excel(lang: str = "en") -> bytes:
    """The template as a workbook: the example row, and a sheet with each column's allowed values."""
    return to_excel(
        {
            "contributions": pd.DataFrame([EXAMPLE], columns=list(COLUMNS)),
            t("roster.rule.sheet", lang): allowed_values(lang),
        },
        lang,
    )


def _aliases(codes) -> dict[str, str]:
    """Accepted spellings of each code: the code, and its label in every language (any case)."""
    names = {code.lower(): code for code in codes}
    names.update({label(code, lang).lower(): code for code in codes for lang in LANGUAGES})
    return names


ALIASES = {"platform": _aliases(PLATFORMS), "kind": _aliases(CONTRIBUTION_KINDS)}


def row_key(clean: dict) -> str:
    """The idempotency key of a row: a hash of its normalised values."""
    payload = json.dumps(clean, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Preview:
    """What an import would do: every row checked, the problems, and which rows are new."""

    rows: list[dict] = field(default_factory=list)  # clean values + "row" and "status"
    problems: list[Problem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.rows)

    def table(self) -> pd.DataFrame:
        columns = [
            "row",
            "status",
            "occurred_on",
            "platform",
            "kind",
            "url",
            "impressions",
            "reactions",
            "comments",
            "shares",
            "clicks",
            "minutes_spent",
            "note",
        ]
        return pd.DataFrame(self.rows, columns=columns)


def _existing_keys(session: Session, user_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.scalars(
                select(Contribution.import_key).where(
                    Contribution.user_id == user_id, Contribution.import_key.in_(chunk)
                )
            )
        )
    return found


def preview(session: Session, actor: Actor, data: bytes) -> Preview:
    """Read and check every row; mark each as new, already imported or repeated in the file."""
    require(actor, "contributions.log")
    df = read_csv(data, list(REQUIRED))
    result = Preview()
    for index, values in enumerate(df.to_dict("records")):
        ck = Checker(row=index + FIRST_DATA_ROW)
        clean = check(ck, values, ALIASES)
        result.problems += ck.problems
        if not ck.problems:
            result.rows.append({"row": ck.row, **clean, "import_key": row_key(clean)})
    existing = _existing_keys(session, actor.id, [r["import_key"] for r in result.rows])
    seen: set[str] = set()
    for r in result.rows:
        key = r["import_key"]
        r["status"] = "existing" if key in existing else "repeated" if key in seen else "new"
        seen.add(key)
    if not result.rows and not result.problems:
        result.problems.append(Problem("contrib.import_empty"))
    return result


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int


def commit(session: Session, actor: Actor, data: bytes) -> ImportResult:
    """Import the file: every new row, or nothing at all if any row is wrong."""
    checked = preview(session, actor, data)
    if checked.problems:
        raise ValidationError(checked.problems)
    department_id = session.get(User, actor.id).department_id
    now = utcnow()
    new = [
        {k: v for k, v in r.items() if k not in ("row", "status")}
        | {
            "user_id": actor.id,
            "department_id": department_id,
            "url_key": url_key(r["url"]),
            "figures_source": "typed",
            "created_at": now,
            "updated_at": now,
        }
        for r in checked.rows
        if r["status"] == "new"
    ]
    checks = review.Checks(session, actor.id, now.date())
    for row in new:  # implausible typed figures wait for HR, as on the form
        reasons = checks.reasons(row)
        row["review"], row["review_reasons"] = ("pending", ",".join(reasons)) if reasons else ("ok", None)
    try:
        if new:
            session.execute(insert(Contribution), new)
            session.flush()
    except IntegrityError:  # the same file imported at the same moment in another session
        raise Conflict("contrib.import_conflict") from None
    result = ImportResult(created=len(new), skipped=len(checked.rows) - len(new))
    digest = hashlib.sha256(data).hexdigest()
    audit.record(
        session,
        actor,
        "contribution.imported",
        f"sha256:{digest[:16]}",
        subject=actor.id,
        sha256=digest,
        rows=len(checked.rows),
        created=result.created,
        skipped=result.skipped,
    )
    return result
