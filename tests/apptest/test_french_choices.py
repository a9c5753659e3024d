"""French pages whose choices are translated labels: a value chosen by its code is written back
as the French label (a format function read the language lazily and wrote English labels, so
AppTest and Streamlit failed with "'Original post' is not in list")."""

from lib.core import formatting as fmt
from lib.core.models import Contribution, CustomerSignal
from tests.apptest.activity_helpers import open_page, rows
from tests.apptest.conftest import texts, written


def test_french_contribution_form_takes_a_translated_kind(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    at = open_page("emma", "my_contributions")
    kind = at.selectbox(key="contrib_new_fr_kind")
    assert kind.options[0] == "Publication originale"
    kind.select("original_post")
    at.selectbox(key="contrib_new_fr_platform").select("x")
    at.text_input(key="contrib_new_fr_url").input("https://x.com/emma/status/42")
    at.number_input(key="contrib_new_fr_impressions").set_value(1500)
    at.button(key="FormSubmitter:contrib_new_fr-Enregistrer la contribution").click().run()
    assert not at.exception
    [row] = rows(app_engine, Contribution)
    assert (row.platform, row.kind) == ("x", "original_post")
    at.session_state["contrib_tabs"] = "Mes contributions"
    at.run()
    shown = written(at.dataframe[0]).iloc[0]
    assert shown["Date"] == fmt.day(row.occurred_on, "fr") and shown["Impressions"] == "1\u202f500"
    assert at.dataframe[0].value["Impressions"].tolist() == [1500]  # sorts as a number


def test_french_signal_form_takes_a_translated_category_and_team(app_engine, add_user):
    add_user("root", "admin")
    add_user("emma", language="fr")
    at = open_page("emma", "customer_signals")
    at.segmented_control(key="signal_new_fr_0_type").set_value("win").run()
    at.selectbox(key="signal_new_fr_0_category").select("lead")
    at.selectbox(key="signal_new_fr_0_team").select("Sales")
    at.text_input(key="signal_new_fr_0_customer").input("Durand SAS")
    at.text_area(key="signal_new_fr_0_description").input("Demande de devis après notre publication.")
    at.button(key="FormSubmitter:signal_new_fr_0-Envoyer le signal").click().run()
    assert not at.exception, texts(at)
    [row] = rows(app_engine, CustomerSignal)
    assert (row.category, row.owner_team) == ("lead", "Sales")
