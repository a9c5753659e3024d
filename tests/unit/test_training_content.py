"""Checks of the training content itself (data/training/): a quiz must be passed by knowing the
lessons, not by reading the shape of the options.

Guessing strategies are played against every module with the engine's own grading and pass
mark: once over the whole bank as authored, and over many attempts drawn and shuffled as the
learner gets them.
"""

import random
import re

import pytest

from lib.core.vocab import LANGUAGES
from lib.training import academy as training
from lib.training.catalogue import load_modules

MODULES = load_modules()
SINGLES = [q for m in MODULES for q in m.quiz if q["kind"] == "single"]
MULTIPLES = [q for m in MODULES for q in m.quiz if q["kind"] == "multiple"]
DRAWS = 300
STRATEGIES = ("longest", "first", "last")
# "Never", "only"... in an option tend to mark it as wrong; they must not be a reliable sign.
ABSOLUTE = re.compile(r"\b(never|always|only|jamais|toujours|seulement|uniquement)\b", re.IGNORECASE)


def right_is_strictly_longest(q: dict, lang: str) -> bool:
    length = {o["id"]: len(o["text"][lang]) for o in q["options"]}
    right = next(o["id"] for o in q["options"] if o["correct"])
    return length[right] > max(n for oid, n in length.items() if oid != right)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_right_option_is_the_longest_in_at_most_a_third_of_single_answer_questions(lang):
    longest = [q["id"] for q in SINGLES if right_is_strictly_longest(q, lang)]
    assert 3 * len(longest) <= len(SINGLES), longest


def guess(module, drawn: dict, lang: str, strategy: str, ticks: int) -> list[str]:
    """Without reading: one option for a single answer, `ticks` options for a select-all one,
    taken by length or by position in the order shown."""
    options = {o["id"]: o for o in module.question(drawn["id"])["options"]}
    shown = [options[oid] for oid in drawn["options"]]
    if strategy == "longest":
        ranked = sorted(shown, key=lambda o: -len(o["text"][lang]))
    else:
        ranked = shown if strategy == "first" else shown[::-1]
    n = 1 if module.question(drawn["id"])["kind"] == "single" else ticks
    return [o["id"] for o in ranked[:n]]


def play(module, drawn: list[dict], lang: str, strategy: str, ticks: int):
    answers = {d["id"]: guess(module, d, lang, strategy, ticks) for d in drawn}
    return training.grade(module, drawn, answers)


@pytest.mark.parametrize("module", MODULES, ids=[m.slug for m in MODULES])
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_guessing_strategies_pass_no_module(module, strategy, lang):
    bank = [{"id": q["id"], "options": [o["id"] for o in q["options"]]} for q in module.quiz]
    rng = random.Random(f"{module.slug}-{strategy}-{lang}")
    for ticks in (2, 3, 4):  # however many options a guesser ticks in select-all questions
        whole = play(module, bank, lang, strategy, ticks)
        assert not whole.passed, (ticks, whole.score)
        passes = sum(
            play(module, training.draw_quiz(module, [], rng), lang, strategy, ticks).passed
            for _ in range(DRAWS)
        )
        if strategy == "longest":  # length does not change with the shuffle: never a pass
            assert passes == 0, (ticks, passes)
        else:  # by position, after shuffling, no better than a blind guess
            assert passes <= DRAWS // 50, (ticks, passes)


def test_select_all_questions_vary_in_how_many_options_are_right():
    counts = [sum(o["correct"] for o in q["options"]) for q in MULTIPLES]
    assert len(set(counts)) >= 3  # two, three and four right options all occur
    assert max(counts.count(n) for n in set(counts)) <= 0.6 * len(counts)
    # and ticking all but one option, or about half of them, is not a rule that works either
    assert sum(c == len(q["options"]) - 1 for c, q in zip(counts, MULTIPLES, strict=True)) <= 0.6 * len(
        counts
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_absolute_words_do_not_mark_the_wrong_options(lang):
    marked = [o for m in MODULES for q in m.quiz for o in q["options"] if ABSOLUTE.search(o["text"][lang])]
    right = sum(o["correct"] for o in marked)
    assert right * 2 >= len(marked) - right, (right, len(marked))  # at least a third are right


@pytest.mark.parametrize("module", MODULES, ids=[m.slug for m in MODULES])
def test_each_module_ends_with_its_key_takeaways(module):
    for lang in LANGUAGES:
        assert len(module.takeaways(lang)) >= 3
        assert all(len(item) > 30 for item in module.takeaways(lang))


def text_of(module, lang: str) -> str:
    parts = [lesson["body"][lang] for lesson in module.lessons] + module.takeaways(lang)
    for q in module.quiz:
        parts += [q["prompt"][lang], q["explanation"][lang]] + [o["text"][lang] for o in q["options"]]
    return "\n".join(parts)


ALL = {lang: "\n".join(text_of(m, lang) for m in MODULES) for lang in LANGUAGES}


def test_figures_are_quoted_as_the_sources_give_them():
    for lang in LANGUAGES:
        text = ALL[lang]
        # Médiamétrie: over-55s are 30 % of the audience, not "as present as" 15-34 year-olds
        assert not re.search(r"(as present|aussi présents).{0,40}15-34", text), lang
        assert "15-34" not in text
        # CEFRIO surveys Québec, not Canada as a whole
        assert not re.search(r"(In|au) Canada, (one|un) internaute|In Canada, one internet user", text)
        assert "Québec" in text
        # the quotation on accessibility is anonymous, not a BRANDfog result
        assert not re.search(r"BRANDfog[^.]*\)\. (A leader who takes part|Un dirigeant qui s'implique)", text)
        # KPMG's finding is about having a strategy, not about measuring
        assert not re.search(r"(take the time to measure|prennent le temps de mesurer)", text)
    assert "decision-makers" in ALL["en"] and "claimed in 2013" in ALL["en"]
    assert "affirmait en 2013" in ALL["fr"]


def test_content_agrees_with_the_product():
    for lang in LANGUAGES:
        assert not re.search(r"not a points system|pas un système de points", ALL[lang])
    # resolved signals earn points, as lib.activity.recognition counts them
    assert re.search(r"earns (you )?points once it is resolved", ALL["en"])
    assert re.search(r"rapporte des points une fois résolu", ALL["fr"])
    # the content library's suggested texts are to be adapted, not copied
    assert "adapt them in your own words" in ALL["en"] and "adaptez-les avec vos propres mots" in ALL["fr"]
