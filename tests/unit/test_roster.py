"""Roster import from the HR system's CSV (new, updated, deactivated, unchanged, bad rows), the
roster table, and department and team management."""

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lib.core.db import session_scope
from lib.core.errors import NotFound, PermissionDenied, ValidationError
from lib.core.models import AuditEvent, Contribution, Department, Team, User, utcnow
from lib.core.permissions import Actor
from lib.people import accounts as auth
from lib.people import organisation, roster

TODAY = utcnow().date()
HEADER = "email,full_name,department,team,manager_email,job_title,start_date,status,left_on\n"
FIRST_FILE = HEADER + (
    "ana.lima@corp.example,Ana Lima,Sales,Key accounts,,Head of sales,2020-01-06,active,\n"
    "Bruno.Costa@corp.example,Bruno Costa,Sales,Key accounts,ana.lima@corp.example,Account manager,"
    "2024-03-01,active,\n"
    "chloe@corp.example,Chloé Martin,Support,,ana.lima@corp.example,,,active,\n"
    "emma@example.com,Emma Durand,Sales,SMB,,,,active,\n"
)


def csv(text: str) -> bytes:
    return text.encode()


def run(engine, fn, actor, data, **kw):
    with session_scope(engine) as session:
        return fn(session, actor, data, **kw)


def people(engine) -> dict[str, dict]:
    """Everyone on the roster, leavers included, by lower-case e-mail (missing values as None)."""
    with session_scope(engine, write=False) as session:
        df = organisation.roster(session, Actor.command_line(), include_left=True)
    df = df.astype(object).where(df.notna(), None)
    return {r["email"].lower(): r for r in df.to_dict("records")}


def count(engine, model) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def hr(make_user):
    return make_user("hilda", "hr")


def test_first_import_creates_people_departments_teams_and_managers(engine, hr, make_user):
    emma = make_user("emma")  # already on the roster (matched by e-mail)
    checked = run(engine, roster.preview, hr, csv(FIRST_FILE))
    assert not checked.problems
    assert [(c.row.row, c.action) for c in checked.changes] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "updated"),
    ]
    assert checked.new_departments == ["Sales", "Support"]
    assert checked.new_teams == [("Sales", "Key accounts"), ("Sales", "SMB")]
    assert checked.changes[3].changes == ("full_name", "department", "team")
    assert count(engine, Department) == 0  # a preview writes nothing

    done = run(engine, roster.commit, hr, csv(FIRST_FILE))
    assert (done.count("created"), done.count("updated")) == (3, 1)
    p = people(engine)
    bruno = p["bruno.costa@corp.example"]
    assert (bruno["department"], bruno["team"], bruno["manager"], bruno["job_title"]) == (
        "Sales",
        "Key accounts",
        "Ana Lima",
        "Account manager",
    )
    assert bruno["start_date"] == date(2024, 3, 1) and bruno["active"] and bruno["roles"] == "employee"
    assert p["chloe@corp.example"]["team"] is None and p["chloe@corp.example"]["manager"] == "Ana Lima"
    assert (p["emma@example.com"]["full_name"], p["emma@example.com"]["team"]) == ("Emma Durand", "SMB")
    with session_scope(engine, write=False) as session:
        ana = session.scalar(select(User).where(User.email == "ana.lima@corp.example"))
        assert ana.username == "ana.lima" and ana.password_hash is None
        assert not auth.check_login(session, "ana.lima", "")  # no password: cannot sign in
        assert session.get(User, emma.id).roles == ["employee"]
        event = session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "roster.imported")
        ).one()
    assert event["sha256"] == hashlib.sha256(csv(FIRST_FILE)).hexdigest()
    assert (event["rows"], event["created"], event["updated"]) == (4, 3, 1)


def test_reimporting_the_same_file_changes_nothing(engine, hr):
    run(engine, roster.commit, hr, csv(FIRST_FILE))
    before = people(engine)
    checked = run(engine, roster.preview, hr, csv(FIRST_FILE.replace("Sales", "SALES")))
    assert [c.action for c in checked.changes] == ["unchanged"] * 4 and checked.changing == 0
    assert checked.new_departments == [] and checked.new_teams == []
    run(engine, roster.commit, hr, csv(FIRST_FILE), today=TODAY + timedelta(days=3))
    assert people(engine) == before
    assert count(engine, Department) == 2 and count(engine, Team) == 2


