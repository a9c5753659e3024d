"""The platform analytics import and the imports' refusals on My contributions, as the page shows
them: the preview table, the import, its history and the list's provenance, in French (tables
the browser tests cannot read), HR importing for someone and the review queue in French, the
CSV import's duplicate links in both languages, and the form's refusals in French on submit."""

from datetime import timedelta

from lib.core import formatting as fmt
from lib.core.models import AnalyticsImport, Contribution, utcnow
from tests.analytics_files import linkedin_url, linkedin_xlsx, year_of_days
from tests.apptest.activity_helpers import TABS, rows
from tests.apptest.conftest import signed_in, texts

TODAY = utcnow().date()
D1, D2 = TODAY - timedelta(days=30), TODAY - timedelta(days=20)


def open_tab(username: str, tab: str):
    """Sign in and open My contributions on `tab`, drawn in the page's first run."""
    at = signed_in(username)
    at.session_state[TABS["my_contributions"]] = tab
    at.switch_page("pages/my_contributions.py").run()
    return at


def upload_export(at, data: bytes):
    at.file_uploader(key="analytics_upload_0").set_value(
        ("Contenu.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    return at.run()


def test_linkedin_import_in_french_preview_history_and_provenance(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    at = open_tab("emma", "Import et export")
    data = linkedin_xlsx(
        [(1, D1, 40, 1200), (2, D2, 25, 900)], year_of_days(TODAY - timedelta(days=1), 30), "fr"
    )
    upload_export(at, data)
    assert "Export LinkedIn\u00a0: 2 contribution(s) à créer" in texts(at)
    preview = at.dataframe[0].value
    assert list(preview.columns) == [
        "Action",
        "Publiée le",
        "Publication",
        "Impressions",
        "Interactions (total de la plateforme)",
        "Réactions",
        "Commentaires",
        "Partages",
        "Clics",
        "En attente de vérification car",
    ]
    assert preview["Action"].tolist() == ["À créer", "À créer"]
    assert sorted(preview["Publiée le"]) == [D1, D2]  # values kept; written «4 nov. 2026» on screen
    assert set(preview["Impressions"]) == {1200, 900}
    assert rows(app_engine, Contribution) == []

    at.button(key="analytics_commit").click().run()
    assert "Import terminé\u00a0: 2 contribution(s) créée(s)" in texts(at)
    history = at.dataframe[0].value
    assert list(history.columns)[:2] == ["Plateforme", "Fichier"]
    assert list(history.columns)[2].startswith("Importé (")
    assert history["Du"].tolist() == [TODAY - timedelta(days=30)] and history["Jours"].tolist() == [30]
    [record] = rows(app_engine, AnalyticsImport)
    assert record.filename == "Contenu.xlsx"

    at.session_state["contrib_tabs"] = "Mes contributions"
    at.run()
    listed = at.dataframe[0].value
    assert listed["Date"].tolist() == [D2, D1] and listed["Impressions"].tolist() == [900, 1200]
    assert all(
        s.startswith("Export de la plateforme «\u00a0Contenu.xlsx\u00a0», ") for s in listed["Chiffres"]
    )
    assert listed["Vérification"].tolist() == ["Comptée", "Comptée"]
    labels = at.selectbox(key="contrib_pick_fr").options  # date, platform, kind, link, figures
    link = linkedin_url(2, 2)[:60]
    assert labels[0] == f"{fmt.day(D2, 'fr')} · LinkedIn · Publication originale · {link} · 900 impressions"


def test_csv_import_names_duplicate_links_by_row_in_both_languages(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    add_user("hugo")
    data = (
        "date,platform,kind,url\n"
        f"{D1},linkedin,share,{linkedin_url(5)}\n"
        f"{D2},linkedin,share,{linkedin_url(5, 1)}\n"
    ).encode()
    for who, tab, reason in (
        ("emma", "Import et export", "ce lien figure déjà à la ligne 2 du fichier\u00a0:"),
        ("hugo", "Import and export", "this link is already on row 2 of the file:"),
    ):
        at = open_tab(who, tab)
        at.file_uploader(key="contrib_upload_0").set_value(("mine.csv", data, "text/csv"))
        at.run()
        problems = at.dataframe[0].value
        assert problems.iloc[:, 0].tolist() == [3] and problems.iloc[:, 1].tolist() == ["url"]
        assert problems.iloc[0, 2].startswith(reason)
        assert not [b for b in at.button if b.key == "contrib_import"]
    assert rows(app_engine, Contribution) == []


def test_form_refusals_are_explained_in_french_on_submit(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    at = open_tab("emma", "Enregistrer une contribution")
    at.date_input(key="contrib_new_fr_date").set_value(TODAY + timedelta(days=1))
    at.number_input(key="contrib_new_fr_impressions").set_value(-5)
    at.button(key="FormSubmitter:contrib_new_fr-Enregistrer la contribution").click().run()
    shown = texts(at)
    assert "Date\u00a0: ne peut pas être dans le futur." in shown
    assert "Impressions\u00a0: ne peut pas être négatif." in shown
    assert "URL\u00a0: indiquez le lien de la publication ou du commentaire" in shown
    assert rows(app_engine, Contribution) == []


def test_hr_imports_for_a_person_and_reviews_in_french(app_engine, add_user):
    add_user("root", "admin")
    emma = add_user("emma")
    add_user("hilda", "hr", "employee", language="fr")
    at = open_tab("hilda", "Import et export")
    at.text_input(key="analytics_user").input("emma").run()
    big = linkedin_xlsx([(1, D1, 40, 1200), (2, D2, 25, 5_000_000)], [], "fr")
    upload_export(at, big)
    assert "1 attendront une vérification RH" in texts(at)
    reasons = at.dataframe[0].value["En attente de vérification car"]
    assert sorted(reasons) == [
        "",
        "impressions au-delà de ce que la plateforme donne vraisemblablement à la publication d’un membre",
    ]
    at.button(key="analytics_commit").click().run()
    imported = rows(app_engine, Contribution)
    assert {r.user_id for r in imported} == {emma.id}
    assert sorted(r.review for r in imported) == ["ok", "pending"]

    at = signed_in("hilda")
    at.session_state["part_tab"] = "Chiffres à vérifier"
    at.switch_page("pages/participation.py").run()
    assert "1 contribution(s) attendent une vérification." in texts(at)
    queue = next(d.value for d in at.dataframe if "Pourquoi" in d.value.columns)
    assert queue["Chiffres"].tolist() == ["Export de la plateforme"]
    assert queue["Date"].tolist() == [D2] and queue["Personne"].tolist() == ["Emma"]
