"""Platform analytics exports built for the tests (and the benchmark), laid out as the platforms
write them: LinkedIn's creator analytics workbook in English or French, X's post CSV with the
older "Tweet …" or the newer "Post …" headers."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import Workbook

SHEET_NAMES = {
    "en": ("DISCOVERY", "ENGAGEMENT", "TOP POSTS", "FOLLOWERS", "DEMOGRAPHICS"),
    "fr": ("DÉCOUVERTE", "ENGAGEMENT", "MEILLEURS POSTS", "ABONNÉS", "DONNÉES DÉMOGRAPHIQUES"),
}
WORDS = {
    "en": {
        "url": "Post URL",
        "published": "Post publish date",
        "engagements": "Engagements",
        "impressions": "Impressions",
        "date": "Date",
        "members": "Members reached",
        "overall": "Overall Performance",
        "note": "Maximum of 50 posts available to include in this list",
    },
    "fr": {
        "url": "URL du post",
        "published": "Date de publication du post",
        "engagements": "Interactions",
        "impressions": "Impressions",
        "date": "Date",
        "members": "Membres touchés",
        "overall": "Performances globales",
        "note": "50 posts au maximum peuvent figurer dans cette liste",
    },
}


def linkedin_url(n: int, form: int = 0) -> str:
    ident = 7_200_000_000_000_000_000 + n
    forms = (
        f"https://www.linkedin.com/feed/update/urn:li:activity:{ident}/",
        f"https://www.linkedin.com/posts/jane-doe_great-news-activity-{ident}-AbCd?utm_source=share",
        f"https://linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{ident}",
    )
    return forms[form]


def _day_text(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "fr" else f"{day.month}/{day.day}/{day.year}"


def linkedin_xlsx(
    posts: list[tuple[int, date, int, int]],
    days: list[tuple[date, int, int]] = (),
    lang: str = "en",
    *,
    as_text_dates: bool = True,
    header_row: int = 3,
    overrides: dict | None = None,
    drop_sheet: str | None = None,
) -> bytes:
    """A creator analytics workbook. `posts`: (n, published, engagements, impressions), written
    into the two side-by-side TOP POSTS tables; `days`: (day, impressions, engagements)."""
    w = WORDS[lang]
    book = Workbook()
    book.remove(book.active)
    names = SHEET_NAMES[lang]
    sheets = {name: book.create_sheet(name) for name in names if name != drop_sheet}
    fmt = (lambda d: _day_text(d, lang)) if as_text_dates else (lambda d: d)
    discovery = sheets.get(names[0])
    if discovery is not None:
        discovery.append([w["overall"]])
        discovery.append([w["impressions"], sum(p[3] for p in posts)])
        discovery.append([w["members"], sum(p[3] for p in posts) // 2])
    engagement = sheets.get(names[1])
    if engagement is not None:
        engagement.append([w["date"], w["impressions"], w["engagements"]])
        for day, impressions, engagements in days:
            engagement.append([fmt(day), impressions, engagements])
    top = sheets.get(names[2])
    if top is not None:
        top.append([w["note"]])
        for _ in range(header_row - 2):
            top.append([])
        top.append(
            [w["url"], w["published"], w["engagements"], None, w["url"], w["published"], w["impressions"]]
        )
        by_eng = sorted(posts, key=lambda p: -p[2])[:50]
        by_imp = sorted(posts, key=lambda p: -p[3])[:50]
        for i in range(max(len(by_eng), len(by_imp))):
            row: list = [None] * 7
            if i < len(by_eng):
                n, day, eng, _ = by_eng[i]
                row[0:3] = [linkedin_url(n, n % 3), fmt(day), eng]
            if i < len(by_imp):
                n, day, _, imp = by_imp[i]
                row[4:7] = [linkedin_url(n), fmt(day), imp]
            top.append(row)
        top.append([])
    for name in names[3:]:
        if name in sheets:
            sheets[name].append(["Total", 1234])
    for (sheet, cell), value in (overrides or {}).items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def x_csv(posts: list[tuple[int, date, int, int, int, int, int]], headers: str = "old") -> bytes:
    """An X analytics CSV. `posts`: (id, day, impressions, likes, replies, reposts, url clicks)."""
    if headers == "old":
        head = [
            "Tweet id",
            "Tweet permalink",
            "Tweet text",
            "time",
            "impressions",
            "engagements",
            "engagement rate",
            "retweets",
            "replies",
            "likes",
            "user profile clicks",
            "url clicks",
        ]
    else:
        head = [
            "Post id",
            "Date",
            "Post text",
            "Post Link",
            "Impressions",
            "Likes",
            "Engagements",
            "Bookmarks",
            "Shares",
            "New follows",
            "Replies",
            "Reposts",
            "Profile visits",
            "URL Clicks",
        ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for ident, day, imp, likes, replies, reposts, clicks in posts:
        eng = likes + replies + reposts + clicks
        link = f"https://x.com/jane/status/{ident}"
        if headers == "old":
            writer.writerow(
                [
                    ident,
                    link.replace("x.com", "twitter.com"),
                    "text",
                    f"{day.isoformat()} 10:15 +0000",
                    imp,
                    eng,
                    f"{eng / max(imp, 1):.4f}",
                    reposts,
                    replies,
                    likes,
                    0,
                    clicks,
                ]
            )
        else:
            writer.writerow(
                [
                    ident,
                    day.strftime("%a, %b %d, %Y"),
                    "text",
                    link,
                    imp,
                    likes,
                    eng,
                    0,
                    0,
                    0,
                    replies,
                    reposts,
                    0,
                    clicks,
                ]
            )
    return out.getvalue().encode("utf-8")


def year_of_days(end: date, n: int = 365) -> list[tuple[date, int, int]]:
    return [(end - timedelta(days=i), 500 + i % 97, 10 + i % 13) for i in range(n)]