def test_updates_moves_and_leavers(engine, hr):
    run(engine, roster.commit, hr, csv(FIRST_FILE))
    with session_scope(engine) as session:
        bruno = session.scalar(select(User).where(User.email == "Bruno.Costa@corp.example"))
        session.add(
            Contribution(
                user_id=bruno.id,
                department_id=bruno.department_id,
                occurred_on=TODAY,
                platform="linkedin",
                kind="share",
            )
        )
    second = HEADER + (
        "ana.lima@corp.example,Ana Lima,Sales,Key accounts,,Head of sales,2020-01-06,active,\n"
        "BRUNO.COSTA@CORP.EXAMPLE,Bruno Costa,Sales,Key accounts,ana.lima@corp.example,Account manager,"
        "2024-03-01,Left,\n"
        "chloe@corp.example,Chloé Martin,Marketing,Brand,,Designer,,active,\n"
        f"dan@corp.example,Dan Roy,Marketing,Brand,chloe@corp.example,,{TODAY.isoformat()},active,\n"
    )
    checked = run(engine, roster.preview, hr, csv(second))
    assert [(c.action, c.changes) for c in checked.changes] == [
        ("unchanged", ()),
        ("deactivated", ("status", "left_on")),
        ("updated", ("department", "team", "manager_email", "job_title")),
        ("created", ()),
    ]
    started = utcnow()
    run(engine, roster.commit, hr, csv(second))
    p = people(engine)
    bruno = p["bruno.costa@corp.example"]
    assert not bruno["active"] and bruno["left_on"] == TODAY  # left_on empty: today
    assert (p["chloe@corp.example"]["department"], p["chloe@corp.example"]["manager"]) == ("Marketing", None)
    assert p["dan@corp.example"]["manager"] == "Chloé Martin"
    with session_scope(engine, write=False) as session:  # deactivated, never deleted: history stays
        assert session.scalar(select(func.count()).select_from(Contribution)) == 1
        gone = session.scalar(select(User).where(User.email == "Bruno.Costa@corp.example"))
        assert gone.sessions_valid_after >= started  # their sessions ended
    # A later import of the same file keeps the date they left, and a rehire reactivates them.
    again = run(engine, roster.preview, hr, csv(second), today=TODAY + timedelta(days=5))
    assert again.changing == 0
    back = second.replace("Account manager,2024-03-01,Left,", "Account manager,2024-03-01,active,")
    checked = run(engine, roster.preview, hr, csv(back))
    assert (checked.changes[1].action, checked.changes[1].changes) == ("updated", ("status", "left_on"))


def test_optional_columns_left_out_keep_their_values(engine, hr):
    run(engine, roster.commit, hr, csv(FIRST_FILE))
    short = (
        "email,full_name,department,team,status\n"
        "bruno.costa@corp.example,Bruno Costa,Sales,Key accounts,active\n"
    )
    checked = run(engine, roster.preview, hr, csv(short))
    assert checked.changes[0].action == "unchanged"
    blank = HEADER + "bruno.costa@corp.example,Bruno Costa,Sales,Key accounts,,,,active,\n"
    checked = run(engine, roster.preview, hr, csv(blank))
    assert checked.changes[0].changes == ("manager_email", "job_title", "start_date")


