"""Every authored module and the policy follow the schema, in both languages."""

import copy
import re

import pytest

from lib.core.vocab import LANGUAGES
from lib.training.catalogue import TRAINING_DIR, _load_yaml, load_modules, module_errors, policy

FILES = sorted(TRAINING_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_module_file_is_valid(path):
    assert module_errors(_load_yaml(path)) == []


def test_catalogue_has_the_eight_required_modules_in_order():
    modules = load_modules()
    assert [m.data["order"] for m in modules] == list(range(1, 9))
    assert all(m.required for m in modules)
    assert all(len(m.quiz) >= 6 for m in modules)


def test_policy_is_bilingual_and_versioned():
    data = policy()
    assert isinstance(data["version"], int)
    assert data["body"]["en"].strip() and data["body"]["fr"].strip()


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
    assert "quiz: at least 6 questions" in errors
    assert any("duplicate id" in e for e in errors)


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
    """The right options are shared by both languages; the explanations must cite the same options,
    and a multiple-choice question must say so in both languages (and only then)."""
    for q in module.quiz:
        cited = {lang: set(re.findall(r"\(([a-f])\)", q["explanation"][lang])) for lang in LANGUAGES}
        assert cited["en"] == cited["fr"] and cited["en"] <= {o["id"] for o in q["options"]}, q["id"]
        for lang in LANGUAGES:
            assert (MULTIPLE_HINT[lang] in q["prompt"][lang]) == (q["kind"] == "multiple"), (q["id"], lang)


def test_shape_check_notices_a_missing_bullet():
    lesson = MODULES[0].lessons[0]["body"]
    assert shape(lesson["en"]) != shape(lesson["fr"].replace("\n- ", "\n", 1))
