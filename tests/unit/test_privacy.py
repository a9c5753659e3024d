"""Personal data: own export; erasure leaves no identifier in a full dump and keeps aggregates."""

import dataclasses
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lib.core import audit
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import Base, Contribution, CustomerSignal, SignalEvent, User, utcnow
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
        auth.check_login(session, "emilie.zorglub@example.com", "typed her e-mail as the username")
        # as the interface records her own exports (scope: her username), and events recorded before
        # unknown usernames stopped being kept (the e-mail as the target of a failed sign-in)
        audit.record(session, emilie, "export", "contributions", scope="ezorglub", format="csv", rows=3)
        audit.record(session, None, "login.failed", "Emilie.Zorglub@example.com")
        audit.record(session, hugo, "export", "people", scope="Émilie Zorglub's team", rows=1)


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
    assert "zorglub" not in full_dump(engine)  # the audit trail included
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
    assert data["profile"]["roles"] == "employee"


# --- erasure coarsens what could single someone out, and no figure moves ---------------------

DEMO_TODAY = date(2026, 12, 4)


def _figures(session, hr, executive, dept_id):
    """Every leadership and participation figure, company-wide and for the person's department."""
    from datetime import datetime, time

    from lib.core.periods import View, preset_period
    from lib.insight import leadership, participation
    from lib.insight.participation import Scope

    now = datetime.combine(DEMO_TODAY, time(12))
    out = []
    for dept in (None, dept_id):
        view = View("last_90", preset_period("last_90", DEMO_TODAY), dept)
        o = leadership.compute(session, view, now, leadership.rates(session))
        out += [o.current, o.prior, o.activity, o.signals, o.departments, o.funnel, o.latest_signals]
        out += [o.top_people.drop(columns=["name"]), o.top_teams]
        scope = Scope(dept)
        f = participation.funnel(session, hr, scope, DEMO_TODAY - timedelta(days=89), DEMO_TODAY, now=now)
        c = participation.completion(session, hr, scope)
        out += [f.stages, f.groups, c.by_module, c.by_group]
    return out


def _same(a, b) -> bool:
    import pandas as pd

    if isinstance(a, pd.DataFrame):  # sums of money compared to 1e-12, as below
        try:
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=1e-12
            )
        except AssertionError:
            return False
        return True
    if dataclasses.is_dataclass(a):  # sums of money: PostgreSQL may add the rows in another order
        return all(
            x == pytest.approx(y, rel=1e-12) if isinstance(x, float) else x == y
            for x, y in zip(vars(a).values(), vars(b).values(), strict=True)
        )
    return a == b


def test_erasure_coarsens_department_team_and_start_date_and_no_figure_moves(engine):
    from lib.ops.demo import load_demo

    load_demo(engine, employees=60, days=90, seed=5, contributions=4000, today=DEMO_TODAY)
    with session_scope(engine) as session:
        people = session.scalars(select(User).where(User.password_hash.is_not(None))).all()
        admin = Actor.of(next(u for u in people if "admin" in u.roles))
        hr = Actor.of(next(u for u in people if "hr" in u.roles))
        executive = Actor.of(next(u for u in people if "executive" in u.roles))
        # the most active person without an account, who has left (erasure follows a departure)
        busiest = session.execute(
            select(Contribution.user_id, func.count())
            .join(User, User.id == Contribution.user_id)
            .where(User.password_hash.is_(None), User.team_id.is_not(None))
            .group_by(Contribution.user_id)
            .order_by(func.count().desc())
        ).first()[0]
        person = session.get(User, busiest)
        person.is_active, person.left_on = False, DEMO_TODAY - timedelta(days=3)
        dept_id, team_id = person.department_id, person.team_id
    with session_scope(engine, write=False) as session:
        team_size = session.scalar(select(func.count()).where(User.team_id == team_id))
        dept_size = session.scalar(select(func.count()).where(User.department_id == dept_id))
        before = _figures(session, hr, executive, dept_id)
    assert team_size < 5 <= dept_size  # demo teams are small, departments are not
    with session_scope(engine) as session:
        privacy.erase(session, admin, busiest)
    with session_scope(engine, write=False) as session:
        erased = session.get(User, busiest)
        assert (erased.start_date, erased.team_id) == (None, None)
        assert erased.left_on == DEMO_TODAY - timedelta(days=3)  # kept: past workforce figures stay
        assert erased.department_id == dept_id  # a department of 5 or more singles nobody out
        after = _figures(session, hr, executive, dept_id)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if not _same(a, b)]
    # only the ranking of teams may change: it counts people by their current team, and the
    # person's small team is no longer theirs (their contributions stay in every other figure)
    assert set(changed) <= {8, 8 + 13}, changed