def test_bad_rows_are_all_reported_and_nothing_is_written(engine, hr):
    bad = HEADER + (
        "ok@corp.example,Okay,Sales,,,,,active,\n"
        "not-an-email,,Sales,,,,,active,\n"
        "x@corp.example,X,,Lonely team,nobody@corp.example,,2020-13-01,maybe,\n"
        "OK@corp.example,Okay again,Sales,,,,,active,\n"
        f"y@corp.example,Y,Sales,,y@corp.example,,2021-05-01,active,{TODAY.isoformat()}\n"
        f"z@corp.example,Z,Sales,,,,2021-05-01,left,{(TODAY + timedelta(days=1)).isoformat()}\n"
        "w@corp.example,W,Sales,,,,2021-05-01,left,2020-01-01\n"
    )
    checked = run(engine, roster.preview, hr, csv(bad))
    assert [(p.row, p.field, p.key) for p in checked.problems] == [
        (3, "roster.email", "roster.error.bad_email"),
        (3, "roster.full_name", "roster.error.required"),
        (4, "roster.team", "roster.error.team_without_department"),
        (4, "roster.manager_email", "roster.error.unknown_manager"),
        (4, "roster.start_date", "roster.error.bad_date"),
        (4, "roster.status", "roster.error.bad_status"),
        (5, "roster.email", "roster.error.duplicate_email"),
        (6, "roster.manager_email", "roster.error.own_manager"),
        (6, "roster.left_on", "roster.error.left_on_when_active"),
        (7, "roster.left_on", "roster.error.date_range"),
        (8, "roster.left_on", "roster.error.left_before_start"),
    ]
    assert checked.problems[6].params == {"row": 2}
    with pytest.raises(ValidationError):
        run(engine, roster.commit, hr, csv(bad))
    assert count(engine, User) == 1 and count(engine, Department) == 0
    with pytest.raises(ValidationError) as caught:
        run(engine, roster.preview, hr, csv("email,full_name\na@b.example,A\n"))
    assert caught.value.problems[0].params == {"columns": "department, team, status"}
    assert [p.key for p in run(engine, roster.preview, hr, csv(HEADER)).problems] == ["roster.error.empty"]


def test_usernames_are_made_unique_and_ascii(engine, hr, make_user):
    make_user("jean.dupont")
    data = HEADER + (
        "Jean.Dupont@a.example,Jean Dupont,,,,,,active,\n"
        "jean.dupont@b.example,Jean Dupont,,,,,,active,\n"
        "élodie+rh@a.example,Élodie,,,,,,active,\n"
        "x@a.example,X,,,,,,active,\n"
    )
    run(engine, roster.commit, hr, csv(data))
    with session_scope(engine, write=False) as session:
        names = dict(session.execute(select(User.email, User.username)).all())
    assert (
        names["Jean.Dupont@a.example"] == "jean.dupont.2"
        and names["jean.dupont@b.example"] == "jean.dupont.3"
    )
    assert names["élodie+rh@a.example"] == "elodie.rh" and names["x@a.example"] == "userx"
    assert all(auth.USERNAME_RE.match(n) for n in names.values())


def test_the_import_cannot_lock_out_the_importer_or_the_last_admin(engine, make_user):
    root = make_user("root", "admin")
    checked = run(engine, roster.preview, root, csv(HEADER + "root@example.com,Root,,,,,,left,\n"))
    assert [p.key for p in checked.problems] == ["roster.error.deactivates_you", "roster.error.last_admin"]
    hr = make_user("hilda", "hr")
    checked = run(engine, roster.preview, hr, csv(HEADER + "root@example.com,Root,,,,,,left,\n"))
    assert [p.key for p in checked.problems] == ["roster.error.last_admin"]


def test_only_hr_and_admin_import_and_manage(engine, make_user):
    for who in (make_user("emma"), make_user("boss", "executive")):
        with pytest.raises(PermissionDenied):
            run(engine, roster.preview, who, csv(FIRST_FILE))
        with session_scope(engine) as session, pytest.raises(PermissionDenied):
            organisation.create_department(session, who, "Sales")
        with session_scope(engine, write=False) as session, pytest.raises(PermissionDenied):
            organisation.roster(session, who)
    admin = make_user("root", "admin")
    assert run(engine, roster.commit, admin, csv(FIRST_FILE)).count("created") == 3  # emma was there


def test_departments_and_teams_are_created_and_renamed(engine, hr, make_user):
    with session_scope(engine) as session:
        sales = organisation.create_department(session, hr, "  Sales  ")
        team = organisation.create_team(session, hr, sales, "Key accounts")
        organisation.create_team(session, hr, sales, "SMB")
        ops = organisation.create_department(session, hr, "Ops")
        organisation.create_team(session, hr, ops, "Key accounts")  # same name, other department
    for call, key in (
        (lambda s: organisation.create_department(s, hr, "sales"), "roster.error.name_taken"),
        (lambda s: organisation.create_department(s, hr, " "), "roster.error.name_required"),
        (lambda s: organisation.create_department(s, hr, "x" * 121), "roster.error.name_too_long"),
        (lambda s: organisation.create_team(s, hr, sales, "smb"), "roster.error.name_taken"),
        (lambda s: organisation.rename_team(s, hr, team, "SMB"), "roster.error.name_taken"),
        (lambda s: organisation.rename_department(s, hr, ops, "SALES"), "roster.error.name_taken"),
    ):
        with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
            call(session)
        assert caught.value.problems[0].key == key
    with session_scope(engine) as session:
        organisation.rename_department(session, hr, sales, "Sales & partners")
        organisation.rename_team(session, hr, team, "key accounts")  # a change of case is fine
        with pytest.raises(NotFound):
            organisation.rename_team(session, hr, 999, "X")
        with pytest.raises(NotFound):
            organisation.create_team(session, hr, 999, "X")
    make_user("emma", department_id=sales, team_id=team)
    make_user("lea", department_id=sales)
    with session_scope(engine, write=False) as session:
        tree = organisation.organisation(session, hr)
    assert tree[["department", "team", "people"]].astype(object).where(
        tree.notna(), None
    ).values.tolist() == [
        ["Ops", None, 0],
        ["Ops", "Key accounts", 0],
        ["Sales & partners", None, 2],
        ["Sales & partners", "key accounts", 1],
        ["Sales & partners", "SMB", 0],
    ]


