"""The Participation page driven as HR would: funnel, completion, follow-up and reminders, one
person's file, roster import, departments and teams; refusals, empty states, exports, French."""

import io
from datetime import date

import pandas as pd
from sqlalchemy import func, select, update

from lib.core.db import session_scope
from lib.core.models import Assignment, Department, Team, User
from tests.apptest.conftest import signed_in, texts, written
from tests.apptest.test_training_page import downloads  # noqa: F401  (fixture: files offered for download)
from tests.unit.test_participation import FIRST, build_org
from tests.unit.test_roster import FIRST_FILE, HEADER


def participation_page(username: str, tab: str | None = None):
    at = signed_in(username).switch_page("pages/participation.py").run()
    if tab:
        open_tab(at, tab)
    return at


def open_tab(at, label: str) -> None:
    """Select a tab as a click would (the tabs are keyed; only the open one is computed)."""
    at.session_state["part_tab"] = label
    at.run()


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def frame(at, column: str) -> pd.DataFrame:
    """The first table shown that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_employees_and_executives_are_refused(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    add_user("boss", "executive")
    for who in ("emma", "boss"):
        at = participation_page(who)
        assert "You do not have access to this page" in texts(at)
        assert not at.tabs and not at.dataframe


def test_empty_programme_says_what_to_do(app_engine, add_user):
    add_user("root", "admin")
    add_user("hilda", "hr")
    at = participation_page("hilda")
    assert not at.exception
    assert [t.label for t in at.tabs] == [
        "Overview",
        "Completion",
        "Follow-up",
        "People",
        "Roster",
        "Figures to review",
    ]
    assert "Nobody is on the roster for this scope yet. Import the HR system’s export" in texts(at)
    open_tab(at, "Completion")
    assert "Nobody is on the roster for this scope yet" in texts(at)
    assert "Nobody needs to renew a certification." in texts(at)
    open_tab(at, "People")
    assert "Type part of a name" in texts(at)
    open_tab(at, "Roster")
    assert "No department yet: create one below" in texts(at)


def test_funnel_by_department_hides_small_groups(app_engine, add_user):
    add_user("root", "admin")
    org = build_org(app_engine, add_user)
    at = participation_page("hilda")
    assert not at.exception
    assert [
        metric(at, m)
        for m in ("Workforce", "Started training", "Certified", "Active ambassadors", "Surfaced a signal")
    ] == ["10", "7", "4", "3", "2"]
    groups = frame(at, "Department")
    assert groups.set_index("Department").loc[
        "Sales", ["Workforce", "Certified", "Active ambassadors"]
    ].tolist() == [6, 3, 2]
    assert groups.set_index("Department").loc["Ops", "Note"] == "fewer than 5 people"
    assert pd.isna(groups.set_index("Department").loc["Ops", "Workforce"])
    assert "No department" in groups["Department"].tolist()

    at.selectbox(key="part_department_en").set_value(org["ops"]).run()
    assert "Figures are not shown for this scope: it has fewer than 5 people" in texts(at)
    assert not at.metric
    at.selectbox(key="part_department_en").set_value(org["sales"]).run()
    assert metric(at, "Workforce") == "6"
    assert set(frame(at, "Team")["Note"]) == {
        "fewer than 5 people",
        "also hidden (see below)",
    }
    at.selectbox(key=f"part_team_{org['sales']}_en").set_value(org["team_a"]).run()
    assert metric(at, "Workforce") == "5"

    at.selectbox(key="part_department_en").set_value(0).run()  # the whole company
    at.number_input[0].set_value(3)
    at.button(key="FormSubmitter:part_settings-Save the settings").click().run()
    assert "Settings saved." in texts(at)
    at.selectbox(key="part_department_en").set_value(org["ops"]).run()
    assert metric(at, "Workforce") == "3"


def test_leaderboard_on_request_keeps_opted_out_people_anonymous(app_engine, add_user):
    add_user("root", "admin")
    org = build_org(app_engine, add_user)
    with session_scope(app_engine) as session:
        session.execute(update(User).where(User.id == org["s2"].id).values(leaderboard_opt_out=True))
    at = participation_page("hilda")
    assert not [d for d in at.dataframe if "Points" in d.value.columns]  # computed only when asked for
    at.toggle(key="part_leaderboard").set_value(True).run()
    board = frame(at, "Points")
    assert board[["Rank", "Ambassador", "Points"]].values.tolist() == [
        [1, "S1", 2],
        [2, "O1", 1],
        [2, "Anonymous ambassador", 1],
    ]


def test_a_reversed_period_is_explained(app_engine, add_user):
    add_user("root", "admin")
    build_org(app_engine, add_user)
    at = participation_page("hilda")
    start, end = at.date_input(key="part_period").value
    at.date_input(key="part_period").set_value((end, start - pd.Timedelta(days=1))).run()
    assert not at.exception
    assert "The first day is after the last day." in texts(at)


def test_completion_heatmap_and_renewals(app_engine, add_user):
    add_user("root", "admin")
    build_org(app_engine, add_user)
    at = participation_page("hilda", "Completion")
    assert not at.exception
    modules = frame(at, "Passed (% of the workforce)").set_index("Module")
    assert modules.loc[
        FIRST.text("title", "en"), ["Passed", "Workforce", "Passed (% of the workforce)"]
    ].tolist() == [4, 10, 0.4]  # the share itself (sorts as a number)...
    shown = next(d for d in at.dataframe if "Passed (% of the workforce)" in d.value.columns)
    assert written(shown)["Passed (% of the workforce)"][0] == "40%"  # ...written as the reader reads it
    assert len(at.get("plotly_chart")) == 1
    assert "Not shown (fewer than 5 people): Ops, No department." in texts(at)
    assert "Nobody needs to renew a certification." in texts(at)


def test_follow_up_lists_and_reminder(app_engine, add_user):
    add_user("root", "admin")
    org = build_org(app_engine, add_user)
    with session_scope(app_engine) as session:
        session.add(
            Assignment(
                module_slug=FIRST.slug,
                scope="user",
                user_id=org["s4"].id,
                due_on=pd.Timestamp.now().date() - pd.Timedelta(days=4),
            )
        )
    at = participation_page("hilda", "Follow-up")
    assert not at.exception
    late = frame(at, "Days late")
    assert late[["E-mail", "Days late"]].values.tolist() == [["s4@example.com", 4]]
    assert frame(at, "Last contribution")["E-mail"].tolist() == ["s3@example.com"]
    assert frame(at, "Days since start")["E-mail"].tolist() == ["s6@example.com"]
    assert at.code[0].value == "s4@example.com"
    at.radio(key="part_reminder").set_value("inactive").run()
    assert at.code[0].value == "s3@example.com"
    link = at.get("link_button")[0].proto
    assert (
        link.url.startswith("mailto:?bcc=s3@example.com&subject=")
        and link.label == "Write to them (1 address(es), in blind copy)"
    )
    assert at.get("page_link")[0].proto.label == "Open the Training page to assign modules"


def test_person_file_and_assignment(app_engine, add_user):
    add_user("root", "admin")
    org = build_org(app_engine, add_user)
    at = participation_page("hilda", "People")
    at.text_input(key="part_search").input("nobody-like-this").run()
    assert "Nobody matches." in texts(at)
    at.text_input(key="part_search").input("s1@").run()
    assert metric(at, "Certified") == "Yes" and metric(at, "Required modules passed") == "1 / 1"  # the core
    assert metric(at, "Contributions (all time)") == "2" and metric(at, "Customer signals") == "1"
    points = next(m for m in at.metric if m.label == "Points (last 30 days)")
    assert (points.value, points.delta) == ("2", "rank 1 in the company")
    assert frame(at, "Quiz attempts")["Status"].unique().tolist() == ["Passed"]
    assert frame(at, "Platform").values.tolist() == [["LinkedIn", 2, 200, 10, pd.NA, 0]]

    at.text_input(key="part_search").input("s6").run()
    assert metric(at, "Certified") == "No" and "No contribution logged yet." in texts(at)
    at.multiselect[0].set_value([FIRST.slug])
    at.button(key=f"FormSubmitter:part_assign_{org['s6'].id}-Assign").click().run()
    assert "1 module(s) assigned." in texts(at)
    with session_scope(app_engine, write=False) as session:
        assert session.execute(select(Assignment.scope, Assignment.user_id)).all() == [("user", org["s6"].id)]


def upload(at, generation: int, data: bytes) -> None:
    at.file_uploader(key=f"part_upload_{generation}").set_value(("roster.csv", data, "text/csv"))
    at.run()


def test_roster_import_refuses_bad_rows_then_applies_a_good_file_once(app_engine, add_user):
    add_user("root", "admin")
    add_user("hilda", "hr")
    at = participation_page("hilda", "Roster")
    assert "People added by the import get the employee role and no password" in texts(at)
    upload(at, 0, (HEADER + "bad-email,X,Sales,,,,,active,\n").encode())
    assert "Nothing was imported: 1 problem(s)" in texts(at)
    assert frame(at, "Problem").values.tolist() == [
        [2, "email", "“bad-email” is not a valid e-mail address."]
    ]
    assert "import" not in [b.key for b in at.button]

    upload(at, 0, FIRST_FILE.encode())
    assert "Preview: 4 to create, 0 to update, 0 to deactivate (left), 0 unchanged." in texts(at)
    assert "New departments: Sales, Support. New teams: Sales / Key accounts, Sales / SMB." in texts(at)
    at.button(key="part_import").click().run()
    assert "Import done: 4 created, 0 updated, 0 deactivated, 0 unchanged." in texts(at)
    assert "ana.lima@corp.example" in frame(at, "Manager")["E-mail"].tolist()
    upload(at, 1, FIRST_FILE.encode())
    assert "Preview: 0 to create, 0 to update, 0 to deactivate (left), 4 unchanged." in texts(at)
    assert at.button(key="part_import").disabled
    with session_scope(app_engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 6


def test_roster_export_is_neutralised(app_engine, add_user, downloads):  # noqa: F811
    add_user("root", "admin")
    add_user("hilda", "hr")
    mallory = add_user("mallory")
    with session_scope(app_engine) as session:
        session.execute(update(User).where(User.id == mallory.id).values(full_name="=cmd|' /C calc'!A0"))
    at = participation_page("hilda", "Roster")
    back = pd.read_csv(io.BytesIO(downloads["roster.csv"]), encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in back["Full name"].tolist()
    excel = pd.read_excel(io.BytesIO(downloads["roster.xlsx"]))
    assert "'=cmd|' /C calc'!A0" in excel["Full name"].tolist()
    assert not at.exception


def test_admin_manages_departments_and_teams(app_engine, add_user):
    add_user("root", "admin")
    at = participation_page("root", "Roster")
    at.text_input(key="part_new_department_name").input("Sales")
    at.button(key="FormSubmitter:part_new_department-Create").click().run()
    assert "Saved." in texts(at)
    at.text_input(key="part_new_department_name").input("sales")
    at.button(key="FormSubmitter:part_new_department-Create").click().run()
    assert "Name: “sales” already exists here." in texts(at)
    at.button(key="FormSubmitter:part_new_team-Create").click().run()
    assert "Choose which one first." in texts(at)
    with session_scope(app_engine, write=False) as session:
        sales = session.scalar(select(Department.id))
    at.selectbox(key="part_new_team_pick").set_value(sales)
    at.text_input(key="part_new_team_name").input("Key accounts")
    at.button(key="FormSubmitter:part_new_team-Create").click().run()
    at.selectbox(key="part_rename_department_pick").set_value(sales)
    at.text_input(key="part_rename_department_name").input("Sales & partners")
    at.button(key="FormSubmitter:part_rename_department-Rename").click().run()
    with session_scope(app_engine, write=False) as session:
        assert session.scalar(select(Department.name)) == "Sales & partners"
        assert session.scalar(select(Team.name)) == "Key accounts"
    assert frame(at, "People")["Department"].tolist() == ["Sales & partners", "Sales & partners"]


def test_the_page_speaks_french(app_engine, add_user):
    add_user("root", "admin")
    add_user("lea", "hr", language="fr")
    at = participation_page("lea")
    assert at.title[0].value == "Participation"
    assert [t.label for t in at.tabs] == [
        "Vue d’ensemble",
        "Formation",
        "Suivi",
        "Collaborateurs",
        "Effectif",
        "Chiffres à vérifier",
    ]
    assert "Personne n’est encore inscrit à l’effectif de ce périmètre." in texts(at)
    open_tab(at, "Suivi")
    assert "Modules assignés en retard" in texts(at)
    assert "Son onglet «\u00a0Affectations et suivi (RH)\u00a0» assigne des modules" in texts(at)


def test_review_queue_approve(app_engine, add_user):
    from lib.core.models import Contribution
    from tests.apptest.activity_helpers import rows

    add_user("root", "admin")
    add_user("hilda", "hr")
    emma = add_user("emma")
    with session_scope(app_engine) as session:
        session.add(
            Contribution(
                user_id=emma.id,
                occurred_on=date.today(),
                platform="linkedin",
                kind="share",
                url="https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000009",
                impressions=5_000_000,
                review="pending",
                review_reasons="above_ceiling",
            )
        )
    at = participation_page("hilda", "Figures to review")
    assert "1 contribution(s) wait for a review." in texts(at)
    assert frame(at, "Why")["Why"].tolist() == [
        "impressions above what the platform plausibly gives a member’s post"
    ]
    [row] = rows(app_engine, Contribution)
    at.selectbox(key="review_pick_en").select(row.id).run()
    at.button(key=f"FormSubmitter:review_{row.id}-Approve as is").click().run()
    assert "Approved: its figures now count." in texts(at)
    assert rows(app_engine, Contribution)[0].review == "approved"
