"""The content library: share-ready posts that HR or communications publish for ambassadors.

HR and admins create, edit and archive items; everyone with the page reads the current ones
(started, not ended, not archived) and records "I shared this" as a pre-filled contribution.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from lib.activity.contributions import engagement_expr
from lib.core import audit
from lib.core.errors import NotFound
from lib.core.fields import Checker
from lib.core.models import Campaign, ContentItem, Contribution
from lib.core.permissions import Actor, require
from lib.core.vocab import PLATFORMS

MAX_TEXT = 5000


def current_condition(today: date):
    """SQL: the item is published on `today` (started, not ended, not archived)."""
    c = ContentItem
    return and_(~c.archived, c.starts_on <= today, or_(c.ends_on.is_(None), c.ends_on >= today))


STAT_COLUMNS = ["shares", "sharers", "impressions", "engagement", "clicks"]


def share_stats(session: Session, actor: Actor, item_ids: tuple[int, ...]) -> pd.DataFrame:
    """Per content item of `item_ids` (index `content_item_id`): how many contributions shared it,
    how many people, and the reach and engagement those contributions recorded (known figures).
    The same for every reader (the page shares it between them while the data is unchanged)."""
    require(actor, "content.read")
    c = Contribution
    query = (
        select(
            c.content_item_id,
            func.count().label("shares"),
            func.count(distinct(c.user_id)).label("sharers"),
            func.coalesce(func.sum(c.impressions), 0).label("impressions"),
            func.coalesce(func.sum(engagement_expr()), 0).label("engagement"),
            func.coalesce(func.sum(c.clicks), 0).label("clicks"),
        )
        .where(c.content_item_id.in_(item_ids))
        .group_by(c.content_item_id)
    )
    rows = session.execute(query).all() if item_ids else []
    return pd.DataFrame(rows, columns=["content_item_id", *STAT_COLUMNS]).set_index("content_item_id")


Stats = Callable[[Session, Actor, tuple[int, ...]], pd.DataFrame]


def _items(session: Session, actor: Actor, *conditions, stats: Stats = share_stats) -> pd.DataFrame:
    """The items meeting `conditions` with their share figures (`stats`) and the actor's own shares."""
    c = ContentItem
    query = (
        select(
            c.id,
            c.title,
            c.text_en,
            c.text_fr,
            c.url,
            c.platforms,
            Campaign.name.label("campaign"),
            c.starts_on,
            c.ends_on,
            c.required,
            c.archived,
        )
        .outerjoin(Campaign, Campaign.id == c.campaign_id)
        .where(*conditions)
        .order_by(c.required.desc(), c.starts_on.desc(), c.id.desc())
    )
    items = pd.DataFrame(session.execute(query).all(), columns=list(query.selected_columns.keys()))
    ids = tuple(int(i) for i in items["id"])
    mine = (
        dict(
            session.execute(
                select(Contribution.content_item_id, func.count())
                .where(Contribution.user_id == actor.id, Contribution.content_item_id.in_(ids))
                .group_by(Contribution.content_item_id)
            ).all()
        )
        if ids
        else {}
    )
    figures = stats(session, actor, ids).reindex(items["id"]).fillna(0).astype("int64")
    for column in STAT_COLUMNS:
        items[column] = figures[column].to_numpy() if len(items) else pd.Series(dtype="int64")
    items["my_shares"] = [mine.get(i, 0) for i in ids]
    return items[[*query.selected_columns.keys(), "shares", "my_shares", *STAT_COLUMNS[1:]]]


def current_items(
    session: Session, actor: Actor, today: date, platform: str | None = None, *, stats: Stats = share_stats
) -> pd.DataFrame:
    """The items published on `today` (required ones first), with how often they were shared."""
    require(actor, "content.read")
    items = _items(session, actor, current_condition(today), stats=stats)
    if platform:  # platforms is a JSON list: filtered here, on the few current items
        items = items[items["platforms"].map(lambda p: platform in p)]
    return items


def all_items(session: Session, actor: Actor, today: date, *, stats: Stats = share_stats) -> pd.DataFrame:
    """Every item, with its state on `today`: scheduled, current, ended or archived (HR/admin)."""
    require(actor, "content.publish")
    items = _items(session, actor, stats=stats)
    items["state"] = [
        "archived"
        if archived
        else "scheduled"
        if starts_on > today
        else "ended"
        if ends_on is not None and ends_on < today
        else "current"
        for archived, starts_on, ends_on in zip(
            items["archived"], items["starts_on"], items["ends_on"], strict=True
        )
    ]
    return items