def test_roster_table_filters(engine, hr):
    run(engine, roster.commit, hr, csv(FIRST_FILE))
    run(
        engine,
        roster.commit,
        hr,
        csv(HEADER + "chloe@corp.example,Chloé Martin,Support,,,,,left,2025-01-31\n"),
    )
    with session_scope(engine, write=False) as session:
        sales = session.scalar(select(Department.id).where(Department.name == "Sales"))
        everyone = organisation.roster(session, hr)
        assert "chloe@corp.example" not in everyone["email"].tolist()
        left = organisation.roster(session, hr, include_left=True, search="CHLO")
        assert left[["full_name", "active", "left_on"]].values.tolist() == [
            ["Chloé Martin", False, date(2025, 1, 31)]
        ]
        assert organisation.roster(session, hr, department_id=sales)["email"].tolist() == [
            "ana.lima@corp.example",
            "Bruno.Costa@corp.example",
            "emma@example.com",
        ]
        assert organisation.roster(session, hr, search="%").empty


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_export_imports_back_unchanged(engine, hr, lang):
    """HR exports the roster, edits it in a spreadsheet and imports it back: same columns, same values."""
    from lib.core.formatting import to_csv

    run(engine, roster.commit, hr, csv(FIRST_FILE))
    with session_scope(engine, write=False) as session:
        exported = roster.export(session, hr)
    assert list(exported.columns) == list(roster.COLUMNS)
    assert "hilda@example.com" in set(exported["email"])
    data = to_csv(exported, lang)  # the download, in the interface language's dialect
    checked = run(engine, roster.preview, hr, data)
    assert not checked.problems
    assert {c.action for c in checked.changes} == {"unchanged"}
    # an edit made in the exported file is what the import changes, nothing else
    edited = exported.copy()
    edited.loc[edited["email"] == "chloe@corp.example", "job_title"] = "Support lead"
    checked = run(engine, roster.preview, hr, to_csv(edited, lang))
    assert [(c.row.email, c.changes) for c in checked.changes if c.action != "unchanged"] == [
        ("chloe@corp.example", ("job_title",))
    ]


def test_dates_as_a_french_spreadsheet_saves_them(engine, hr):
    text = HEADER + "dana@corp.example,Dana Roy,Sales,,,,06/01/2020,active,\n"
    checked = run(engine, roster.preview, hr, csv(text))
    assert not checked.problems and checked.changes[0].values["start_date"] == date(2020, 1, 6)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_templates_hold_one_example_row_and_the_allowed_values(engine, hr, lang):
    from io import BytesIO

    import pandas as pd

    from lib.activity import contribution_import

    checked = run(engine, roster.preview, hr, roster.template(lang))
    assert not checked.problems and [c.action for c in checked.changes] == ["created"]
    for module, name in ((roster, "roster"), (contribution_import, "contributions")):
        book = pd.read_excel(BytesIO(module.template_excel(lang)), sheet_name=None)
        sheets = list(book)
        assert sheets[0] == name and len(book[name]) == 1
        rules = book[sheets[1]]
        assert rules.iloc[:, 0].tolist() == list(book[name].columns)
        assert rules.iloc[:, 2].notna().all()
    kinds = contribution_import.allowed_values(lang).iloc[:, 2].tolist()
    assert "linkedin (LinkedIn)" in kinds[1] and "share" in kinds[2]
