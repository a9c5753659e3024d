"""The Customer signals page: report, follow, handle, and the refusals along the way."""

from datetime import timedelta

from sqlalchemy import update

from lib.activity import signals
from lib.core.db import session_scope
from lib.core.models import CustomerSignal, utcnow
from tests.apptest.activity_helpers import open_page, rows
from tests.apptest.conftest import texts

REPORT = "FormSubmitter:signal_new_en_0-Report the signal"


def seed_signal(engine, reporter, **values):
    values = {
        "signal_type": "loss",
        "category": "complaint",
        "customer_name": "Durand SAS",
        "description": "Invoice error, angry tweet.",
        **values,
    }
    with session_scope(engine) as session:
        return signals.report_signal(session, reporter, **values).id


def test_employee_reports_a_loss(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("emma", "customer_signals")
    at.segmented_control(key="signal_new_en_0_type").set_value("loss").run()
    assert at.selectbox(key="signal_new_en_0_category").options == [
        "Complaint",
        "Unresolved problem",
        "Customer loyal to a competitor",
        "Offer does not meet the need",
        "Distrust",
        "Negative public comment",
    ]
    at.selectbox(key="signal_new_en_0_category").select("negative_comment")
    at.text_input(key="signal_new_en_0_customer").input("Durand SAS")
    at.number_input(key="signal_new_en_0_value").set_value(2500.0)
    at.selectbox(key="signal_new_en_0_team").select("Support")
    at.text_area(key="signal_new_en_0_description").input("Public complaint about a late delivery.")
    at.button(key=REPORT).click().run()
    assert "Signal #1 reported" in texts(at)
    [s] = rows(app_engine, CustomerSignal)
    assert (s.reporter_id, s.signal_type, s.category, s.owner_team, float(s.estimated_value), s.status) == (
        emma.id,
        "loss",
        "negative_comment",
        "Support",
        2500.0,
        "new",
    )
    assert at.text_input(key="signal_new_en_1_customer").value == ""


def test_bad_report_is_explained_and_changes_nothing(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "customer_signals")
    at.text_input(key="signal_new_en_0_url").input("see the tweet")
    at.button(key=REPORT).click().run()
    shown = texts(at)
    assert "Customer or company: is required." in shown and "What happened: is required." in shown
    assert "Link to the conversation: must be a web address" in shown
    assert rows(app_engine, CustomerSignal) == []


def test_my_signals_empty_state_then_the_thread(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("emma", "customer_signals", "My signals")
    assert "You have not reported any signal" in texts(at)
    sid = seed_signal(app_engine, emma)
    at.run()
    assert at.dataframe[0].value["Customer"].tolist() == ["Durand SAS"]
    at.selectbox(key="signals_mine_pick").select(sid).run()
    assert "**Status:** New · **Owner:** no owner yet" in texts(at)
    assert not [b for b in at.button if b.key == f"signal_move_{sid}"]  # the reporter cannot move it
    at.text_area(key=f"signal_comment_text_{sid}").input("They called back.")
    at.button(key=f"FormSubmitter:signal_comment_{sid}-Comment").click().run()
    assert "Comment added." in texts(at)
    at.selectbox(key="signals_mine_pick").select(sid).run()
    assert "They called back." in at.dataframe[1].value["Comment"].tolist()


def test_hr_sees_overdue_assigns_and_the_owner_resolves(app_engine, add_user):
    add_user("root", "admin")
    emma, paul = add_user("emma"), add_user("paul")
    add_user("hugo", "hr")
    sid = seed_signal(app_engine, emma)
    with session_scope(app_engine) as session:
        session.get(CustomerSignal, sid).ack_due_at = utcnow() - timedelta(hours=2)
    at = open_page("hugo", "customer_signals", "All signals")
    assert "1 signal(s) not acknowledged within their target time" in texts(at)
    at.selectbox(key="signals_all_pick").select(sid).run()
    assert "Acknowledgement is overdue." in texts(at)
    at.selectbox(key=f"signal_owner_{sid}").select(paul.id)
    at.button(key=f"signal_assign_{sid}").click().run()
    assert "Owner saved." in texts(at)

    at = open_page("paul", "customer_signals", "Assigned to me")
    at.selectbox(key="signals_assigned_pick").select(sid).run()
    assert at.selectbox(key=f"signal_to_{sid}_en").options == ["Acknowledged"]
    at.button(key=f"signal_move_{sid}").click().run()
    assert "Status changed to “Acknowledged”." in texts(at)
    at.selectbox(key="signals_assigned_pick").select(sid).run()
    at.selectbox(key=f"signal_to_{sid}_en").select("resolved").run()
    # a loss is resolved by keeping the customer (or losing them), never "won"
    assert at.selectbox(key=f"signal_resolution_{sid}_en").options == [
        "Customer kept",
        "Lost",
        "Closed without outcome",
    ]
    at.selectbox(key=f"signal_resolution_{sid}_en").select("retained")
    at.text_input(key=f"signal_move_note_{sid}").input("Refund sent, customer thanked us publicly.")
    at.button(key=f"signal_move_{sid}").click().run()
    [s] = rows(app_engine, CustomerSignal)
    assert (s.status, s.resolution, s.owner_id) == ("resolved", "retained", paul.id)

    at = open_page("emma", "customer_signals", "My signals")  # the reporter sees what became of it
    at.selectbox(key="signals_mine_pick").select(sid).run()
    assert "**Status:** Resolved · Customer kept · **Owner:** Paul" in texts(at)


def test_a_change_made_meanwhile_is_refused_with_a_clear_message(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    add_user("hugo", "hr")
    sid = seed_signal(app_engine, emma)
    at = open_page("hugo", "customer_signals", "All signals")
    at.selectbox(key="signals_all_pick").select(sid).run()
    with session_scope(app_engine) as session:
        session.execute(update(CustomerSignal.__table__).where(CustomerSignal.id == sid).values(version=2))
    at.button(key=f"signal_move_{sid}").click().run()
    assert "Someone changed this signal meanwhile" in texts(at)
    assert rows(app_engine, CustomerSignal)[0].status == "new"


def test_employees_have_no_all_view_and_no_settings(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "customer_signals")
    assert [t.label for t in at.tabs] == ["Report a signal", "My signals", "Assigned to me"]


def test_executive_reads_all_but_cannot_move(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    add_user("boss", "executive")
    sid = seed_signal(app_engine, emma)
    at = open_page("boss", "customer_signals", "All signals")
    at.selectbox(key="signals_all_pick").select(sid).run()
    assert "Durand SAS" in texts(at)
    assert not [b for b in at.button if b.key in (f"signal_move_{sid}", f"signal_assign_{sid}")]


def test_hr_changes_the_settings(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "customer_signals", "Settings")
    at.number_input(key="signals_settings_hours").set_value(8)
    at.text_area(key="signals_settings_teams").input("Sales\nCustomer care")
    at.button(key="FormSubmitter:signals_settings-Save the settings").click().run()
    assert "Settings saved." in texts(at)
    with session_scope(app_engine, write=False) as session:
        assert (signals.ack_hours(session), signals.teams(session)) == (8, ["Sales", "Customer care"])


def test_widget_changes_do_not_renew_the_version_the_person_saw(app_engine, add_user):
    """Issue 10, item 4: B opens the signal; A assigns it meanwhile; B touches the team list, picks
    another team and assigns. B is told someone changed it, and A's choice stays; B's second click,
    made with A's change now shown, saves."""
    add_user("root", "admin")
    emma = add_user("emma")
    alice = add_user("alice", "hr")
    add_user("bruno", "hr")
    sid = seed_signal(app_engine, emma)
    teams = signals.TEAMS
    at = open_page("bruno", "customer_signals", "All signals")
    at.selectbox(key="signals_all_pick").select(sid).run()
    with session_scope(app_engine) as session:  # tab A
        signals.assign(session, alice, sid, 1, None, teams[0])
    at.selectbox(key=f"signal_team_{sid}").select(teams[1]).run()  # a run through a widget change
    at.selectbox(key=f"signal_team_{sid}").select(teams[2]).run()
    at.button(key=f"signal_assign_{sid}").click().run()
    assert "Someone changed this signal meanwhile" in texts(at)
    assert "Owner saved." not in texts(at)
    assert rows(app_engine, CustomerSignal)[0].owner_team == teams[0]
    at.button(key=f"signal_assign_{sid}").click().run()
    assert "Owner saved." in texts(at)
    assert rows(app_engine, CustomerSignal)[0].owner_team == teams[2]


def test_history_owner_late_mark_money_and_the_unassigned_filter(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    hugo = add_user("hugo", "hr")
    late = seed_signal(app_engine, emma, estimated_value="45000", currency="EUR", customer_name="Late SA")
    seed_signal(app_engine, emma, customer_name="Nobody's SA")
    with session_scope(app_engine) as session:
        session.get(CustomerSignal, late).ack_due_at = utcnow() - timedelta(hours=1)
    with session_scope(app_engine) as session:
        signals.assign(session, hugo, late, session.get(CustomerSignal, late).version, owner_team="Sales")
    with session_scope(app_engine) as session:
        signal = session.get(CustomerSignal, late)
        signals.move(session, hugo, late, signal.version, "acknowledged")
    at = open_page("hugo", "customer_signals", "All signals")
    table = at.dataframe[0].value
    assert table.set_index("Customer").loc["Late SA", "Estimated value"] == "€45,000"
    assert table.set_index("Customer").loc["Late SA", "Owner"] == "Sales"
    at.toggle(key="signals_all_unassigned").set_value(True).run()
    assert at.dataframe[0].value["Customer"].tolist() == ["Nobody's SA"]
    at.toggle(key="signals_all_unassigned").set_value(False).run()
    at.selectbox(key="signals_all_pick").select(late).run()
    history = at.dataframe[1].value["Status change"].tolist()
    assert history == ["— → New", "Handed to Sales", "New → Acknowledged (late)"]
    assert "Acknowledged late" in table.columns
