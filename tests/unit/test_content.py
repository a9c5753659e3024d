"""Content library: publishing by HR/admin, what employees see today, "I shared this"."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lib.activity import content_library as content
from lib.activity import contributions
from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import Campaign, ContentItem, utcnow

TODAY = utcnow().date()
ITEM = {
    "title": "We are hiring in Lyon",
    "text_en": "Join our Lyon team!",
    "text_fr": "Rejoignez notre équipe !",
    "url": "https://example.com/jobs/lyon",
    "platforms": ["linkedin", "x"],
    "starts_on": TODAY,
    "ends_on": None,
    "required": False,
    "campaign": "Hiring 2026",
}


def save(engine, actor, item_id=None, **values):
    with session_scope(engine) as session:
        return content.save_item(session, actor, item_id, **{**ITEM, **values}).id


def test_hr_publishes_and_edits_an_item_with_a_new_campaign(engine, make_user):
    hugo = make_user("hugo", "hr")
    first = save(engine, hugo)
    save(engine, hugo, title="Second", campaign="Hiring 2026")
    save(engine, hugo, first, title="We are hiring in Lyon and Lille", campaign="")
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1
        item = session.get(ContentItem, first)
        assert (item.title, item.campaign_id, item.created_by) == (
            "We are hiring in Lyon and Lille",
            None,
            hugo.id,
        )
        assert content.get_item(session, hugo, first)["platforms"] == ["linkedin", "x"]


def test_only_hr_or_admin_publish(engine, make_user):
    emma, boss = make_user("emma"), make_user("boss", "executive")
    for outsider in (emma, boss):
        with pytest.raises(PermissionDenied):
            save(engine, outsider)
    hugo = make_user("hugo", "hr")
    item = save(engine, hugo)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        content.set_archived(session, emma, item, True)


def test_every_bad_field_is_reported_and_nothing_is_written(engine, make_user):
    hugo = make_user("hugo", "hr")
    with pytest.raises(ValidationError) as excinfo:
        save(
            engine,
            hugo,
            title="",
            text_fr=" ",
            url="example.com",
            platforms=[],
            ends_on=TODAY - timedelta(days=1),
        )
    assert {p.field for p in excinfo.value.problems} == {
        "library.title",
        "library.text_fr",
        "library.url",
        "library.platforms",
        "library.ends_on",
    }
    with pytest.raises(ValidationError):
        save(engine, hugo, platforms=["tiktok"])
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(ContentItem)) == 0
    with pytest.raises(NotFound):
        save(engine, hugo, 999)


def test_employees_see_only_current_items_required_first(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    save(engine, hugo, title="Current")
    save(engine, hugo, title="Required", required=True, platforms=["facebook"])
    save(engine, hugo, title="Scheduled", starts_on=TODAY + timedelta(days=3))
    save(engine, hugo, title="Ended", starts_on=TODAY - timedelta(days=10), ends_on=TODAY - timedelta(days=1))
    archived = save(engine, hugo, title="Archived")
    with session_scope(engine) as session:
        content.set_archived(session, hugo, archived, True)
    with session_scope(engine, write=False) as session:
        assert content.current_items(session, emma, TODAY)["title"].tolist() == ["Required", "Current"]
        assert content.current_items(session, emma, TODAY, "x")["title"].tolist() == ["Current"]
        states = content.all_items(session, hugo, TODAY).set_index("title")["state"].to_dict()
        assert states == {
            "Current": "current",
            "Required": "current",
            "Scheduled": "scheduled",
            "Ended": "ended",
            "Archived": "archived",
        }
        with pytest.raises(PermissionDenied):
            content.all_items(session, emma, TODAY)


def test_i_shared_this_prefills_a_contribution_and_is_counted(engine, make_user):
    hugo, emma, paul = make_user("hugo", "hr"), make_user("emma"), make_user("paul")
    item = save(engine, hugo)
    with session_scope(engine, write=False) as session:
        prefill = content.share_prefill(session, emma, item, TODAY)
    assert prefill == {
        "content_item_id": item,
        "platform": "linkedin",
        "url": ITEM["url"],
        "date": TODAY,
        "kind": "share",
    }
    with session_scope(engine) as session:
        contributions.log_contribution(session, emma, **prefill)
        contributions.log_contribution(session, paul, **prefill)
    with session_scope(engine, write=False) as session:
        [row] = content.current_items(session, emma, TODAY).itertuples()
    assert (row.shares, row.my_shares) == (2, 1)


def test_prefill_refused_for_an_item_no_longer_current_or_without_the_employee_role(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    item = save(engine, hugo)
    with pytest.raises(PermissionDenied), session_scope(engine, write=False) as session:
        content.share_prefill(session, hugo, item, TODAY)
    with session_scope(engine) as session:
        content.set_archived(session, hugo, item, True)
    with pytest.raises(NotFound), session_scope(engine, write=False) as session:
        content.share_prefill(session, emma, item, TODAY)


def test_choices_keep_the_item_a_contribution_already_points_to(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    current = save(engine, hugo, title="Current")
    ended = save(
        engine, hugo, title="Ended", starts_on=TODAY - timedelta(days=10), ends_on=TODAY - timedelta(days=1)
    )
    with session_scope(engine, write=False) as session:
        assert content.choices(session, emma, TODAY) == {current: "Current"}
        assert content.choices(session, emma, TODAY, keep=ended) == {current: "Current", ended: "Ended"}


def test_hr_sees_how_each_item_performed(engine, make_user):
    hugo, emma, paul = make_user("hugo", "hr"), make_user("emma"), make_user("paul")
    shared, ignored = save(engine, hugo, title="Shared"), save(engine, hugo, title="Ignored")
    with session_scope(engine) as session:
        prefill = content.share_prefill(session, emma, shared, TODAY)
        contributions.log_contribution(
            session, emma, **prefill, impressions=1000, reactions=30, comments=5, shares=2, clicks=12
        )
        again = {**prefill, "url": prefill["url"] + "-again"}  # one link is logged once per person
        contributions.log_contribution(session, emma, **again, impressions=500, reactions=10)
        contributions.log_contribution(session, paul, **prefill)  # figures unknown
    with session_scope(engine, write=False) as session:
        items = content.all_items(session, hugo, TODAY).set_index("title")
    assert items.loc["Shared", ["shares", "sharers", "impressions", "engagement", "clicks"]].tolist() == [
        3,
        2,
        1500,
        47,
        12,
    ]
    assert items.loc["Ignored", ["shares", "sharers", "impressions", "engagement"]].tolist() == [0, 0, 0, 0]
    assert ignored in items["id"].tolist()
