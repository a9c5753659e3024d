"""The Content library page: publish (HR), read, copy and "I shared this" (employees), refusals."""

from lib.activity import content_library as content
from lib.core.db import session_scope
from lib.core.models import ContentItem, Contribution, utcnow
from tests.apptest.activity_helpers import open_page, rows
from tests.apptest.conftest import signed_in, texts

TODAY = utcnow().date()
PUBLISH = "FormSubmitter:library_new_0-Publish"


def publish(engine, hr, **values):
    values = {
        "title": "Open day in Lyon",
        "text_en": "Come and meet us on Saturday!",
        "text_fr": "Venez nous rencontrer samedi !",
        "url": "https://example.com/open-day",
        "platforms": ["facebook", "linkedin"],
        "starts_on": TODAY,
        **values,
    }
    with session_scope(engine) as session:
        return content.save_item(session, hr, **values).id


def test_refused_for_executives(app_engine, add_user):
    add_user("root", "admin")
    add_user("boss", "executive")
    at = signed_in("boss")
    at.switch_page("pages/content_library.py").run()
    assert "You do not have access to this page" in texts(at)


def test_empty_library_says_what_to_do(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma")
    at = open_page("emma", "content_library")
    assert "Nothing to share right now" in texts(at)
    assert [t.label for t in at.tabs] == ["To share now", "Check a draft post"]  # no publishing tab


def test_employee_copies_and_records_i_shared_this(app_engine, add_user):
    add_user("root", "admin")
    hugo, emma = add_user("hugo", "hr"), add_user("emma")
    item = publish(app_engine, hugo, required=True)
    at = open_page("emma", "content_library")
    assert "Open day in Lyon" in texts(at)
    assert "Come and meet us on Saturday\\!" in [m.value for m in at.markdown]  # text, not code
    assert at.code[0].value == "Come and meet us on Saturday!"  # the copy button's block, folded
    at.button(key=f"library_shared_{item}").click().run()
    assert at.title[0].value == "My contributions"
    assert "Pre-filled from the content library" in texts(at)
    assert at.selectbox(key="contrib_new_en_platform").value == "facebook"
    assert at.selectbox(key="contrib_new_en_kind").value == "share"
    assert at.text_input(key="contrib_new_en_url").value == "https://example.com/open-day"
    assert at.selectbox(key="contrib_new_en_content_item_id").value == item
    at.switch_page("pages/my_contributions.py")  # where the browser now is (AppTest keeps its own page)
    at.number_input(key="contrib_new_en_reactions").set_value(12)
    at.button(key="FormSubmitter:contrib_new_en-Log the contribution").click().run()
    assert "Contribution logged" in texts(at)
    [row] = rows(app_engine, Contribution)
    assert (row.user_id, row.content_item_id, row.kind, row.reactions) == (emma.id, item, "share", 12)


def test_text_in_the_interface_language(app_engine, add_user):
    add_user("root", "admin")
    hugo = add_user("hugo", "hr")
    add_user("lea", language="fr")
    publish(app_engine, hugo)
    at = open_page("lea", "content_library")
    assert "Venez nous rencontrer samedi \\!" in [m.value for m in at.markdown]
    assert at.button[0].label == "Je l’ai partagé"


def test_hr_publishes_with_every_problem_explained(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr")
    at = open_page("hugo", "content_library", "Publish and manage")
    assert "No content item yet" in texts(at)
    at.text_input(key="library_new_0_url").input("example.com")
    at.button(key=PUBLISH).click().run()
    shown = texts(at)
    assert "Title: is required." in shown and "Link to share: must be a web address" in shown
    assert rows(app_engine, ContentItem) == []

    at.text_input(key="library_new_0_title").input("Our new Lille office")
    at.selectbox(key="library_new_0_campaign").set_value("Employer brand")
    at.text_area(key="library_new_0_text_en").input("We opened in Lille!")
    at.text_area(key="library_new_0_text_fr").input("Nous avons ouvert à Lille !")
    at.text_input(key="library_new_0_url").input("https://example.com/lille")
    at.button(key=PUBLISH).click().run()
    assert "Item published." in texts(at)
    [item] = rows(app_engine, ContentItem)
    assert (item.title, item.platforms, item.archived) == ("Our new Lille office", ["linkedin"], False)
    assert at.dataframe[0].value["State"].tolist() == ["Published"]

    at.selectbox(key="library_pick_en").select(item.id).run()
    at.button(key="library_archive").click().run()
    assert "Item withdrawn" in texts(at)
    assert rows(app_engine, ContentItem)[0].archived


def test_post_checker_and_its_settings(app_engine, add_user):
    add_user("root", "admin")
    add_user("hugo", "hr", "employee")
    at = open_page("hugo", "content_library", "Publish and manage")
    at.text_area(key="library_checker.confidential_terms").input("Project Falcon")
    at.text_area(key="library_checker.competitor_names").input("Globex\nInitech")
    at.button(key="FormSubmitter:checker_settings-Save the checker settings").click().run()
    assert "Checker settings saved." in texts(at)
    at.session_state["library_tabs"] = "Check a draft post"
    at.run()
    at.text_area(key="library_checker_text").input("A peek at project falcon " + "x" * 300)
    at.selectbox(key="library_checker_platform_en").select("x")
    at.button(key="FormSubmitter:library_checker_form-Check").click().run()
    warnings = [w.value for w in at.warning]
    assert "Possibly confidential wording: “project falcon”" in warnings[0]  # as typed
    assert "For example, this passes:" in warnings[0]
    assert "this platform accepts 280" in warnings[1] and "the platform’s own limit" in warnings[1]
    at.session_state["library_tabs"] = "Publish and manage"
    at.run()
    assert at.text_area(key="library_checker.competitor_names").value == "Globex\nInitech"


def test_post_checker_explains_in_french_with_the_company_name(app_engine, add_user):
    from lib.activity import post_checker

    add_user("root", "admin")
    hugo = add_user("hugo", "hr")
    add_user("lea", language="fr")
    with session_scope(app_engine) as session:
        post_checker.update_settings(
            session, hugo, {"checker.company_names": ["Aurelis"], "checker.competitor_names": ["BetaCorp"]}
        )
    at = open_page("lea", "content_library", "Vérifier un projet de publication")
    at.text_area(key="library_checker_text").input(
        "Les ingénieurs de BetaCorp sont des clowns. Découvrez notre offre !"
    )
    at.button(key="FormSubmitter:library_checker_form-Vérifier").click().run()
    warnings = [w.value for w in at.warning]
    assert "2 points à revoir avant de publier." in texts(at)
    assert warnings[0].startswith("La publication met en avant l’entreprise («\u00a0Découvrez notre\u00a0»)")
    assert "Par exemple, ceci passe\u00a0: «\u00a0Je travaille chez Aurelis" in warnings[0]
    assert warnings[1].startswith("Insulte ou mépris\u00a0: «\u00a0clowns\u00a0».")
    assert "article 6" in warnings[1]