def test_erasure_clears_a_small_department(engine, admin, make_user):
    from lib.core.models import Department

    with session_scope(engine) as session:
        dept = Department(name="Legal")
        session.add(dept)
        session.flush()
        dept_id = dept.id
    lone = make_user("lone", department_id=dept_id, start_date=date(2021, 5, 3))
    with session_scope(engine) as session:
        privacy.erase(session, admin, lone.id)
    with session_scope(engine, write=False) as session:
        user = session.get(User, lone.id)
        assert (user.department_id, user.team_id, user.start_date) == (None, None, None)


# --- the personal-data download -------------------------------------------------------------


def test_personal_data_is_readable_and_machine_readable(engine, admin, make_user):
    from io import BytesIO

    import pandas as pd

    emma = make_user("emma", language="fr")
    with session_scope(engine) as session:
        session.add(
            Contribution(
                user_id=emma.id,
                occurred_on=date(2026, 11, 2),
                platform="linkedin",
                kind="share",
                import_key="f" * 64,
            )
        )
        auth.check_login(session, "emma", "wrong password 42")
        auth.check_login(session, "emma", "correct horse battery staple")
        auth.set_active(session, admin, emma.id, False)
        auth.set_active(session, admin, emma.id, True)
    with session_scope(engine) as session:
        data = json.loads(privacy.personal_data_json(session, emma))
        book = pd.read_excel(BytesIO(privacy.personal_data_excel(session, emma)), sheet_name=None)
    # machine-readable: codes, no internal ids or import hashes
    assert data["contributions"] == [
        {
            "occurred_on": "2026-11-02",
            "platform": "linkedin",
            "kind": "share",
            **dict.fromkeys(("url", "impressions", "reactions", "comments", "shares", "clicks")),
            "minutes_spent": None,
            "note": None,
            "created_at": data["contributions"][0]["created_at"],
        }
    ]
    assert "f" * 64 not in json.dumps(data) and '"id"' not in json.dumps(data)
    assert [e["action"] for e in data["sign_ins"]] == ["login.failed", "login.success"]
    assert {"account.created", "account.deactivated", "account.reactivated"} <= {
        e["action"] for e in data["audit"]
    }
    # readable: one sheet per kind, labelled in the person's language (French here)
    assert {"Profil", "Contributions", "Connexions", "Journal d’audit", "Quiz", "Certificats"} <= set(book)
    contributions = book["Contributions"]
    assert list(contributions.columns[:3]) == ["Date", "Plateforme", "Type"]
    assert contributions.loc[0, "Plateforme"] == "LinkedIn" and contributions.loc[0, "Type"] == "Partage"
    sign_ins = book["Connexions"]["Événement"].tolist()
    assert sign_ins == ["Échec de connexion (emma).", "Connexion (emma)."]
    assert "Compte emma désactivé." in book["Journal d’audit"]["Événement"].tolist()
    profile = dict(zip(book["Profil"]["Champ"], book["Profil"]["Valeur"], strict=True))
    assert profile["Identifiant"] == "emma" and profile["Langue"] == "fr"
