"""Import of a member's own platform analytics export: LinkedIn creator analytics (.xlsx) and
X post analytics (.csv). Figures then come from the platform, not from memory.

- LinkedIn: sheets DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, DEMOGRAPHICS (French: DÉCOUVERTE,
  ENGAGEMENT, MEILLEURS POSTS, ABONNÉS, DONNÉES DÉMOGRAPHIQUES). Tables are found by their header
  names (English or French) wherever the header row sits. TOP POSTS holds two tables side by
  side (Post URL · Post publish date · Engagements, and the same with Impressions); ENGAGEMENT
  the daily Date · Impressions · Engagements; DISCOVERY the period's Impressions and Members
  reached. LinkedIn lumps reactions, comments and reposts into "Engagements": the total is kept
  as such (`contributions.engagements`), never split.
- X: one row per post; columns matched by name, older "Tweet …" and newer "Post …" headers.

Posts are matched to the person's contributions by their normalised URL (lib.activity.urls):
a match takes the platform's figures, an unmatched post becomes a contribution. `preview`
shows what `apply` would create and update, and writes nothing; `apply` writes it all or
nothing; importing the same file again changes nothing; a later export updates the figures.
A bad file raises one ValidationError naming the sheet, column and row.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from lib.activity import review
from lib.activity.urls import url_key
from lib.core import audit
from lib.core.errors import NotFound, Problem, ValidationError
from lib.core.models import AnalyticsImport, Contribution, PlatformDay, User, utcnow
from lib.core.permissions import Actor, require_any, require_self_or
from lib.core.spreadsheets import MAX_UPLOAD_BYTES, csv_rows, open_workbook

MAX_ROWS = 5_000  # rows read per sheet or CSV (an export has at most ~400)
MAX_COLUMNS = 60
HEADER_SCAN = 40  # rows searched for a header
MAX_POSTS = 2_000
MAX_FILENAME = 255

SHEETS = {
    "discovery": ("DISCOVERY", "DECOUVERTE"),
    "engagement": ("ENGAGEMENT",),
    "top_posts": ("TOP POSTS", "MEILLEURS POSTS"),
    "followers": ("FOLLOWERS", "ABONNES"),
    "demographics": ("DEMOGRAPHICS", "DONNEES DEMOGRAPHIQUES"),
}
REQUIRED_SHEETS = ("engagement", "top_posts")
HEADERS = {
    "url": ("post url", "url du post", "url de la publication", "url du poste"),
    "published": (
        "post publish date",
        "publish date",
        "date de publication du post",
        "date de publication de la publication",
        "date de publication",
    ),
    "engagements": ("engagements", "interactions"),
    "impressions": ("impressions",),
    "date": ("date",),
    "members_reached": ("members reached", "membres touches"),
}
X_HEADERS = {
    "id": ("tweet id", "post id", "id"),
    "permalink": ("tweet permalink", "post permalink", "post link", "permalink", "post url", "tweet url"),
    "time": ("time", "date", "post time", "tweet time", "created at"),
    "impressions": ("impressions",),
    "engagements": ("engagements",),
    "reposts": ("retweets", "reposts"),
    "replies": ("replies",),
    "likes": ("likes",),
    "url_clicks": ("url clicks", "link clicks"),
}
X_FIGURES = {"reactions": "likes", "comments": "replies", "shares": "reposts", "clicks": "url_clicks"}
POST_FIGURES = ("impressions", "reactions", "comments", "shares", "engagements", "clicks")


def _norm(value) -> str:
    """A header or sheet name compared loosely: no accents, lower case, single spaces."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().lower()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fail(key: str, **params) -> ValidationError:
    return ValidationError([Problem(key, params=params)])


@dataclass
class Post:
    url: str
    key: str
    published_on: date | None
    figures: dict[str, int] = field(default_factory=dict)


@dataclass
class Export:
    """What a platform export says, read and checked, before any matching."""

    platform: str
    language: str  # the export's interface language (en / fr), as its headers tell
    posts: list[Post]
    days: list[tuple[date, int | None, int | None]]  # day, impressions, engagements
    impressions: int | None = None
    members_reached: int | None = None

    @property
    def period(self) -> tuple[date | None, date | None]:
        days = [d for d, _, _ in self.days] or [p.published_on for p in self.posts if p.published_on]
        return (min(days), max(days)) if days else (None, None)


# --- reading cells ------------------------------------------------------------------------


