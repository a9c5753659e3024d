"""The post checker: every rule of data/post_rules.yaml passes its passing examples and flags its
failing ones in English and in French; the issue's drafts are caught; disclosure means naming the
company; public sources lift the figure rules; the run-time lists (settings and the signal ledger)
feed the rules; each finding cites its guideline and lesson and explains itself in both languages."""

import re

import pytest

from lib.activity import post_checker, signals
from lib.activity.post_checker import (
    example,
    explain,
    find_issues,
    guideline_text,
    load_rules,
    policy_section,
)
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.i18n import t
from lib.training.catalogue import module

# The lists every example is checked with (as HR would fill them).
SETTINGS = {
    "checker.company_names": ["Acme", "Sensor Pro"],
    "checker.competitor_names": ["BetaCorp"],
    "checker.customer_names": ["Carrefour"],
    "checker.confidential_terms": ["Project Falcon"],
    "checker.own_domains": ["acme.example"],
}
PLATFORM = {"length": "x"}  # the platform each rule's examples are written for (LinkedIn otherwise)
ISSUE_DRAFTS = {
    "we just won Carrefour as a customer! Here is our 2027 price list: Sensor Pro 149 EUR, Gateway 899 EUR, "
    "20% off above 500 units. Contract value 1.2 M EUR… "
    "Internal memo from our CFO says margins are up 12%.": {
        "deals",
        "prices",
        "confidential",
        "financial_results",
        "customer_named",
    },
    "Q3 revenue up 20%, about to acquire a competitor": {"financial_results", "mergers"},
    "BetaCorp's engineers are clowns": {"respect"},
    "my manager Paul Martin is incompetent": {"respect"},
}


def ids(findings) -> list[str]:
    return [f.rule for f in findings]


def examples():
    return [(rule["id"], lang, ex) for rule in load_rules() for lang, ex in sorted(rule["examples"].items())]


def test_every_rule_has_a_passing_and_a_failing_example_in_both_languages():
    for rule in load_rules():
        assert set(rule["examples"]) == {"en", "fr"}, rule["id"]
        for ex in rule["examples"].values():
            assert ex["pass"].strip() and ex["fail"].strip() and ex["pass"] != ex["fail"], rule["id"]


