"""The My contributions page: log, refuse bad input, list, edit, delete, import, export."""

from datetime import timedelta

from sqlalchemy import func, select

from lib.core.db import session_scope
from lib.core.models import Contribution, User, utcnow
from tests.apptest.activity_helpers import open_page, rows
from tests.apptest.conftest import signed_in, texts

TODAY = utcnow().date()
SAVE_NEW = "FormSubmitter:contrib_new_en-Log the contribution"


def test_refused_without_the_employee_role(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    at = signed_in("boss")
    at.switch_page("pages/my_contributions.py").run()
    assert "You do not have access to this page" in texts(at)
    assert not at.number_input and not at.dataframe


def test_empty_state_says_what_to_do(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions", "My contributions")
    assert "No contribution matches this period" in texts(at)
    assert at.metric[0].value == "0"


def test_log_a_contribution_with_some_figures(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    at = open_page("emma", "my_contributions")
    at.selectbox(key="contrib_new_en_platform").select("x")
    at.selectbox(key="contrib_new_en_kind").select("customer_reply")
    at.text_input(key="contrib_new_en_url").input("https://x.com/emma/status/42")
    at.number_input(key="contrib_new_en_impressions").set_value(1500)
    at.number_input(key="contrib_new_en_reactions").set_value(30)
    at.button(key=SAVE_NEW).click().run()
    assert "Contribution logged" in texts(at)
    [row] = rows(app_engine, Contribution)
    assert (row.user_id, row.platform, row.kind, row.impressions, row.reactions, row.comments) == (
        emma.id,
        "x",
        "customer_reply",
        1500,
        30,
        None,
    )
    assert at.text_input(key="contrib_new_en_url").value == ""  # the form is ready for the next one
    assert [m.value for m in at.metric[:3]] == ["1", "1,500", "30"]


def test_bad_input_is_explained_and_changes_nothing(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions")
    at.text_input(key="contrib_new_en_url").input("linkedin.com/in/emma")
    at.button(key=SAVE_NEW).click().run()
    assert "URL: must be a web address starting with http:// or https://." in texts(at)
    assert rows(app_engine, Contribution) == []
    assert at.text_input(key="contrib_new_en_url").value == "linkedin.com/in/emma"


def test_list_edit_and_delete(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    with session_scope(app_engine) as session:
        session.add(
            Contribution(
                user_id=emma.id,
                occurred_on=TODAY - timedelta(days=2),
                platform="linkedin",
                kind="share",
                url="https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000001",
                impressions=100,
            )
        )
    at = open_page("emma", "my_contributions", "My contributions")
    table = at.dataframe[0].value
    assert table["Platform"].tolist() == ["LinkedIn"] and table["Impressions"].tolist() == [100]
    row_id = rows(app_engine, Contribution)[0].id
    at.selectbox(key="contrib_pick_en").select(row_id).run()
    at.number_input(key=f"contrib_edit_{row_id}_en_impressions").set_value(250)
    at.button(key=f"FormSubmitter:contrib_edit_{row_id}_en-Save changes").click().run()
    assert "Contribution updated." in texts(at)
    assert rows(app_engine, Contribution)[0].impressions == 250

    at.selectbox(key="contrib_pick_en").select(row_id).run()
    assert at.button(key="contrib_delete").disabled
    at.checkbox(key=f"contrib_confirm_{row_id}").check().run()
    at.button(key="contrib_delete").click().run()
    assert "Contribution deleted." in texts(at)
    assert rows(app_engine, Contribution) == []


def test_every_contribution_of_a_busy_day_can_be_opened(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    with session_scope(app_engine) as session:
        for _ in (1, 2):
            session.add(
                Contribution(
                    user_id=emma.id,
                    occurred_on=TODAY - timedelta(days=1),
                    platform="linkedin",
                    kind="customer_reply",
                    note="Answered a customer",
                    impressions=10,
                )
            )
    at = open_page("emma", "my_contributions", "My contributions")
    picker = at.selectbox(key="contrib_pick_en")
    assert len(set(picker.options)) == 2  # two labels, told apart
    for row in rows(app_engine, Contribution):
        at.selectbox(key="contrib_pick_en").select(row.id).run()
        assert at.number_input(key=f"contrib_edit_{row.id}_en_impressions").value == 10
    assert "(2)" in at.selectbox(key="contrib_pick_en").options[1]


def test_refusals_are_listed_on_submit(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions")
    at.date_input(key="contrib_new_en_date").set_value(TODAY + timedelta(days=1))
    at.number_input(key="contrib_new_en_impressions").set_value(-5)
    at.button(key=SAVE_NEW).click().run()
    shown = texts(at)
    assert "Date: cannot be in the future." in shown
    assert "Impressions: cannot be negative." in shown
    assert "URL: give the link to the post or comment" in shown
    assert rows(app_engine, Contribution) == []


def upload(at, data: bytes):
    at.file_uploader(key="contrib_upload_0").set_value(("mine.csv", data, "text/csv"))
    return at.run()


def test_import_refuses_a_file_with_a_bad_row_and_names_it(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions", "Import and export")
    lines = [f"{TODAY},linkedin,share,https://example.com/{i},{i},,,,,," for i in range(10)]
    lines[4] = f"{TODAY},linkedin,share,https://example.com/4,minus four,,,,,,"
    data = (
        "date,platform,kind,url,impressions,reactions,comments,shares,clicks,minutes_spent,note\n"
        + "\n".join(lines)
    ).encode()
    upload(at, data)
    assert "Nothing was imported: 1 problem(s)" in texts(at)
    problems = at.dataframe[0].value
    assert problems.iloc[0].tolist() == [6, "impressions", "must be a whole number (0, 1, 2…)."]
    assert not [b for b in at.button if b.key == "contrib_import"]
    assert rows(app_engine, Contribution) == []


def test_import_preview_commit_and_reimport(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions", "Import and export")
    data = f"date,platform,kind,url\n{TODAY},linkedin,share,https://example.com/a\n{TODAY},X,Comment,https://x.com/e/status/7\n".encode()
    upload(at, data)
    assert "Preview: 2 new contribution(s) to import" in texts(at)
    assert rows(app_engine, Contribution) == []
    at.button(key="contrib_import").click().run()
    assert "Import done: 2 contribution(s) added, 0 skipped" in texts(at)
    assert len(rows(app_engine, Contribution)) == 2
    at.file_uploader(key="contrib_upload_1").set_value(("mine.csv", data, "text/csv"))
    at.run()
    assert "Preview: 0 new contribution(s) to import, 2 already imported" in texts(at)
    assert at.button(key="contrib_import").disabled


def test_export_is_prepared_on_demand(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    with session_scope(app_engine) as session:
        session.add(Contribution(user_id=emma.id, occurred_on=TODAY, platform="x", kind="share"))
    at = open_page("emma", "my_contributions", "Import and export")
    assert [b.key for b in at.get("download_button")] == ["contrib_template", "contrib_template_xlsx"]
    at.button(key="contrib_export").click().run()
    assert {"contrib_export_file_csv", "contrib_export_file_xlsx"} <= {
        b.key for b in at.get("download_button")
    }


def test_french_interface(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    at = open_page("emma", "my_contributions")
    assert at.title[0].value == "Mes contributions"
    with session_scope(app_engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Contribution)) == 0


def test_post_checker_on_the_contribution_page(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "my_contributions")
    at.text_area(key="contrib_checker_text").input("Découvrez notre offre ! Appelez Paul au 06 12 34 56 78")
    at.button(key="FormSubmitter:contrib_checker_form-Check").click().run()
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2
    assert "without saying that you work for it" in warnings[0] and "section 1" in warnings[0]
    assert "06 12 34 56 78" in warnings[1] and "section 4" in warnings[1]
    at.text_area(key="contrib_checker_text").input("Je travaille chez Acme : découvrez notre offre.")
    at.button(key="FormSubmitter:contrib_checker_form-Check").click().run()
    assert "No issue found" in texts(at) and not at.warning


def test_points_leaderboard_and_opt_out(app_engine, add_user):
    add_user("root", "admin")
    emma, paul = add_user("emma"), add_user("paul")
    with session_scope(app_engine) as session:
        session.add(
            Contribution(user_id=emma.id, occurred_on=TODAY, platform="x", kind="original_post", reactions=20)
        )
        session.add(Contribution(user_id=paul.id, occurred_on=TODAY, platform="x", kind="share"))
    at = open_page("paul", "my_contributions", "Points and leaderboard")
    assert [m.value for m in at.metric[-2:]] == ["1", "#2"]
    assert at.dataframe[0].value["Ambassador"].tolist() == ["Emma", "Paul (you)"]
    assert "How points are counted" in [e.label for e in at.expander]
    assert "Point rules and weekly goal (HR)" not in [e.label for e in at.expander]  # HR only

    at = open_page("emma", "my_contributions", "Points and leaderboard")
    at.toggle(key="recognition_opt_out").set_value(True).run()
    with session_scope(app_engine, write=False) as session:
        assert session.get(User, emma.id).leaderboard_opt_out
    at = open_page("paul", "my_contributions", "Points and leaderboard")
    assert at.dataframe[0].value["Ambassador"].tolist() == ["Anonymous ambassador", "Paul (you)"]


def test_hr_changes_the_point_rules(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr", "employee")
    at = open_page("hugo", "my_contributions", "Points and leaderboard")
    at.number_input(key="recognition_share").set_value(4)
    at.number_input(key="recognition_weekly_goal").set_value(3)
    at.button(key="FormSubmitter:recognition_rules-Save the rules").click().run()
    assert "Rules saved" in texts(at)
    assert "share 4, comment 1" in texts(at)
    assert "of your weekly goal of 3 contributions" in texts(at)


def test_list_shows_provenance_and_review_of_mixed_rows(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    with session_scope(app_engine) as session:
        for n, (review, reasons, source) in enumerate(
            [("ok", None, "typed"), ("pending", "above_ceiling", "imported"), ("approved", None, "corrected")]
        ):
            session.add(
                Contribution(
                    user_id=emma.id,
                    occurred_on=TODAY - timedelta(days=n + 1),
                    platform="linkedin",
                    kind="share",
                    url=f"https://www.linkedin.com/feed/update/urn:li:activity:700000000000000000{n}",
                    impressions=100 * (n + 1),
                    figures_source=source,
                    review=review,
                    review_reasons=reasons,
                )
            )
    at = open_page("emma", "my_contributions", "My contributions")
    table = at.dataframe[0].value
    assert table["Review"].tolist() == ["Counted", "Waiting for HR review", "Approved by HR"]
    assert table["Figures"].tolist() == ["Typed", "Platform export", "Corrected by HR"]
    assert "1 of these contributions wait for an HR review" in texts(at)