class _Cells:
    """Turns cells into numbers and dates, naming the sheet, column and row when one is wrong."""

    def __init__(self, sheet: str, day_first: bool):
        self.sheet, self.day_first = sheet, day_first

    def where(self, row: int, col: int) -> dict:
        return {"sheet": self.sheet, "column": _column_letter(col), "row": row}

    def number(self, value, row: int, col: int) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise _fail("analytics.not_a_number", value=str(value), **self.where(row, col))
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = re.sub(r"[\s\u00a0\u202f,]", "", str(value))
            if not text.isdigit():
                raise _fail("analytics.not_a_number", value=str(value)[:40], **self.where(row, col))
            number = int(text)
        if number < 0 or number > 2_147_483_647:
            raise _fail("analytics.not_a_number", value=str(value)[:40], **self.where(row, col))
        return number

    def day(self, value, row: int, col: int) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
        try:
            if found:
                return date(int(found[1]), int(found[2]), int(found[3]))
            found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
            if found:
                a, b, year = int(found[1]), int(found[2]), int(found[3])
                day_first = self.day_first if a <= 12 and b <= 12 else a > 12
                return date(year, b, a) if day_first else date(year, a, b)
        except ValueError:
            pass
        raise _fail("analytics.bad_date", value=text[:40], **self.where(row, col))


def _rows(sheet) -> list[tuple]:
    """The sheet's rows as value tuples, capped in rows and columns (whatever it claims)."""
    out = []
    for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
        if index >= MAX_ROWS:
            raise _fail("analytics.too_many_rows", sheet=sheet.title, n=MAX_ROWS)
        out.append(tuple(row))
    return out


def _find_header(rows: list[tuple], wanted: tuple[str, ...]) -> tuple[int, dict[str, list[int]]] | None:
    """The first row holding every `wanted` header, with the columns of each (a header may
    appear several times: tables side by side)."""
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[str, list[int]] = {}
        for col, cell in enumerate(row):
            name = _norm(cell)
            for what in wanted:
                if name in HEADERS[what]:
                    columns.setdefault(what, []).append(col)
                    break
        if all(w in columns for w in wanted):
            return index, columns
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _language(rows_by_sheet: dict[str, list[tuple]], sheet_names: dict[str, str]) -> str:
    french = any(_norm(sheet_names[k]) != _norm(SHEETS[k][0]) for k in sheet_names if len(SHEETS[k]) > 1)
    if not french:
        text = " ".join(
            _norm(c) for rows in rows_by_sheet.values() for r in rows[:HEADER_SCAN] for c in r if c
        )
        french = "interactions" in text or "membres touches" in text or "url du post" in text
    return "fr" if french else "en"


def read_linkedin(data: bytes) -> Export:
    """Read a LinkedIn creator analytics workbook (see the module doc)."""
    book = open_workbook(data)
    try:
        found: dict[str, str] = {}
        for title in book.sheetnames:
            for key, names in SHEETS.items():
                if _norm(title).upper() in names:
                    found[key] = title
        missing = [SHEETS[k][0] for k in REQUIRED_SHEETS if k not in found]
        if missing:
            raise _fail("analytics.not_linkedin", sheets=", ".join(missing))
        rows: dict[str, list[tuple]] = {
            k: _rows(book[found[k]]) for k in ("engagement", "top_posts", "discovery") if k in found
        }
    finally:
        book.close()
    language = _language(rows, found)
    day_first = language == "fr"
    posts = _top_posts(rows["top_posts"], found["top_posts"], day_first)
    days = _days(rows["engagement"], found["engagement"], day_first)
    impressions = members = None
    if "discovery" in rows:
        impressions, members = _discovery(rows["discovery"], found["discovery"])
    return Export("linkedin", language, posts, days, impressions, members)