@pytest.mark.parametrize("rule, lang, ex", examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_rule_passes_its_good_example_and_flags_its_bad_one(rule, lang, ex):
    platform = PLATFORM.get(rule, "linkedin")
    assert find_issues(ex["pass"], platform, SETTINGS) == []
    assert rule in ids(find_issues(ex["fail"], platform, SETTINGS))


@pytest.mark.parametrize("text", list(ISSUE_DRAFTS))
def test_the_issue_drafts_are_caught(text):
    assert ISSUE_DRAFTS[text] <= set(ids(find_issues(text, "linkedin", SETTINGS)))
    # without any list configured, every draft is still flagged
    assert find_issues(text, "linkedin")


def test_every_finding_says_which_words_it_found_as_typed():
    [finding] = find_issues("Notre Chiffre d’Affaires du T3 est en hausse", "linkedin")
    assert finding.rule == "financial_results"
    assert finding.params["words"] == ("Chiffre d’Affaires", "T3", "en hausse")
    assert explain(finding, "en").startswith("Financial results: “Chiffre d’Affaires”, “T3”, “en hausse”. ")
    assert explain(finding, "fr").startswith(
        "Résultats financiers\u00a0: «\u00a0Chiffre d’Affaires\u00a0», «\u00a0T3\u00a0», "
        "«\u00a0en hausse\u00a0». "
    )
    assert explain(finding, "en", str.upper).startswith("Financial results: “CHIFFRE D’AFFAIRES”")


def test_every_rule_explains_itself_in_both_languages():
    for rule in load_rules():
        for lang in ("en", "fr"):
            [finding] = [
                f
                for f in find_issues(
                    rule["examples"][lang]["fail"], PLATFORM.get(rule["id"], "linkedin"), SETTINGS
                )
                if f.rule == rule["id"]
            ]
            for shown in ("en", "fr"):
                text = explain(finding, shown)
                assert "{" not in text and text != rule["message"], (rule["id"], shown)
                for word in finding.params.get("words", ()):
                    assert word in text


def test_the_example_speaks_of_the_company():
    assert (
        example("disclosure", "en", "Aurelis")
        == "I work at Aurelis and I am proud of our new range of bikes."
    )
    assert example("disclosure", "fr").startswith("Je travaille chez Acme")


@pytest.mark.parametrize(
    "text",
    [
        "Check out our new sensor! My team built it.",
        "Check out our new sensor! #ad",
        "Découvrez notre nouvelle offre, je travaille à la maison aujourd'hui.",
        "Découvrez notre nouvelle offre ! Mon équipe l'a conçue.",
        "Sensor Pro is great. Views are my own.",
        "Check out our new sensor! I work at BetaCorp.",  # another company than ours
    ],
)
def test_disclosure_needs_the_company_named(text):
    assert "disclosure" in ids(find_issues(text, "linkedin", SETTINGS))


@pytest.mark.parametrize(
    "text",
    [
        "Check out our new sensor! I work at Acme.",
        "Check out our new sensor! I'm a field engineer at Acme.",
        "Découvrez notre nouvelle offre ! Je suis ingénieure chez Acme.",
        "Découvrez notre nouvelle offre ! #AcmeTeam",
        "Découvrez notre nouvelle offre ! #ÉquipeAcme",
        "Sensor Pro is great, disclosure: I work for Acme.",
        "Je serai sur le stand Acme, où je travaille depuis trois ans : découvrez notre offre.",
    ],
)
def test_saying_one_works_for_the_company_is_disclosure(text):
    assert "disclosure" not in ids(find_issues(text, "linkedin", SETTINGS))


def test_without_company_names_any_named_employer_discloses_but_not_home():
    assert find_issues("Check out our new sensor! I work at Acme.", "linkedin") == []
    assert ids(find_issues("Découvrez notre offre, je travaille à la maison.", "linkedin")) == ["disclosure"]


def test_a_cited_public_source_lifts_the_figure_rules_but_not_the_confidential_ones():
    figures = "Revenue up 14% to 52 M EUR, and we completed the acquisition of NordSense."
    assert {"financial_results", "mergers"} <= set(ids(find_issues(figures, "linkedin")))
    public = figures + " Full press release: https://example.com/press"
    assert find_issues(public, "linkedin") == []
    leaked = public + " The internal memo says margins are up too."
    assert ids(find_issues(leaked, "linkedin")) == ["confidential"]
    assert ids(find_issues("Our CEO is a clown. See the press release.", "linkedin")) == ["respect"]


def test_a_job_offer_may_give_its_salary_range():
    offer = "We're hiring a data engineer, salary range 50–60k EUR. I work at Acme."
    assert find_issues(offer, "linkedin", SETTINGS) == []
    assert ids(find_issues("My salary is 50k EUR, less than my colleague's.", "linkedin")) == ["salaries"]


@pytest.mark.parametrize(
    "text",
    [
        "We improved customer acquisition by focusing on events.",  # marketing, not M&A
        "Nous avons amélioré l'acquisition de clients grâce aux salons.",
        "Thanks for all the shares and comments on my last post!",
        "The wifi is great at this venue.",
        "Pros and cons of heat pumps in old buildings.",
        "Ça marche très bien, merci à tous !",  # "ça" is not "CA" (chiffre d'affaires)
        "Our team installed sensors at the hospital in Lyon. I work at Acme.",
        "Great results for the students of the robotics club.",
        "He gave a brilliant talk on sensors.",
        "Rendez-vous au salon, stand 42, le 12 mars.",
        "On 2026-11-25 we passed 12 000 000 visits: https://x.com/acme/status/0612345678",
        "I'm fired up for the conference tomorrow!",
        "Learning to let go of perfectionism was my best decision this year.",
        "Inspiring the next generation of engineers at the school fair today.",
        "Stay tuned for the agenda of our next meetup!",
        "Nous formons en interne tous nos techniciens, une vraie fierté. Je travaille chez Acme.",
        "Un salon comme on n'en a jamais vu, bravo aux organisateurs.",
        "Amateurs welcome at our Sunday run, see you there!",
        "Our charity run raised 5k EUR for the children's hospital.",
        "Deux cents d'entre nous ont aidé les élèves du quartier.",
    ],
)
def test_ordinary_posts_are_not_flagged(text):
    assert find_issues(text, "linkedin", SETTINGS) == []


def test_terms_ignore_case_and_accents_but_need_whole_words():
    assert ids(find_issues("DOCUMENT CONFIDENTIEL", "linkedin")) == ["confidential"]
    assert ids(find_issues("PLAN SOCIAL en vue", "linkedin")) == ["layoffs"]
    assert ids(find_issues("plan social en vue", "linkedin")) == ["layoffs"]
    assert find_issues("Nous avons été confidentiellement ravis", "linkedin") == []  # not the word itself
    assert find_issues("#adventure time", "linkedin") == []  # "#ad" is not "#adventure"
    assert ids(find_issues("Ces concurrents sont des incompétents", "linkedin")) == ["respect"]  # a stem


def test_length_depends_on_the_platform():
    text = "word " * 100  # 500 characters
    assert ids(find_issues(text, "x")) == ["length"]
    assert find_issues(text, "linkedin") == [] and find_issues(text * 10, "blog") == []
    [finding] = find_issues(text, "x")
    assert finding.params == {"length": 500, "limit": 280}


def test_hashtag_limit_per_platform():
    text = "News #one #two #three #four"
    assert ids(find_issues(text, "x")) == ["hashtags"] and find_issues(text, "linkedin") == []


def test_run_time_lists_extend_the_rules():
    settings = {
        "checker.confidential_terms": ["Project Falcon"],
        "checker.company_names": ["Acme"],
        "checker.competitor_names": ["Globex"],
        "checker.customer_names": ["Initech"],
        "checker.own_domains": ["acme.example"],
    }
    assert ids(find_issues("Working hard on project falcon", "linkedin", settings)) == ["confidential"]
    assert ids(find_issues("Acme opens a new plant", "linkedin", settings)) == ["disclosure"]
    assert find_issues("I work at Acme, which opens a new plant", "linkedin", settings) == []
    assert ids(find_issues("Globex's support is a joke", "linkedin", settings)) == ["respect"]
    assert find_issues("Globex's support is a joke", "linkedin") == []
    assert ids(find_issues("A day at Initech's plant", "linkedin", settings)) == ["customer_named"]
    assert find_issues("Write to jobs@acme.example", "linkedin", settings) == []
    assert ids(find_issues("Write to jobs@acme.example", "linkedin")) == ["contact_details"]


def test_each_finding_cites_its_guideline_and_lesson():
    [finding] = find_issues("Check out our new range of bikes!", "linkedin")
    lesson = module("what-never-to-post").lessons[2]["title"]["en"]
    assert guideline_text(finding.guideline, "en") == (
        "posting guidelines, section 1 “Say that you work for the company” · "
        f"training “What never to post”, lesson “{lesson}”"
    )
    assert "article 1" in guideline_text(finding.guideline, "fr")
    assert guideline_text({"platform": True}, "en") == "the platform’s own limit"


def test_every_guideline_names_a_section_and_a_lesson_that_exist():
    for rule in load_rules():
        ref = rule["guideline"]
        if ref.get("platform"):
            continue
        assert policy_section(ref["policy"]) is not None, rule["id"]
        m = module(ref["module"])
        assert ref["lesson"] in [lesson["id"] for lesson in m.lessons], rule["id"]
        for lang in ("en", "fr"):
            assert t(rule["message"], lang) != rule["message"], rule["id"]  # the message exists
            assert guideline_text(ref, lang)


def test_every_rule_kind_of_the_issue_is_covered():
    covered = {r["id"] for r in load_rules()}
    assert {
        "prices",
        "financial_results",
        "deals",
        "mergers",
        "roadmap",
        "layoffs",
        "salaries",
        "personal_data",
        "respect",
        "credentials",
        "internal_addresses",
        "disclosure",
        "paid_disclosure",
        "insider_information",
        "customer_named",
    } <= covered


def test_a_broken_rules_file_is_refused(tmp_path, monkeypatch):
    cases = {
        "rules:\n  - {id: x, kind: astrology, guideline: {policy: disclosure}, message: m, examples: {}}\n": (
            "known kind"
        ),
        "rules:\n  - {id: x, kind: terms, guideline: {policy: disclosure}, message: m}\n": "examples",
        "rules:\n  - {id: x, kind: near, guideline: {policy: disclosure}, message: m, examples: {en: {}},"
        " params: {match: [a]}}\n": "params.near",
        "rules:\n  - {id: x, kind: terms, guideline: {policy: disclosure}, message: m, examples: {en: {}},"
        " params: {match: ['@nowhere']}}\n": "unknown lexicon",
        "rules:\n  - {id: x, kind: terms, guideline: {policy: disclosure}, message: m, examples: {en: {}},"
        " params: {match: {patterns: ['(']}}}\n": "bad pattern",
        "rules:\n  - id: x\n    kind: terms\n    id: y\n": "id written twice",
    }
    for text, message in cases.items():
        bad = tmp_path / "rules.yaml"
        bad.write_text(text)
        monkeypatch.setattr(post_checker, "RULES_FILE", bad)
        post_checker.load_rules.cache_clear()
        try:
            with pytest.raises(ValueError, match=re.escape(message)):
                load_rules()
        finally:
            post_checker.load_rules.cache_clear()


def test_settings_are_stored_for_hr_and_used_by_check_post(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        post_checker.update_settings(session, emma, {"checker.confidential_terms": ["Falcon"]})
    with pytest.raises(ValidationError), session_scope(engine) as session:
        post_checker.update_settings(session, hugo, {"checker.competitor_names": ["x" * 101]})
    with session_scope(engine, write=False) as session:
        assert post_checker.settings(session, hugo)["checker.competitor_names"] == []  # nothing written
    with session_scope(engine) as session:
        post_checker.update_settings(
            session,
            hugo,
            {
                "checker.confidential_terms": [" Falcon ", "", "Falcon"],
                "checker.competitor_names": ["Globex"],
            },
        )
    with session_scope(engine, write=False) as session:
        saved = post_checker.settings(session, hugo)
        assert saved["checker.confidential_terms"] == ["Falcon"]
        assert saved["checker.competitor_names"] == ["Globex"]
        assert ids(post_checker.check_post(session, emma, "Falcon is coming", "linkedin")) == ["confidential"]
        assert ids(post_checker.check_post(session, emma, "Globex sells junk", "linkedin")) == ["respect"]


def test_customers_come_from_the_signal_ledger_and_the_hr_list(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    with session_scope(engine) as session:
        signals.report_signal(
            session,
            emma,
            signal_type="win",
            category="lead",
            customer_name="Initech SA",
            description="Asked for a demo.",
        )
        post_checker.update_settings(session, hugo, {"checker.customer_names": ["Globex"]})
    with session_scope(engine, write=False) as session:
        assert post_checker.known_customers(session) == ["Globex", "Initech SA"]
        draft = "Great day at Initech SA, then lunch with the Globex team."
        [finding] = post_checker.check_post(session, emma, draft, "linkedin")
        assert finding.rule == "customer_named" and finding.params["words"] == ("Initech SA", "Globex")


def test_a_word_inside_a_longer_match_is_not_repeated():
    [finding] = [
        f for f in find_issues("Our new price list: 149 EUR a unit.", "linkedin") if f.rule == "prices"
    ]
    assert finding.params["words"] == ("price list", "149 EUR", "a unit")


def test_only_hr_reads_the_checker_settings(engine, make_user):
    """Issue 10, item 9: the lists name customers and confidential terms."""
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    with session_scope(engine, write=False) as session:
        assert "checker.confidential_terms" in post_checker.settings(session, hugo)
        with pytest.raises(PermissionDenied):
            post_checker.settings(session, emma)


def test_names_are_whole_words_outside_hashtags_and_links():
    settings = {"checker.customer_names": ["Carrefour", "Martin SA", "L’Oréal"]}
    text = (
        "Visit #Carrefour, carrefour.fr/offres or https://x.example/carrefour; "
        "lunch with martin  sa and l'oreal."
    )
    [finding] = find_issues(text, "linkedin", settings)
    assert finding.rule == "customer_named" and finding.params["words"] == ("martin  sa", "l'oreal")
    assert find_issues("Carrefours of the world", "linkedin", settings) == []


def test_thousands_of_names_are_matched_like_a_few():
    names = [f"Client{i} SA" for i in range(5000)]
    found = find_issues("Great day at Client4321 SA.", "linkedin", {"checker.customer_names": names})
    assert [f.params["words"] for f in found] == [("Client4321 SA",)]
