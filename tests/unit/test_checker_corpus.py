"""The post checker on its labelled drafts (data/checker_corpus.yaml): at least 80 drafts in both
languages, at least 90 % of the risky ones flagged and at most 5 % of the safe ones (quality only:
the time per draft is measured by `python -m bench.checker`)."""

from bench.checker import evaluate, load_corpus
from lib.ops.demo import CHECKER_LISTS


def test_the_corpus_is_large_labelled_and_bilingual():
    settings, drafts = load_corpus()
    assert len(drafts) >= 80
    for label in ("risky", "safe"):
        for lang in ("en", "fr"):
            assert sum(d["label"] == label and d["lang"] == lang for d in drafts) >= 15
    assert all(d["label"] in ("risky", "safe") and d["category"] and d["text"].strip() for d in drafts)
    assert len({d["text"] for d in drafts}) == len(drafts)
    # the corpus is checked with the lists the demo organisation fills
    assert all(set(CHECKER_LISTS[key]) <= set(settings[key]) for key in CHECKER_LISTS)


def test_recall_and_false_alarms_meet_the_aim():
    result = evaluate()
    assert result["recall"] >= 0.90, result["wrong"]
    assert result["false_alarms"] <= 0.05, result["wrong"]
