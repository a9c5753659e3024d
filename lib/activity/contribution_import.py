"""Import of contributions from a CSV file: template, preview, then all-or-nothing commit.

Every row is checked before anything is written; one bad row refuses the whole file and every
problem is reported with its row (the file's line number: the header is line 1, so the first
data row is row 2) and column. Each row gets a key (a hash of its normalised values) unique per
person, so importing the same file again adds nothing. A post is logged once: a row whose link
(normalised, lib.activity.urls) is on an earlier row of the file, or on one of the person's
contributions that this very row did not create, is refused, pointing to the other one.
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
from lib.activity.contributions import COLUMNS, check, duplicate_problem
from lib.activity.urls import url_key
from lib.core import audit
from lib.core.db import fetch
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


def _logged_links(session: Session, user_id: int, links: list[str]) -> dict[str, tuple]:
    """The person's first contribution with each of these links: (id, date, platform, kind)."""
    c = Contribution
    found: dict[str, tuple] = {}
    for start in range(0, len(links), 500):
        chunk = links[start : start + 500]
        query = (
            select(c.url_key, c.id, c.occurred_on, c.platform, c.kind)
            .where(c.user_id == user_id, c.url_key.in_(chunk))
            .order_by(c.occurred_on, c.id)
        )
        for link, *entry in session.execute(query):
            found.setdefault(str(link), tuple(entry))
    return found


def _refuse_duplicate_links(session: Session, user_id: int, result: Preview) -> None:
    """A new row whose link is on an earlier row of the file or already logged is a problem."""
    links = sorted({r["url_key"] for r in result.rows if r["url_key"] and r["status"] == "new"})
    logged = _logged_links(session, user_id, links)
    first_row: dict[str, int] = {}
    for r in result.rows:
        link = r["url_key"]
        if link is None or r["status"] == "repeated":  # the same row again is the same contribution
            continue
        if r["status"] == "new":
            ck = Checker(row=r["row"])
            if link in first_row:
                ck.fail("contrib.duplicate_in_file", "contrib.url", first=first_row[link])
            elif link in logged:
                duplicate_problem(ck, logged[link])
            result.problems += ck.problems
        first_row.setdefault(link, r["row"])


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
            result.rows.append(
                {"row": ck.row, **clean, "import_key": row_key(clean), "url_key": url_key(clean["url"])}
            )
    existing = _existing_keys(session, actor.user_id, [r["import_key"] for r in result.rows])
    seen: set[str] = set()
    for r in result.rows:
        key = r["import_key"]
        r["status"] = "existing" if key in existing else "repeated" if key in seen else "new"
        seen.add(key)
    _refuse_duplicate_links(session, actor.user_id, result)
    result.problems.sort(key=lambda p: p.row or 0)
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
    department_id = fetch(session, User, actor.user_id, "error.user_not_found").department_id
    now = utcnow()
    new = [
        {k: v for k, v in r.items() if k not in ("row", "status")}
        | {
            "user_id": actor.id,
            "department_id": department_id,
            "figures_source": "typed",
            "created_at": now,
            "updated_at": now,
        }
        for r in checked.rows
        if r["status"] == "new"
    ]
    checks = review.Checks(session, actor.user_id, now.date())
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