def _top_posts(rows: list[tuple], sheet: str, day_first: bool) -> list[Post]:
    header = _find_header(rows, ("url", "published"))
    if header is None:
        raise _fail("analytics.missing_table", sheet=sheet, columns="Post URL · Post publish date")
    head, columns = header
    cells = _Cells(sheet, day_first)
    metric_columns = []
    for col, cell in enumerate(rows[head]):
        name = _norm(cell)
        if name in HEADERS["engagements"]:
            metric_columns.append((col, "engagements"))
        elif name in HEADERS["impressions"]:
            metric_columns.append((col, "impressions"))
    tables = []
    for url_col in columns["url"]:  # each table: its URL column, the next date and metric to the right
        date_col = next((c for c in columns["published"] if c > url_col), None)
        metric_column = next(((c, m) for c, m in metric_columns if c > url_col), None)
        if date_col is None or metric_column is None:
            raise _fail("analytics.missing_table", sheet=sheet, columns="Engagements / Impressions")
        tables.append((url_col, date_col, *metric_column))
    posts: dict[str, Post] = {}
    for offset, row in enumerate(rows[head + 1 :]):
        excel_row = head + 2 + offset
        for url_col, date_col, metric_col, metric in tables:
            url = row[url_col] if url_col < len(row) else None
            if _blank(url):
                continue
            url = str(url).strip()
            key = url_key(url)
            if key is None or not key.startswith("linkedin:"):
                raise _fail("analytics.bad_post_url", value=url[:80], **cells.where(excel_row, url_col))
            published = cells.day(row[date_col] if date_col < len(row) else None, excel_row, date_col)
            value = cells.number(row[metric_col] if metric_col < len(row) else None, excel_row, metric_col)
            post = posts.setdefault(key, Post(url, key, published))
            if value is not None:
                post.figures[metric] = value
            if len(posts) > MAX_POSTS:
                raise _fail("analytics.too_many_rows", sheet=sheet, n=MAX_POSTS)
    return list(posts.values())


def _days(rows: list[tuple], sheet: str, day_first: bool) -> list[tuple[date, int | None, int | None]]:
    header = _find_header(rows, ("date", "impressions"))
    if header is None:
        raise _fail("analytics.missing_table", sheet=sheet, columns="Date · Impressions")
    head, columns = header
    date_col, imp_col = columns["date"][0], columns["impressions"][0]
    eng_col = next(
        (c for c, cell in enumerate(rows[head]) if _norm(cell) in HEADERS["engagements"]),
        None,
    )
    cells = _Cells(sheet, day_first)
    out: dict[date, tuple[date, int | None, int | None]] = {}
    for offset, row in enumerate(rows[head + 1 :]):
        excel_row = head + 2 + offset
        raw = row[date_col] if date_col < len(row) else None
        if _blank(raw):
            continue
        day = cells.day(raw, excel_row, date_col)
        impressions = cells.number(row[imp_col] if imp_col < len(row) else None, excel_row, imp_col)
        engagements = (
            cells.number(row[eng_col] if eng_col < len(row) else None, excel_row, eng_col)
            if eng_col is not None
            else None
        )
        out[day] = (day, impressions, engagements)
    return sorted(out.values())


def _discovery(rows: list[tuple], sheet: str) -> tuple[int | None, int | None]:
    """The period's impressions and members reached: a label with its value to its right."""
    cells = _Cells(sheet, False)
    found: dict[str, int | None] = {}
    for index, row in enumerate(rows[:HEADER_SCAN]):
        for col, cell in enumerate(row):
            name = _norm(cell)
            what = next((w for w in ("impressions", "members_reached") if name in HEADERS[w]), None)
            if what is None or what in found:
                continue
            value = next((v for v in row[col + 1 :] if not _blank(v)), None)
            if value is None and index + 1 < len(rows) and col < len(rows[index + 1]):
                value = rows[index + 1][col]  # the value under its label
            found[what] = cells.number(value, index + 1, col + 1)
    return found.get("impressions"), found.get("members_reached")


def read_x(data: bytes) -> Export:
    """Read an X post analytics CSV (older "Tweet …" or newer "Post …" headers). The file goes
    through the capped CSV reader (lib.core.spreadsheets.csv_rows): size, columns, cells and rows
    are refused past their limits before anything is built."""
    header, lines = csv_rows(data, max_rows=MAX_ROWS)
    columns: dict[str, int] = {}
    for col, name in enumerate(header):
        for what, names in X_HEADERS.items():
            if _norm(name) in names and what not in columns:
                columns[what] = col
                break
    missing = [w for w in ("time", "impressions") if w not in columns]
    if "id" not in columns and "permalink" not in columns:
        missing.insert(0, "Tweet id / Post id")
    if missing:
        raise _fail("analytics.not_x", columns=", ".join(missing))
    cells = _Cells("CSV", False)
    posts: dict[str, Post] = {}
    for line, row in lines:

        def get(what, row=row):
            return row[columns[what]] if what in columns else ""

        url = get("permalink")
        key = url_key(url) if url else None
        if key is None or not key.startswith("x:"):
            ident = get("id")
            if not ident.isdigit():
                where = cells.where(line, columns.get("id", columns.get("permalink", 0)))
                raise _fail("analytics.bad_post_url", value=(url or ident)[:80], **where)
            key, url = f"x:{ident}", url or f"https://x.com/i/web/status/{ident}"
        post = Post(url, key, _x_time(get("time"), cells, line, columns["time"]))
        for figure, what in (("impressions", "impressions"), *X_FIGURES.items()):
            value = cells.number(get(what), line, columns[what]) if what in columns else None
            if value is not None:
                post.figures[figure] = value
        if not any(w in columns for w in ("likes", "replies", "reposts")) and "engagements" in columns:
            value = cells.number(get("engagements"), line, columns["engagements"])
            if value is not None:
                post.figures["engagements"] = value
        posts[key] = post
    return Export("x", "en", list(posts.values()), [])


