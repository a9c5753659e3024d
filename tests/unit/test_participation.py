"""Participation figures on a small hand-built organisation where every figure is known in advance:
the funnel, completion, small-group suppression, follow-up lists, one person's file, exports."""

import io
from datetime import timedelta

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import update

from lib.core import formatting
from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import (
    Assignment,
    Certification,
    Contribution,
    CustomerSignal,
    Department,
    Team,
    TrainingModule,
    User,
    utcnow,
)
from lib.insight import followup, participation
from lib.insight.participation import Scope
from lib.insight.person_file import find_people, person_file
from lib.training import catalogue
from tests.unit.test_training import FIRST, MODULES, attempt, certify, pass_module, read_all

NOW = utcnow()
TODAY = NOW.date()
SECOND = MODULES[1]


def contribute(engine, actor, days_ago: int) -> None:
    with session_scope(engine) as session:
        dept = session.get(User, actor.id).department_id
        session.add(
            Contribution(
                user_id=actor.id,
                department_id=dept,
                occurred_on=TODAY - timedelta(days=days_ago),
                platform="linkedin",
                kind="share",
                impressions=100,
                reactions=5,
            )
        )


def report_signal(engine, actor, days_ago: int) -> None:
    with session_scope(engine) as session:
        at = NOW - timedelta(days=days_ago)
        session.add(
            CustomerSignal(
                reporter_id=actor.id,
                signal_type="win",
                category="lead",
                customer_name="Durand SA",
                description="Asked for a demo.",
                reported_at=at,
                ack_due_at=at + timedelta(hours=24),
            )
        )


def build_org(engine, make) -> dict:
    """Sales (6 employees: teams A of 5 and B of 1), Ops (3), one employee without a department,
    plus people outside the workforce (HR, an executive, a leaver). See each line for its stage."""
    with session_scope(engine) as session:
        sales, ops = Department(name="Sales"), Department(name="Ops")
        session.add_all([sales, ops])
        session.flush()
        team_a, team_b = Team(department_id=sales.id, name="A"), Team(department_id=sales.id, name="B")
        session.add_all([team_a, team_b])
        session.flush()
        ids = {"sales": sales.id, "ops": ops.id, "team_a": team_a.id, "team_b": team_b.id}
    in_a = {"department_id": ids["sales"], "team_id": ids["team_a"]}
    people = {
        "s1": make("s1", **in_a),  # certified, active, signal
        "s2": make("s2", **in_a),  # certified, active
        "s3": make("s3", **in_a),  # certified, last contribution 40 days ago
        "s4": make("s4", **in_a, start_date=TODAY - timedelta(days=20)),  # read a lesson
        "s5": make("s5", **in_a),  # failed a quiz
        "s6": make(
            "s6", department_id=ids["sales"], team_id=ids["team_b"], start_date=TODAY - timedelta(days=10)
        ),
        "o1": make("o1", department_id=ids["ops"]),  # certified, active, signal
        "o2": make("o2", department_id=ids["ops"]),  # read a lesson
        "o3": make("o3", department_id=ids["ops"], start_date=TODAY - timedelta(days=200)),
        "n1": make("n1"),  # no department, nothing done
        "hr": make("hilda", "hr"),
        "boss": make("boss", "executive", department_id=ids["sales"]),
        "gone": make("gone", **in_a),  # certified and active, but left
    }
    for name in ("s1", "s2", "s3", "o1", "gone"):
        certify(engine, people[name], now=NOW - timedelta(days=100))
    for name, days in (("s1", 5), ("s2", 10), ("s3", 40), ("o1", 1), ("gone", 2), ("s1", 3)):
        contribute(engine, people[name], days)
    for name in ("s1", "o1", "gone"):
        report_signal(engine, people[name], 3)
    report_signal(engine, people["s2"], 60)  # before the period
    for name in ("s4", "o2"):
        with session_scope(engine) as session:
            read_all(session, people[name], FIRST)
    attempt(engine, people["s5"], FIRST, wrong=3)
    with session_scope(engine) as session:
        session.execute(update(User).where(User.id == people["gone"].id).values(is_active=False))
    return {**ids, **people}


@pytest.fixture
def org(engine, make_user):
    return build_org(engine, make_user)


def read(engine, fn, *args, **kw):
    with session_scope(engine, write=False) as session:
        return fn(session, *args, **kw)


def funnel(engine, org, scope: Scope | None = None):
    return read(engine, participation.funnel, org["hr"], scope or Scope(), TODAY - timedelta(days=29), TODAY)