def campaigns(session: Session, actor: Actor) -> list[str]:
    require(actor, "content.read")
    return list(session.scalars(select(Campaign.name).order_by(Campaign.name)))


def _campaign_id(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    campaign = session.scalar(select(Campaign).where(Campaign.name == name))
    if campaign is None:
        campaign = Campaign(name=name)
        session.add(campaign)
        session.flush()
    return campaign.id


def save_item(session: Session, actor: Actor, item_id: int | None = None, **values) -> ContentItem:
    """Create (item_id None) or change a content item; the campaign is created if new (HR/admin)."""
    require(actor, "content.publish")
    item = ContentItem(created_by=actor.id) if item_id is None else session.get(ContentItem, item_id)
    if item is None:
        raise NotFound("library.not_found")
    ck = Checker()
    get = values.get
    platforms = list(get("platforms") or [])
    if not platforms:
        ck.fail("library.platform_needed", "library.platforms")
    for p in platforms:
        if p not in PLATFORMS:
            ck.fail("activity.unknown_value", "library.platforms", value=p)
    title = ck.required_text("library.title", get("title"), 200)
    text_en = ck.required_text("library.text_en", get("text_en"), MAX_TEXT)
    text_fr = ck.required_text("library.text_fr", get("text_fr"), MAX_TEXT)
    url = ck.url("library.url", get("url"))
    starts_on = ck.day("library.starts_on", get("starts_on"), date.max)
    ends_on = ck.day("library.ends_on", get("ends_on"), date.max) if get("ends_on") else None
    clean = {
        "title": title,
        "text_en": text_en,
        "text_fr": text_fr,
        "url": url,
        "platforms": platforms,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "required": bool(get("required")),
    }
    if starts_on and ends_on and ends_on < starts_on:
        ck.fail("library.ends_before_start", "library.ends_on")
    campaign = ck.optional_text("library.campaign", get("campaign"), 200)
    ck.raise_if_any()
    for name, value in clean.items():
        setattr(item, name, value)
    item.campaign_id = _campaign_id(session, campaign)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "content.created" if item_id is None else "content.changed",
        str(item.id),
        title=item.title,
    )
    return item


def get_item(session: Session, actor: Actor, item_id: int) -> dict:
    """One item as form values (HR/admin)."""
    require(actor, "content.publish")
    item = session.get(ContentItem, item_id)
    if item is None:
        raise NotFound("library.not_found")
    campaign = session.get(Campaign, item.campaign_id) if item.campaign_id else None
    values = {
        k: getattr(item, k) for k in ("title", "text_en", "text_fr", "starts_on", "ends_on", "required")
    }
    return {
        **values,
        "url": item.url or "",
        "platforms": list(item.platforms),
        "campaign": campaign.name if campaign else "",
    }


def set_archived(session: Session, actor: Actor, item_id: int, archived: bool) -> None:
    """Withdraw an item from the library (or put it back); contributions keep their link to it."""
    require(actor, "content.publish")
    item = session.get(ContentItem, item_id)
    if item is None:
        raise NotFound("library.not_found")
    item.archived = archived
    audit.record(session, actor, "content.archived" if archived else "content.restored", str(item.id))


def share_prefill(session: Session, actor: Actor, item_id: int, today: date) -> dict:
    """The contribution form's values for "I shared this" on a current item."""
    require(actor, "contributions.log")
    item = session.scalar(select(ContentItem).where(ContentItem.id == item_id, current_condition(today)))
    if item is None:
        raise NotFound("library.not_current")
    return {
        "content_item_id": item.id,
        "platform": (item.platforms or ["linkedin"])[0],
        "url": item.url or "",
        "date": today,
        "kind": "share",
    }


def choices(session: Session, actor: Actor, today: date, keep: int | None = None) -> dict[int, str]:
    """{id: title} of the items a contribution can point to: the current ones, plus `keep`."""
    require(actor, "content.read")
    c = ContentItem
    wanted = current_condition(today) if keep is None else or_(current_condition(today), c.id == keep)
    return dict(session.execute(select(c.id, c.title).where(wanted).order_by(c.title)).all())