def _x_time(text: str, cells: _Cells, row: int, col: int) -> date:
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if found:
        return date(int(found[1]), int(found[2]), int(found[3]))
    for fmt in ("%a, %b %d, %Y", "%b %d, %Y", "%a %b %d %Y", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return cells.day(text, row, col)


def read_export(data: bytes, filename: str) -> Export:
    """The export in `data`: a workbook (by its content, not its name) is LinkedIn's, a text file X's."""
    if not data:
        raise _fail("analytics.empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _fail("import.too_large", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    is_zip = data[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xlsx", ".xlsm")) and not is_zip:
        raise _fail("analytics.not_xlsx", filename=filename[:80])
    export = read_linkedin(data) if is_zip else read_x(data)
    if not export.posts and not export.days:
        raise _fail("analytics.no_posts")
    return export


# --- matching and writing -----------------------------------------------------------------


@dataclass
class Plan:
    """What an import would do (preview) or did (apply)."""

    user_id: int
    export: Export
    rows: list[dict]  # status (create / update / unchanged), contribution_id, occurred_on, url, figures, held
    new_days: list[dict]
    changed_days: list[dict]
    sha256: str
    filename: str
    import_id: int | None = None

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.rows)

    @property
    def held(self) -> int:
        return sum(bool(r["reasons"]) for r in self.rows if r["status"] != "unchanged")

    @property
    def changes(self) -> bool:
        return bool(self.count("create") or self.count("update") or self.new_days or self.changed_days)


def _target(session: Session, actor: Actor, username: str | None) -> User:
    """The person whose export it is: the actor, or (HR, admin) anyone named."""
    require_any(actor, "contributions.log", "analytics.import_for_others")
    if username is None:
        user = session.get(User, actor.id) if actor.id is not None else None
    else:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound("analytics.unknown_user")
    require_self_or(actor, user.id, "analytics.import_for_others")
    return user


def _existing(session: Session, user_id: int, keys: list[str]) -> dict[str, Contribution]:
    found: dict[str, Contribution] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.scalars(
            select(Contribution)
            .where(Contribution.user_id == user_id, Contribution.url_key.in_(chunk))
            .order_by(Contribution.id)
        )
        for row in rows:
            if row.url_key is not None:  # always: the query matched it
                found.setdefault(row.url_key, row)
    return found


def _figures_after(row: Contribution | None, post: Post, platform: str) -> dict:
    """The contribution's figures once the platform's are applied (missing ones are kept)."""
    current = {n: getattr(row, n) if row is not None else None for n in POST_FIGURES}
    after = dict(current)
    after.update(post.figures)
    if platform == "linkedin" and "engagements" in post.figures:
        after.update(reactions=None, comments=None, shares=None)  # a total, not a split
    return after


def plan(session: Session, actor: Actor, data: bytes, filename: str, username: str | None = None) -> Plan:
    """Read, check and match the export; write nothing."""
    user = _target(session, actor, username)
    export = read_export(data, filename)
    existing = _existing(session, user.id, [p.key for p in export.posts])
    checks = review.Checks(session, user.id, utcnow().date())
    rows = []
    for post in export.posts:
        row = existing.get(post.key)
        after = _figures_after(row, post, export.platform)
        if row is None:
            status = "create"
        else:
            same = all(getattr(row, n) == after[n] for n in POST_FIGURES) and row.figures_source == "imported"
            status = "unchanged" if same else "update"
        day = post.published_on or (row.occurred_on if row is not None else None)
        reasons = checks.reasons(
            {"occurred_on": day, "platform": export.platform, **after},
            exclude_id=row.id if row is not None else None,
        )
        if status == "update" and row is not None and row.review == "approved":
            reasons = [r for r in reasons if r not in (row.review_reasons or "").split(",")]
        rows.append(
            {
                "status": status,
                "contribution_id": row.id if row is not None else None,
                "occurred_on": day,
                "url": post.url,
                "url_key": post.key,
                **after,
                "reasons": reasons if status != "unchanged" else [],
            }
        )
    new_days, changed_days = _day_changes(session, user.id, export)
    return Plan(
        user.id,
        export,
        rows,
        new_days,
        changed_days,
        hashlib.sha256(data).hexdigest(),
        (filename or "export")[-MAX_FILENAME:],
    )


