"""Every authored module and the policy follow the schema, in both languages."""

import copy
import re

import pytest

from lib.core.vocab import LANGUAGES
from lib.training.catalogue import (
    POLICY_FILE,
    TRAINING_DIR,
    _load_yaml,
    load_modules,
    module_errors,
    policy,
    policy_errors,
    policy_section,
)

FILES = sorted(TRAINING_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_module_file_is_valid(path):
    assert module_errors(_load_yaml(path)) == []


def test_catalogue_has_its_modules_in_order_with_banks_larger_than_an_attempt():
    modules = load_modules()
    assert [m.data["order"] for m in modules] == list(range(1, len(modules) + 1))
    assert {m.path for m in modules} == {"core", "recommended", "role"}
    assert all(len(m.quiz) >= 10 and 6 <= m.draw <= 8 and m.draw < len(m.quiz) for m in modules)


POLICY_IDS = (
    "alerts",
    "insider_information",
    "paid_disclosure",
    "ai_images",
    "account_security",
    "your_rights",
)


def test_policy_is_bilingual_versioned_and_has_the_sections_the_checker_cites():
    data = policy()
    assert isinstance(data["version"], int) and data["version"] >= 2
    assert data["body"]["en"].strip() and data["body"]["fr"].strip()
    ids = [s["id"] for s in data["sections"]]
    assert set(POLICY_IDS) <= set(ids)
    for section_id in POLICY_IDS:
        number, section = policy_section(section_id)
        for lang in LANGUAGES:
            assert f"{number}. **{section['title'][lang]}.**" in data["body"][lang]
    paid = policy_section("paid_disclosure")[1]["body"]
    assert "FTC" in paid["en"] and "2023-451" in paid["fr"]
    assert "«\u00a0publicité\u00a0»" in paid["fr"] and "«\u00a0collaboration commerciale\u00a0»" in paid["fr"]
    assert policy_section(1)[1]["id"] == "disclosure"  # the numbering of existing sections is stable
    with pytest.raises(KeyError):
        policy_section("nope")


def test_policy_validator_names_every_problem():
    data = copy.deepcopy(_load_yaml(POLICY_FILE))
    data["sections"][1]["id"] = data["sections"][0]["id"]
    data["sections"][2]["body"]["fr"] = ""
    data["sections"][3]["id"] = "Bad-Id"
    errors = policy_errors(data)
    assert any("duplicate id" in e for e in errors)
    assert any(e.endswith(".body.fr: empty") for e in errors)
    assert any("snake_case" in e for e in errors)
    assert policy_errors(_load_yaml(POLICY_FILE)) == []


def _sample():
    return copy.deepcopy(load_modules()[0].data)


def test_validator_catches_a_question_without_correct_answer():
    data = _sample()
    for option in data["quiz"][0]["options"]:
        option["correct"] = False
    assert any("exactly one correct" in e or "two or more" in e for e in module_errors(data))


def test_validator_catches_a_missing_translation_and_raw_html():
    data = _sample()
    data["lessons"][0]["title"]["fr"] = ""
    data["lessons"][1]["body"]["en"] += "\n<script>alert(1)</script>"
    errors = module_errors(data)
    assert any(e.endswith(".title.fr: empty") for e in errors)
    assert any("raw HTML" in e for e in errors)


def test_validator_catches_too_few_questions_and_duplicate_ids():
    data = _sample()
    data["quiz"] = data["quiz"][:5]
    data["lessons"][1]["id"] = data["lessons"][0]["id"]
    errors = module_errors(data)
    assert "quiz: at least 10 questions" in errors
    assert any("duplicate id" in e for e in errors)


def test_validator_catches_paths_draws_lessons_and_takeaways():
    data = _sample()
    data["path"] = "role"
    data["draw"] = 12
    data["quiz"][0]["lesson"] = "nowhere"
    data["takeaways"]["fr"] = data["takeaways"]["fr"][:1]
    errors = module_errors(data)
    assert "role: needed exactly when path is role" in errors
    assert "draw: 6 to 8 questions per attempt" in errors
    assert any(e.endswith(".lesson: must name one of the module's lessons") for e in errors)
    assert "takeaways: at least three per language" in errors
    data = _sample()
    lesson = data["lessons"][0]["id"]
    data["quiz"] = [q for q in data["quiz"] if q["lesson"] != lesson] + [
        next(q for q in data["quiz"] if q["lesson"] == lesson)
    ]
    assert f"lessons.{lesson}: needs at least two questions in the bank" in module_errors(data)


# --- French and English say the same thing ---------------------------------------------------

MODULES = load_modules()
SHAPE = {
    "headings": r"^#{1,6} ",
    "bullets": r"^\s*[-*] ",
    "numbered": r"^\s*\d+\. ",
    "bold": r"\*\*[^*]+\*\*",
    "links": r"\]\(",
    "paragraphs": r"\n\s*\n",
}
MULTIPLE_HINT = {"en": "(Select all that apply.)", "fr": "(Plusieurs réponses possibles.)"}


def shape(markdown: str) -> dict:
    return {name: len(re.findall(pattern, markdown.strip(), re.MULTILINE)) for name, pattern in SHAPE.items()}


@pytest.mark.parametrize("module", MODULES, ids=[m.slug for m in MODULES])
def test_french_and_english_lessons_have_the_same_structure(module):
    for lesson in module.lessons:
        assert shape(lesson["body"]["en"]) == shape(lesson["body"]["fr"]), lesson["id"]


def test_french_and_english_policy_have_the_same_structure():
    body = policy()["body"]
    assert shape(body["en"]) == shape(body["fr"])
    assert shape(body["en"])["numbered"] >= 10


@pytest.mark.parametrize("module", MODULES, ids=[m.slug for m in MODULES])
def test_both_languages_explain_the_same_options_and_announce_multiple_choice(module):
    """Options are shuffled per attempt, so explanations never cite an option by its letter; a
    multiple-choice question says so in both languages (and only then)."""
    for q in module.quiz:
        for lang in LANGUAGES:
            assert not re.search(r"\([a-f]\)", q["explanation"][lang]), (q["id"], lang)
            assert (MULTIPLE_HINT[lang] in q["prompt"][lang]) == (q["kind"] == "multiple"), (q["id"], lang)


def test_shape_check_notices_a_missing_bullet():
    lesson = MODULES[0].lessons[0]["body"]
    assert shape(lesson["en"]) != shape(lesson["fr"].replace("\n- ", "\n", 1))
