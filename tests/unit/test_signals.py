"""Customer signals: reporting, the workflow (allowed transitions, history, who may move), views."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from lib.activity import signals
from lib.core.db import session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.models import CustomerSignal, Department, SignalEvent, utcnow
from lib.core.permissions import Actor

WIN = {
    "signal_type": "win",
    "category": "lead",
    "customer_name": "Acme SA",
    "description": "Asked for a demo.",
    "platform": "linkedin",
    "url": "https://www.linkedin.com/posts/acme",
    "estimated_value": "12 000,50",
    "currency": "EUR",
}


def report(engine, actor, **values):
    with session_scope(engine) as session:
        return signals.report_signal(session, actor, **{**WIN, **values}).id


def version_of(engine, signal_id):
    with session_scope(engine, write=False) as session:
        return session.get(CustomerSignal, signal_id).version


def move(engine, actor, signal_id, to_status, **kw):
    with session_scope(engine) as session:
        signals.move(session, actor, signal_id, version_of(engine, signal_id), to_status, **kw)


def assign(engine, actor, signal_id, **kw):
    with session_scope(engine) as session:
        signals.assign(session, actor, signal_id, version_of(engine, signal_id), **kw)


def fields(excinfo) -> set[str]:
    return {p.field for p in excinfo.value.problems}


@pytest.fixture
def people(make_user, engine):
    with session_scope(engine) as session:
        dept = Department(name="Sales")
        session.add(dept)
        session.flush()
        dept_id = dept.id
    return {
        "emma": make_user("emma", department_id=dept_id),
        "paul": make_user("paul"),
        "hugo": make_user("hugo", "hr"),
        "boss": make_user("boss", "executive"),
        "root": make_user("root", "admin"),
        "dept": dept_id,
    }


def test_report_a_win(engine, people):
    sid = report(engine, people["emma"])
    with session_scope(engine, write=False) as session:
        s = session.get(CustomerSignal, sid)
        assert (s.status, s.estimated_value, s.currency, s.department_id) == (
            "new",
            Decimal("12000.50"),
            "EUR",
            people["dept"],
        )
        assert s.ack_due_at - s.reported_at == timedelta(hours=24)
        [event] = session.scalars(select(SignalEvent).where(SignalEvent.signal_id == sid)).all()
        assert (event.actor_id, event.from_status, event.to_status) == (people["emma"].id, None, "new")


def test_every_bad_field_is_reported_and_nothing_is_written(engine, people):
    with pytest.raises(ValidationError) as excinfo:
        report(
            engine,
            people["emma"],
            signal_type="win",
            category="complaint",
            customer_name=" ",
            description="",
            url="mailto:a@b.c",
            estimated_value="-5",
            platform="myspace",
            owner_team="Nobody",
        )
    assert fields(excinfo) == {
        "signals.category",
        "signals.customer_name",
        "signals.description",
        "signals.url",
        "signals.estimated_value",
        "signals.platform",
        "signals.owner_team",
    }
    with pytest.raises(ValidationError) as excinfo:
        report(engine, people["emma"], estimated_value="100", currency=None)
    assert fields(excinfo) == {"signals.currency"}
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CustomerSignal)) == 0


def test_acknowledgement_target_is_an_option(engine, people):
    with session_scope(engine) as session:
        signals.update_settings(session, people["hugo"], 4, ["Support", " Sales ", "Support"])
        assert signals.teams(session) == ["Support", "Sales"]
    sid = report(engine, people["emma"], owner_team="Support")
    with session_scope(engine, write=False) as session:
        s = session.get(CustomerSignal, sid)
        assert s.ack_due_at - s.reported_at == timedelta(hours=4) and s.owner_team == "Support"


def test_settings_are_checked_and_for_hr_or_admin(engine, people):
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        signals.update_settings(session, people["emma"], 24, ["Sales"])
    with pytest.raises(ValidationError) as excinfo, session_scope(engine) as session:
        signals.update_settings(session, people["root"], 0, ["", " "])
    assert fields(excinfo) == {"signals.ack_hours", "signals.teams"}


def test_full_workflow_keeps_every_change_with_who_and_when(engine, people):
    emma, hugo, paul = people["emma"], people["hugo"], people["paul"]
    sid = report(engine, emma)
    assign(engine, hugo, sid, owner_id=paul.id, owner_team="Sales")
    move(engine, paul, sid, "acknowledged", comment="Calling them tomorrow.")
    move(engine, paul, sid, "in_progress")
    move(engine, hugo, sid, "resolved", resolution="won")
    with session_scope(engine, write=False) as session:
        detail = signals.signal_detail(session, emma, sid)
    assert (detail["status"], detail["resolution"], detail["owner"], detail["owner_team"]) == (
        "resolved",
        "won",
        "Paul",
        "Sales",
    )
    assert detail["acknowledged_at"] <= detail["resolved_at"]
    assert [(e["by"], e["from_status"], e["to_status"], e["owner"]) for e in detail["events"]] == [
        ("Emma", None, "new", None),
        ("Hugo", None, None, "Paul"),
        ("Paul", "new", "acknowledged", None),
        ("Paul", "acknowledged", "in_progress", None),
        ("Hugo", "in_progress", "resolved", None),
    ]
    assert detail["events"][1]["owner_team"] == "Sales"
    assert detail["events"][2]["comment"] == "Calling them tomorrow."
    assert all(e["at"] is not None for e in detail["events"])
    assert detail["next_statuses"] == [] and not detail["may_assign"]


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "in_progress"),
        ([], "resolved"),
        (["acknowledged"], "new"),
        (["acknowledged", "in_progress"], "acknowledged"),
        (["acknowledged", ("resolved", "lost")], "in_progress"),
    ],
)
def test_only_allowed_transitions(engine, people, path, refused):
    hugo = people["hugo"]
    sid = report(engine, people["emma"])
    for step in path:
        to, resolution = step if isinstance(step, tuple) else (step, None)
        move(engine, hugo, sid, to, resolution=resolution)
    before = version_of(engine, sid)
    with pytest.raises(ValidationError) as excinfo:
        move(engine, hugo, sid, refused, resolution="won")
    assert excinfo.value.problems[0].key == "signals.bad_transition"
    assert version_of(engine, sid) == before


def test_resolving_needs_a_resolution(engine, people):
    sid = report(engine, people["emma"])
    move(engine, people["hugo"], sid, "acknowledged")
    with pytest.raises(ValidationError) as excinfo:
        move(engine, people["hugo"], sid, "resolved", resolution="maybe")
    assert fields(excinfo) == {"signals.resolution"}


def test_only_the_owner_or_hr_and_admin_can_move_a_signal(engine, people):
    emma, paul, boss, root = people["emma"], people["paul"], people["boss"], people["root"]
    sid = report(engine, emma, owner_team="Sales")
    for outsider in (emma, paul, boss):  # the reporter, another employee, an executive
        with pytest.raises(PermissionDenied):
            move(engine, outsider, sid, "acknowledged")
        with pytest.raises(PermissionDenied):
            assign(engine, outsider, sid, owner_id=outsider.id)
    assign(engine, root, sid, owner_id=paul.id)
    move(engine, paul, sid, "acknowledged")
    assign(engine, paul, sid, owner_id=emma.id)  # the owner hands it over, and then may no longer move it
    with pytest.raises(PermissionDenied):
        move(engine, paul, sid, "in_progress")
    with session_scope(engine, write=False) as session:
        # reported, assigned to Paul, acknowledged, handed to Emma: each a line of the history
        assert session.scalar(select(func.count()).select_from(SignalEvent)) == 4


def test_assignment_is_checked(engine, people):
    sid = report(engine, people["emma"])
    with pytest.raises(ValidationError) as excinfo:
        assign(engine, people["hugo"], sid)
    assert fields(excinfo) == {"signals.owner"}
    with pytest.raises(ValidationError) as excinfo:
        assign(engine, people["hugo"], sid, owner_id=99999, owner_team="Nowhere")
    assert fields(excinfo) == {"signals.owner", "signals.owner_team"}


def test_a_stale_version_is_refused(engine, people):
    sid = report(engine, people["emma"])
    with pytest.raises(Conflict) as excinfo, session_scope(engine) as session:
        signals.move(session, people["hugo"], sid, version=0, to_status="acknowledged")
    assert excinfo.value.key == "signals.conflict"


def test_a_change_made_meanwhile_is_refused_not_overwritten(engine, people):
    sid = report(engine, people["emma"])
    with pytest.raises(Conflict), session_scope(engine) as session:
        session.get(CustomerSignal, sid)  # read at version 1 ...
        # ... someone else changes it before we write:
        session.execute(
            update(CustomerSignal.__table__)
            .where(CustomerSignal.id == sid)
            .values(status="acknowledged", version=2)
        )
        signals.move(session, people["hugo"], sid, version=1, to_status="acknowledged")
    with session_scope(engine, write=False) as session:
        assert session.get(CustomerSignal, sid).status == "new"


def test_comments_by_those_who_can_see_the_signal(engine, people):
    emma, paul, boss = people["emma"], people["paul"], people["boss"]
    sid = report(engine, emma)
    with session_scope(engine) as session:
        signals.add_comment(session, emma, sid, "They replied by e-mail.")
        signals.add_comment(session, boss, sid, "Good catch.")
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        signals.add_comment(session, paul, sid, "Can I see this?")
    with pytest.raises(ValidationError), session_scope(engine) as session:
        signals.add_comment(session, emma, sid, "   ")
    with pytest.raises(NotFound), session_scope(engine) as session:
        signals.add_comment(session, emma, 424242, "Lost?")
    with session_scope(engine, write=False) as session:
        comments = [e["comment"] for e in signals.signal_detail(session, emma, sid)["events"]]
    assert comments == [None, "They replied by e-mail.", "Good catch."]


def test_views_and_overdue_acknowledgements(engine, people):
    emma, paul, hugo = people["emma"], people["paul"], people["hugo"]
    late = report(engine, emma, customer_name="Late Ltd")
    report(engine, emma, signal_type="loss", category="complaint", customer_name="Fresh SA")
    other = report(engine, paul, customer_name="Other Co")
    with session_scope(engine) as session:
        session.get(CustomerSignal, late).ack_due_at = utcnow() - timedelta(hours=1)
    assign(engine, hugo, other, owner_id=emma.id)
    with session_scope(engine, write=False) as session:
        mine, total, overdue = signals.list_signals(session, emma, signals.SignalFilters("mine"))
        assert (mine["customer_name"].tolist(), total, overdue) == (["Fresh SA", "Late Ltd"], 2, 1)
        assert mine.set_index("customer_name")["overdue"].to_dict() == {"Fresh SA": False, "Late Ltd": True}
        assigned, total, _ = signals.list_signals(session, emma, signals.SignalFilters("assigned"))
        assert assigned["customer_name"].tolist() == ["Other Co"] and assigned["owner"].tolist() == ["Emma"]
        _, total, overdue = signals.list_signals(session, hugo, signals.SignalFilters("all"))
        assert (total, overdue) == (3, 1)
        only_late, total, _ = signals.list_signals(
            session, hugo, signals.SignalFilters("all", overdue_only=True)
        )
        assert only_late["customer_name"].tolist() == ["Late Ltd"]
        losses, total, _ = signals.list_signals(
            session, hugo, signals.SignalFilters("all", signal_type="loss")
        )
        assert losses["customer_name"].tolist() == ["Fresh SA"]
        with pytest.raises(PermissionDenied):
            signals.list_signals(session, emma, signals.SignalFilters("all"))
        with pytest.raises(PermissionDenied):
            signals.signal_detail(session, paul, late)
        assert signals.signal_detail(session, emma, other)["may_assign"]  # she owns it now


def test_executives_see_everything_but_cannot_move(engine, people):
    sid = report(engine, people["emma"])
    with session_scope(engine, write=False) as session:
        detail = signals.signal_detail(session, people["boss"], sid)
    assert detail["next_statuses"] == [] and not detail["may_assign"]
    with session_scope(engine, write=False) as session:
        assert signals.signal_detail(session, people["hugo"], sid)["next_statuses"] == ["acknowledged"]


def test_reporting_needs_a_role_with_the_page(engine):
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        signals.report_signal(session, Actor(id=None, username="nobody", roles=frozenset()), **WIN)


def test_an_owner_change_is_a_line_of_the_history(engine, people):
    emma, paul, hugo = people["emma"], people["paul"], people["hugo"]
    sid = report(engine, emma)
    assign(engine, hugo, sid, owner_team="Sales")
    assign(engine, hugo, sid, owner_id=paul.id)
    with session_scope(engine, write=False) as session:
        events = signals.signal_detail(session, emma, sid)["events"]
    assert [(e["by"], e["owner"], e["owner_team"]) for e in events[1:]] == [
        ("Hugo", None, "Sales"),
        ("Hugo", "Paul", None),
    ]


def test_an_acknowledgement_after_its_deadline_is_marked_late(engine, people):
    emma, hugo = people["emma"], people["hugo"]
    on_time, late = report(engine, emma, customer_name="On time"), report(engine, emma, customer_name="Late")
    with session_scope(engine) as session:
        session.get(CustomerSignal, late).ack_due_at = utcnow() - timedelta(hours=1)
    move(engine, hugo, on_time, "acknowledged")
    move(engine, hugo, late, "acknowledged")
    with session_scope(engine, write=False) as session:
        for sid, expected in ((on_time, False), (late, True)):
            detail = signals.signal_detail(session, emma, sid)
            assert detail["late"] is expected
            assert [e["late"] for e in detail["events"]] == [False, expected]
        rows, _, _ = signals.list_signals(session, hugo, signals.SignalFilters("all"))
    assert rows.set_index("customer_name")["late"].to_dict() == {"On time": False, "Late": True}


@pytest.mark.parametrize(
    "signal_type, category, refused, accepted",
    [("loss", "complaint", "won", "retained"), ("win", "lead", "retained", "won")],
)
def test_outcomes_must_fit_the_type(engine, people, signal_type, category, refused, accepted):
    hugo = people["hugo"]
    sid = report(engine, people["emma"], signal_type=signal_type, category=category)
    move(engine, hugo, sid, "acknowledged")
    with session_scope(engine, write=False) as session:
        assert refused not in signals.signal_detail(session, hugo, sid)["outcomes"]
    before = version_of(engine, sid)
    with pytest.raises(ValidationError) as excinfo:
        move(engine, hugo, sid, "resolved", resolution=refused)
    assert excinfo.value.problems[0].key == f"signals.resolution_needed_{signal_type}"
    assert version_of(engine, sid) == before
    move(engine, hugo, sid, "resolved", resolution=accepted)


def test_unassigned_filter_paging_and_export(engine, people):
    emma, paul, hugo = people["emma"], people["paul"], people["hugo"]
    ids = [report(engine, emma, customer_name=f"Customer {i:02}") for i in range(7)]
    assign(engine, hugo, ids[0], owner_id=paul.id)
    assign(engine, hugo, ids[1], owner_team="Sales")
    with session_scope(engine, write=False) as session:
        free, total, _ = signals.list_signals(
            session, hugo, signals.SignalFilters("all", unassigned_only=True)
        )
        assert total == 5 and set(free["customer_name"]) == {f"Customer {i:02}" for i in range(2, 7)}
        pages = [
            signals.list_signals(session, hugo, signals.SignalFilters("all"), page=p, page_size=3)
            for p in range(3)
        ]
        assert [len(rows) for rows, _, _ in pages] == [3, 3, 1] and {t for _, t, _ in pages} == {7}
        seen = [n for rows, _, _ in pages for n in rows["customer_name"]]
        assert sorted(seen) == sorted(f"Customer {i:02}" for i in range(7))
        # a page past the end shows the last one rather than nothing
        last, _, _ = signals.list_signals(session, hugo, signals.SignalFilters("all"), page=9, page_size=3)
        assert last["customer_name"].tolist() == pages[2][0]["customer_name"].tolist()
        export = signals.export_signals(session, hugo, signals.SignalFilters("all"))
        assert len(export) == 7 and {"url", "platform", "late", "owner_team"} <= set(export.columns)
        with pytest.raises(PermissionDenied):
            signals.export_signals(session, emma, signals.SignalFilters("all"))


def test_teams_are_unique_whatever_their_case(engine, people):
    with session_scope(engine) as session:
        signals.update_settings(session, people["hugo"], 24, ["Sales", "Support"])
    with pytest.raises(ValidationError) as excinfo, session_scope(engine) as session:
        signals.update_settings(session, people["hugo"], 24, ["Sales", "sales ", "Support"])
    assert excinfo.value.problems[0].key == "signals.team_twice"
    assert excinfo.value.problems[0].params == {"first": "Sales", "second": "sales"}
    with session_scope(engine, write=False) as session:
        assert signals.teams(session) == ["Sales", "Support"]


def test_default_team_names_are_translated():
    assert [signals.team_label(t, "fr") for t in signals.TEAMS] == [
        "Ventes",
        "Support",
        "RH",
        "Marketing",
        "Communication",
    ]
    assert signals.team_label("Key accounts", "fr") == "Key accounts"  # HR's own names as typed
    assert signals.team_label("Sales", "en") == "Sales"