def hidden(groups: pd.DataFrame) -> dict:
    """{group name ("-" for none): why its figures are hidden (None when shown)}."""
    return dict(zip(groups["group"].fillna("-"), groups["hidden"], strict=True))


def set_min(engine, org, n: int) -> None:
    with session_scope(engine) as session:
        participation.save_settings(session, org["hr"], n, 90)


def test_company_funnel_counts_each_step_among_the_previous(engine, org):
    f = funnel(engine, org)
    assert not f.hidden
    assert f.stages["people"].tolist() == [10, 7, 4, 3, 2]
    assert f.stages["share"].round(4).tolist()[1:] == [0.7, round(4 / 7, 4), 0.75, round(2 / 3, 4)]
    groups = f.groups.set_index("group")
    assert groups.loc["Sales", ["workforce", "started", "certified", "active", "signal"]].tolist() == [
        6,
        5,
        3,
        2,
        1,
    ]
    assert hidden(f.groups) == {"Sales": None, "Ops": "small", "-": "small"}
    assert groups.loc["Ops", ["workforce", "started", "certified"]].isna().all()


def test_period_moves_the_active_window_and_the_signals(engine, org):
    f = read(
        engine,
        participation.funnel,
        org["hr"],
        Scope(),
        TODAY - timedelta(days=90),
        TODAY - timedelta(days=35),
    )
    # The workforce of that period: s4 and s6 joined 20 and 10 days ago, after it ended. Training as
    # it stood 35 days ago: only the four certified 100 days ago had started. Active ambassadors of
    # the period: only s3 (contributed 40 days ago). s2's signal (60 days ago) is in the period, but
    # s2 did not contribute in it.
    assert f.stages["people"].tolist() == [8, 4, 4, 1, 0]


def test_scopes_and_small_groups(engine, org):
    assert funnel(engine, org, Scope(org["ops"])).hidden  # 3 people < 5
    assert funnel(engine, org, Scope(org["ops"])).stages["people"].isna().all()
    sales = funnel(engine, org, Scope(org["sales"]))
    assert sales.stages["people"].tolist() == [6, 5, 3, 2, 1]
    # Teams A (5) and B (1): B is too small, so A is hidden too (else A = Sales − B would reveal B).
    assert hidden(sales.groups) == {"A": "complement", "B": "small"}
    assert sales.groups["workforce"].isna().all()
    team = funnel(engine, org, Scope(org["sales"], org["team_a"]))
    assert not team.hidden and team.stages["people"].tolist() == [5, 5, 3, 2, 1]
    assert funnel(engine, org, Scope(org["sales"], org["team_b"])).hidden

    set_min(engine, org, 3)
    # Only "no department" (1 person) is small: the next smallest (Ops, 3) is hidden with it.
    assert hidden(funnel(engine, org).groups) == {"Sales": None, "Ops": "complement", "-": "small"}
    assert not funnel(engine, org, Scope(org["ops"])).hidden


def test_completion_by_module_and_department(engine, org):
    c = read(engine, participation.completion, org["hr"], Scope())
    first = c.by_module.set_index("module").loc[FIRST.slug]
    assert (first["passed"], first["workforce"]) == (4, 10) and first["share"] == pytest.approx(0.4)
    assert c.by_module.set_index("module").loc[SECOND.slug, "passed"] == 4
    groups = c.by_group.set_index("group")
    assert groups.loc["Sales", "workforce"] == 6 and groups.loc["Sales", FIRST.slug] == pytest.approx(0.5)
    assert groups.loc["Ops", "hidden"] == "small" and pd.isna(groups.loc["Ops", FIRST.slug])
    set_min(engine, org, 3)
    ops = read(engine, participation.completion, org["hr"], Scope(org["ops"]))
    assert ops.by_module.set_index("module").loc[FIRST.slug, "share"] == pytest.approx(1 / 3)
    assert hidden(ops.by_group) == {"-": None} and ops.by_group[FIRST.slug].tolist() == [pytest.approx(1 / 3)]
    tiny = read(engine, participation.completion, org["hr"], Scope(org["sales"], org["team_b"]))
    assert tiny.hidden and tiny.by_module["passed"].isna().all()