def _day_changes(session: Session, user_id: int, export: Export) -> tuple[list[dict], list[dict]]:
    if not export.days:
        return [], []
    first, last = export.days[0][0], export.days[-1][0]
    P = PlatformDay
    known = {
        d: (i, e)
        for d, i, e in session.execute(
            select(P.day, P.impressions, P.engagements).where(
                P.user_id == user_id, P.platform == export.platform, P.day.between(first, last)
            )
        )
    }
    new, changed = [], []
    for day, impressions, engagements in export.days:
        values = {
            "user_id": user_id,
            "platform": export.platform,
            "day": day,
            "impressions": impressions,
            "engagements": engagements,
        }
        if day not in known:
            new.append(values)
        elif known[day] != (impressions, engagements):
            changed.append(values)
    return new, changed


def preview(session: Session, actor: Actor, data: bytes, filename: str, username: str | None = None) -> Plan:
    """What importing the export would create and update (nothing is written)."""
    return plan(session, actor, data, filename, username)


def apply(session: Session, actor: Actor, data: bytes, filename: str, username: str | None = None) -> Plan:
    """Import the export: create and update contributions, record the daily totals and the
    import itself (provenance), audit it. Nothing is written when nothing changed."""
    result = plan(session, actor, data, filename, username)
    if not result.changes:
        return result
    export, now = result.export, utcnow()
    start, end = export.period
    record = AnalyticsImport(
        user_id=result.user_id,
        imported_by=actor.id,
        platform=export.platform,
        filename=result.filename,
        sha256=result.sha256,
        imported_at=now,
        period_start=start,
        period_end=end,
        impressions=export.impressions,
        members_reached=export.members_reached,
        posts=len(export.posts),
        created=result.count("create"),
        updated=result.count("update"),
        days=len(result.new_days) + len(result.changed_days),
    )
    session.add(record)
    session.flush()
    result.import_id = record.id
    department_id = session.scalar(select(User.department_id).where(User.id == result.user_id))
    provenance = {"figures_source": "imported", "analytics_import_id": record.id, "figures_at": now}
    created = []
    for r in result.rows:
        if r["status"] != "create":
            continue
        created.append(
            {
                "user_id": result.user_id,
                "department_id": department_id,
                "occurred_on": r["occurred_on"],
                "platform": export.platform,
                "kind": "original_post",
                "url": r["url"][:2000],
                "url_key": r["url_key"],
                **{n: r[n] for n in POST_FIGURES},
                **provenance,
                "review": "pending" if r["reasons"] else "ok",
                "review_reasons": ",".join(r["reasons"]) or None,
                "created_at": now,
                "updated_at": now,
            }
        )
    if created:
        session.execute(insert(Contribution), created)
    updates = [r for r in result.rows if r["status"] == "update"]
    if updates:
        rows = {
            c.id: c
            for c in session.scalars(
                select(Contribution).where(Contribution.id.in_([r["contribution_id"] for r in updates]))
            )
        }
        for r in updates:
            row = rows[r["contribution_id"]]
            for name in POST_FIGURES:
                setattr(row, name, r[name])
            for name, value in provenance.items():
                setattr(row, name, value)
            review.apply(row, r["reasons"])
    if result.new_days:
        session.execute(
            insert(PlatformDay), [d | {"analytics_import_id": record.id} for d in result.new_days]
        )
    if result.changed_days:
        session.execute(
            update(PlatformDay), [d | {"analytics_import_id": record.id} for d in result.changed_days]
        )
    session.flush()
    audit.record(
        session,
        actor,
        "analytics.imported",
        f"sha256:{result.sha256[:16]}",
        subject=result.user_id,
        platform=export.platform,
        sha256=result.sha256,
        posts=len(export.posts),
        created=record.created,
        updated=record.updated,
        held=result.held,
        days=record.days,
    )
    return result


def history(session: Session, actor: Actor, username: str | None = None) -> list[dict]:
    """The person's imports, newest first (which file, when, by whom, what it did)."""
    user = _target(session, actor, username)
    A = AnalyticsImport
    query = (
        select(
            A.id,
            A.platform,
            A.filename,
            A.imported_at,
            A.period_start,
            A.period_end,
            A.posts,
            A.created,
            A.updated,
            A.days,
        )
        .where(A.user_id == user.id)
        .order_by(A.imported_at.desc(), A.id.desc())
        .limit(100)
    )
    return [dict(r._mapping) for r in session.execute(query)]
