"""Personal data: own export; erasure leaves no identifier in a full dump and keeps aggregates."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import Base, Contribution, CustomerSignal, SignalEvent, utcnow
from lib.core.permissions import Actor
from lib.people import accounts as auth
from lib.people import privacy


def seed(engine, emilie, hugo):
    now = utcnow()
    with session_scope(engine) as session:
        for i in range(3):
            session.add(
                Contribution(
                    user_id=emilie.id,
                    occurred_on=date(2026, 11, 1) + timedelta(days=i),
                    platform="linkedin",
                    kind="share",
                    impressions=100 * (i + 1),
                    url="https://www.linkedin.com/in/ezorglub/post",
                    note="Posted by Émilie Zorglub",
                )
            )
        for reporter, text in ((emilie.id, "A lead"), (hugo.id, "Met ezorglub's client at the fair")):
            session.add(
                CustomerSignal(
                    reporter_id=reporter,
                    signal_type="win",
                    category="lead",
                    customer_name="ACME",
                    description=text,
                    estimated_value=1000,
                    currency="EUR",
                    ack_due_at=now + timedelta(hours=24),
                    url="https://x.com/ezorglub/status/1",
                )
            )
        session.flush()
        signal_id = session.scalars(select(CustomerSignal.id)).first()
        session.add(SignalEvent(signal_id=signal_id, actor_id=hugo.id, comment="Thanks Émilie Zorglub!"))
        auth.check_login(session, "ezorglub", "wrong password 42")
        auth.check_login(session, "ezorglub", "correct horse battery staple")


def aggregates(engine):
    with session_scope(engine, write=False) as session:
        return (
            session.execute(select(func.count(), func.sum(Contribution.impressions))).one(),
            session.execute(select(func.count(), func.sum(CustomerSignal.estimated_value))).one(),
        )


def full_dump(engine) -> str:
    with engine.connect() as conn:
        return "\n".join(
            str(row) for table in Base.metadata.sorted_tables for row in conn.execute(select(table))
        ).lower()


def test_erasure_leaves_no_identifier_and_keeps_aggregates(engine, admin, make_user):
    with session_scope(engine) as session:
        user, _ = auth.create_user(
            session,
            admin,
            username="ezorglub",
            full_name="Émilie Zorglub",
            email="emilie.zorglub@example.com",
            roles=["employee", "hr"],
            password="correct horse battery staple",
        )
        emilie = Actor.of(user)
    hugo = make_user("hugo", "hr")
    seed(engine, emilie, hugo)
    before = aggregates(engine)
    assert "zorglub" in full_dump(engine)
    with session_scope(engine) as session:
        privacy.erase(session, admin, emilie.id)
    assert "zorglub" not in full_dump(engine)
    assert aggregates(engine) == before
    with session_scope(engine) as session:
        assert not auth.check_login(session, "ezorglub", "correct horse battery staple")
        assert auth.get_user(session, emilie.id).roles == ["employee"]
        with pytest.raises(ValidationError):
            privacy.erase(session, admin, emilie.id)


def test_only_admins_erase_and_never_themselves(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            privacy.erase(session, emma, admin.id)
        with pytest.raises(ValidationError):
            privacy.erase(session, admin, admin.id)


def test_personal_export_holds_my_data_only(engine, admin, make_user):
    emma, hugo = make_user("emma"), make_user("hugo")
    with session_scope(engine) as session:
        session.add(
            Contribution(user_id=emma.id, occurred_on=date(2026, 11, 2), platform="x", kind="comment")
        )
        session.add(Contribution(user_id=hugo.id, occurred_on=date(2026, 11, 3), platform="x", kind="share"))
    with session_scope(engine) as session:
        data = json.loads(privacy.personal_data_json(session, emma))
    assert data["profile"]["username"] == "emma"
    assert [c["occurred_on"] for c in data["contributions"]] == ["2026-11-02"]
    assert data["roles"] == ["employee"]