def test_a_module_update_makes_people_renew(engine, org, monkeypatch):
    assert read(engine, followup.follow_up, org["hr"], Scope(), "renew").empty
    with session_scope(engine) as session:
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == FIRST.slug)
            .values(version=TrainingModule.version + 1)
        )
    renew = read(engine, followup.follow_up, org["hr"], Scope(), "renew")
    assert renew[["email", "outdated_modules", "guidelines_changed", "expired"]].values.tolist() == [
        ["o1@example.com", 1, False, False],
        ["s1@example.com", 1, False, False],
        ["s2@example.com", 1, False, False],
        ["s3@example.com", 1, False, False],
    ]
    assert funnel(engine, org).stages["people"].tolist() == [10, 7, 0, 0, 0]
    c = read(engine, participation.completion, org["hr"], Scope())
    assert c.by_module.set_index("module").loc[FIRST.slug, "passed"] == 0

    bumped = {**catalogue.policy(), "version": catalogue.policy()["version"] + 1}
    monkeypatch.setattr(catalogue, "policy", lambda: bumped)
    renew = read(engine, followup.follow_up, org["hr"], Scope(org["ops"]), "renew")
    assert renew[["email", "guidelines_changed"]].values.tolist() == [["o1@example.com", True]]


def test_expired_certificates_are_to_renew(engine, org):
    with session_scope(engine) as session:
        session.execute(
            update(Certification)
            .where(Certification.user_id == org["s3"].id)
            .values(expires_at=NOW - timedelta(days=1))
        )
    renew = read(engine, followup.follow_up, org["hr"], Scope(), "renew")
    assert renew[["email", "outdated_modules", "expired"]].values.tolist() == [["s3@example.com", 0, True]]


def test_overdue_assignments_and_how_late(engine, org):
    with session_scope(engine) as session:
        session.add_all(
            [
                Assignment(
                    module_slug=FIRST.slug,
                    scope="department",
                    department_id=org["sales"],
                    due_on=TODAY - timedelta(days=1),
                ),
                Assignment(
                    module_slug=FIRST.slug, scope="all", due_on=TODAY + timedelta(days=5)
                ),  # not due yet
                Assignment(
                    module_slug=SECOND.slug,
                    scope="user",
                    user_id=org["o2"].id,
                    due_on=TODAY - timedelta(days=10),
                ),
                Assignment(
                    module_slug=SECOND.slug,
                    scope="user",
                    user_id=org["gone"].id,
                    due_on=TODAY - timedelta(days=10),
                ),
            ]
        )
    late = read(engine, followup.follow_up, org["hr"], Scope(), "overdue")
    assert late[["email", "module", "days_late"]].values.tolist() == [
        ["o2@example.com", SECOND.slug, 10],
        ["s4@example.com", FIRST.slug, 1],
        ["s5@example.com", FIRST.slug, 1],
        ["s6@example.com", FIRST.slug, 1],
    ]
    team_b = read(engine, followup.follow_up, org["hr"], Scope(org["sales"], org["team_b"]), "overdue")
    assert team_b["email"].tolist() == ["s6@example.com"]
    pass_module(engine, org["s4"], FIRST)
    assert (
        "s4@example.com"
        not in read(engine, followup.follow_up, org["hr"], Scope(), "overdue")["email"].tolist()
    )


def test_inactive_certified_and_new_joiners(engine, org):
    inactive = read(engine, followup.follow_up, org["hr"], Scope(), "inactive")
    assert inactive[["email", "last_contribution"]].values.tolist() == [
        ["s3@example.com", TODAY - timedelta(days=40)]
    ]
    joiners = read(engine, followup.follow_up, org["hr"], Scope(), "new_joiners")
    assert joiners[["email", "days_since_start"]].values.tolist() == [["s6@example.com", 10]]
    with session_scope(engine) as session:
        participation.save_settings(session, org["hr"], 5, 365)
    joiners = read(engine, followup.follow_up, org["hr"], Scope(), "new_joiners")
    assert joiners["email"].tolist() == ["s6@example.com", "o3@example.com"]


