"""The post checker: every rule in data/post_rules.yaml, with a passing and a failing example in
English and in French, the run-time lists, and the guideline each finding cites."""

import pytest

from lib.activity import post_checker
from lib.activity.post_checker import find_issues, guideline_text, load_rules
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError

# rule id -> language -> (a post that passes every rule, a post that breaks this rule)
EXAMPLES = {
    "disclosure": {
        "en": (
            "I work at Acme and I am proud of our new range of bikes.",
            "Check out our new range of bikes!",
        ),
        "fr": (
            "Je travaille chez Acme : découvrez notre nouvelle gamme de vélos.",
            "Découvrez notre nouvelle gamme de vélos !",
        ),
    },
    "confidential": {
        "en": (
            "Our results are published today: here is the official release.",
            "Sneak peek of a product that is not yet announced.",
        ),
        "fr": (
            "Nos résultats sont publiés aujourd’hui : voici le communiqué officiel.",
            "Un aperçu d’un document à usage interne.",
        ),
    },
    "contact_details": {
        "en": (
            "Great discussion at the trade fair this week.",
            "Thanks Jane, reach her at jane.doe@client.com",
        ),
        "fr": ("Belle discussion sur le salon cette semaine.", "Merci Paul, joignable au 06 12 34 56 78."),
    },
    "aggressive_sales": {
        "en": (
            "Happy to answer any question about energy audits.",
            "Last chance: buy now, prices go up Monday.",
        ),
        "fr": (
            "Je réponds volontiers à vos questions sur les audits énergétiques.",
            "Dernière chance, profitez-en vite avant lundi.",
        ),
    },
    "length": {
        "en": ("A short thought on remote work.", "A long thought on remote work and its many facets. " * 6),
        "fr": (
            "Une courte réflexion sur le télétravail.",
            "Une longue réflexion sur le télétravail et ses facettes. " * 6,
        ),
    },
    "hashtags": {
        "en": ("Lovely day at the office #teamwork #spring", "Day out #a #b #c #d #e #f"),
        "fr": (
            "Belle journée au bureau #équipe #printemps",
            "Sortie d’équipe #un #deux #trois #quatre #cinq #six",
        ),
    },
    "links": {
        "en": (
            "The full story: https://example.com/story",
            "Read https://a.example/1 and https://b.example/2 and www.c.example/3",
        ),
        "fr": (
            "L’article complet : https://example.com/article",
            "Lisez https://a.example/1, https://b.example/2 et www.c.example/3",
        ),
    },
}
PLATFORM = {"length": "x"}  # the platform each rule's examples are written for (LinkedIn otherwise)


def ids(findings) -> list[str]:
    return [f.rule for f in findings]


def test_every_rule_has_examples_in_both_languages():
    assert [r["id"] for r in load_rules()] == list(EXAMPLES)
    assert all(set(langs) == {"en", "fr"} for langs in EXAMPLES.values())


@pytest.mark.parametrize("rule, lang", [(rule, lang) for rule in EXAMPLES for lang in ("en", "fr")])
def test_rule_passes_good_posts_and_flags_bad_ones(rule, lang):
    passing, failing = EXAMPLES[rule][lang]
    platform = PLATFORM.get(rule, "linkedin")
    assert find_issues(passing, platform) == []
    assert rule in ids(find_issues(failing, platform))


def test_terms_ignore_case_and_accents_but_need_whole_words():
    assert ids(find_issues("DOCUMENT CONFIDENTIEL", "linkedin")) == ["confidential"]
    assert ids(find_issues("decouvrez notre offre", "linkedin")) == ["disclosure"]
    assert find_issues("Nous avons été confidentiellement ravis", "linkedin") == []  # not the word itself
    assert find_issues("#adventure time", "linkedin") == []  # "#ad" is not "#adventure"


def test_length_depends_on_the_platform():
    text = "word " * 100  # 500 characters
    assert ids(find_issues(text, "x")) == ["length"]
    assert find_issues(text, "linkedin") == [] and find_issues(text * 10, "blog") == []
    [finding] = find_issues(text, "x")
    assert finding.params == {"length": 500, "limit": 280}


def test_hashtag_limit_per_platform():
    text = "News #one #two #three #four"
    assert ids(find_issues(text, "x")) == ["hashtags"] and find_issues(text, "linkedin") == []


def test_dates_amounts_and_links_are_not_phone_numbers():
    text = "On 2026-11-25 we passed 12 000 000 visits: https://x.com/acme/status/0612345678"
    assert find_issues(text, "linkedin") == []


def test_run_time_lists_extend_the_rules():
    settings = {
        "checker.confidential_terms": ["Project Falcon"],
        "checker.company_names": ["Acme"],
        "checker.own_domains": ["acme.example"],
    }
    assert ids(find_issues("Working hard on project falcon", "linkedin", settings)) == ["confidential"]
    assert ids(find_issues("Acme opens a new plant", "linkedin", settings)) == ["disclosure"]
    assert find_issues("I work at Acme, which opens a new plant", "linkedin", settings) == []
    assert (
        find_issues("Write to jobs@acme.example", "linkedin", {"checker.own_domains": ["acme.example"]}) == []
    )
    assert ids(find_issues("Write to jobs@acme.example", "linkedin")) == ["contact_details"]


def test_each_finding_cites_its_guideline():
    [finding] = find_issues("Check out our new range of bikes!", "linkedin")
    assert guideline_text(finding.guideline, "en") == (
        "posting guidelines, section 1 “Say that you work for the company” · "
        "training “What never to post”, lesson “"
        + post_checker.module("what-never-to-post").lessons[2]["title"]["en"]
        + "”"
    )
    assert "article 1" in guideline_text(finding.guideline, "fr")
    assert guideline_text({"platform": True}, "en") == "the platform’s own limit"


def test_a_broken_rules_file_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - {id: x, kind: astrology, guideline: {policy: 1}, message: m}\n")
    monkeypatch.setattr(post_checker, "RULES_FILE", bad)
    post_checker.load_rules.cache_clear()
    try:
        with pytest.raises(ValueError, match="known kind"):
            load_rules()
    finally:
        post_checker.load_rules.cache_clear()


def test_settings_are_stored_for_hr_and_used_by_check_post(engine, make_user):
    hugo, emma = make_user("hugo", "hr"), make_user("emma")
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        post_checker.update_settings(session, emma, {"checker.confidential_terms": ["Falcon"]})
    with pytest.raises(ValidationError), session_scope(engine) as session:
        post_checker.update_settings(session, hugo, {"checker.company_names": ["x" * 101]})
    with session_scope(engine) as session:
        post_checker.update_settings(
            session, hugo, {"checker.confidential_terms": [" Falcon ", "", "Falcon"]}
        )
    with session_scope(engine, write=False) as session:
        assert post_checker.settings(session, emma)["checker.confidential_terms"] == ["Falcon"]
        assert ids(post_checker.check_post(session, emma, "Falcon is coming", "linkedin")) == ["confidential"]