def test_person_file(engine, org):
    found = read(engine, find_people, org["hr"], "S1@")
    assert [p["email"] for p in found] == ["s1@example.com"]
    assert read(engine, find_people, org["hr"], "   ") == []
    p = read(engine, person_file, org["hr"], org["s1"].id)
    assert p.certified and p.profile["department"] == "Sales" and p.profile["team"] == "A"
    assert p.profile["roles"] == ["employee"]
    assert (p.modules["status"] == "passed").all() and len(p.modules) == len(MODULES)
    assert p.contributions["total"] == 2 and p.contributions["recent"] == 2
    assert p.contributions["last"] == TODAY - timedelta(days=3)
    assert p.platforms.values.tolist() == [["linkedin", 2, 200, 10, pd.NA, 0]]
    assert p.signal_count == 1 and p.signals["category"].tolist() == ["lead"]
    assert len(p.certificates) == 1
    s5 = read(engine, person_file, org["hr"], org["s5"].id)
    first = s5.modules.set_index("module").loc[FIRST.slug]
    assert (first["status"], first["attempts"], first["best_score"]) == ("in_progress", 1, 50)  # 3 of 6
    assert pd.isna(first["attempts_to_pass"])
    pass_module(engine, org["s5"], FIRST)
    again = read(engine, person_file, org["hr"], org["s5"].id).modules.set_index("module").loc[FIRST.slug]
    assert (again["status"], again["attempts"], again["attempts_to_pass"]) == ("passed", 2, 2)
    assert not s5.certified and s5.contributions == {"total": 0, "recent": 0, "last": None}
    with pytest.raises(NotFound):
        read(engine, person_file, org["hr"], 999_999)


def test_only_hr_and_admin_read_participation(engine, org, make_user):
    admin = make_user("root", "admin")
    assert funnel(engine, {**org, "hr": admin}).stages["people"][0] == 10
    for who in (org["s1"], org["boss"]):
        with pytest.raises(PermissionDenied):
            funnel(engine, {**org, "hr": who})
        with pytest.raises(PermissionDenied):
            read(engine, followup.follow_up, who, Scope(), "overdue")
        with pytest.raises(PermissionDenied):
            read(engine, person_file, who, org["s1"].id)
        with session_scope(engine) as session, pytest.raises(PermissionDenied):
            participation.save_settings(session, who, 5, 90)


def test_bad_period_scope_and_settings_are_refused(engine, org):
    with pytest.raises(ValidationError) as caught:
        read(engine, participation.funnel, org["hr"], Scope(), TODAY, TODAY - timedelta(days=1))
    assert [p.key for p in caught.value.problems] == ["leadership.start_after_end"]
    with pytest.raises(ValidationError) as caught:
        read(
            engine,
            participation.funnel,
            org["hr"],
            Scope(),
            TODAY - timedelta(days=2000),
            TODAY + timedelta(days=1),
        )
    assert [p.key for p in caught.value.problems] == ["leadership.end_in_future", "leadership.too_long"]
    with pytest.raises(NotFound):
        read(engine, participation.completion, org["hr"], Scope(999))
    with pytest.raises(NotFound):  # team B is in Sales, not Ops
        read(engine, participation.completion, org["hr"], Scope(org["ops"], org["team_b"]))
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        participation.save_settings(session, org["hr"], 1, "90")
    assert [p.field for p in caught.value.problems] == [
        "participation.min_group_size",
        "participation.new_joiner_days",
    ]
    assert read(engine, participation.settings) == participation.Settings(5, 90)


def test_mail_link_puts_addresses_in_blind_copy_and_gives_up_when_too_long():
    link = followup.mailto(["b@x.org", "a@x.org", "a@x.org", None], "Rappel : formation", "Bonjour,\nMerci")
    assert link == "mailto:?bcc=a@x.org,b@x.org&subject=Rappel%20%3A%20formation&body=Bonjour%2C%0AMerci"
    assert followup.mailto([], "s", "b") is None
    assert followup.mailto([f"person{i}@example.com" for i in range(200)], "s", "b") is None


def test_exports_of_participation_tables_are_neutralised(engine, org):
    with session_scope(engine) as session:
        session.execute(
            update(User).where(User.id == org["s3"].id).values(full_name='=HYPERLINK("http://x")')
        )
        session.execute(update(Department).where(Department.id == org["sales"]).values(name="+Sales"))
    inactive = read(engine, followup.follow_up, org["hr"], Scope(), "inactive")
    back = pd.read_csv(io.BytesIO(formatting.to_csv(inactive)), encoding="utf-8-sig")
    assert back["full_name"].tolist() == ['\'=HYPERLINK("http://x")'] and back["department"].tolist() == [
        "'+Sales"
    ]
    groups = funnel(engine, org).groups
    sheet = openpyxl.load_workbook(io.BytesIO(formatting.to_excel(groups))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    sales = next(r for r in rows if r[header.index("group")] == "'+Sales")
    assert sales[header.index("workforce")] == 6 and isinstance(sales[header.index("workforce")], int)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
