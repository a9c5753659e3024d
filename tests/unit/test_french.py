"""French done properly in the interface strings (data/i18n/*.yaml): typography (no-break space
before « : », narrow no-break space before « ; ! ? % », guillemets with no-break spaces inside,
«…» rather than three dots, no straight double quotes) and the same meaning in both languages
for the terms that carry one (a "Required" that reads «Prioritaire» in French is a defect)."""

import re

import pytest

from lib.core.i18n import catalogue

NB, NNB = "\u00a0", "\u202f"
SPACES = (NB, NNB)
# Placeholders, code, web addresses and clock times are not prose.
NOT_PROSE = re.compile(r"\{[^{}]*\}|`[^`]*`|https?://\S+|\b\d{1,2}:\d{2}\b")


def french() -> dict[str, str]:
    return {key: texts["fr"] for key, texts in catalogue().items() if texts.get("fr")}


def problems(text: str) -> list[str]:
    prose = NOT_PROSE.sub("X", text)
    found = []
    for i, ch in enumerate(prose):
        before = prose[i - 1] if i else ""
        after = prose[i + 1] if i + 1 < len(prose) else ""
        if ch in ";!?" and before not in SPACES:
            found.append(f"{ch!r} needs a narrow no-break space before it")
        if ch == ":" and (after in ("", " ", "\n", "»") or after in SPACES) and before not in SPACES:
            found.append("':' needs a no-break space before it")
        if ch == "«" and after not in SPACES:
            found.append("'«' needs a no-break space after it")
        if ch == "»" and before not in SPACES:
            found.append("'»' needs a no-break space before it")
        number_before = prose[i - 2 : i - 1] if before == " " else before
        if ch == "%" and before != NNB and (number_before.isdigit() or number_before == "X"):
            found.append("'%' needs a narrow no-break space before it")
    if any(a + b in prose for a in (" ", NB, NNB) for b in (" ", NB, NNB)):
        found.append("two spaces in a row")
    if "..." in prose:
        found.append("'...' should be '…'")
    if '"' in prose:
        found.append("straight double quotes: use « »")
    return found


def test_the_checks_can_fail():
    assert problems("Attention : vite !")  # plain spaces
    assert problems("Attention: vite!")
    assert problems("« texte »") and problems("«texte»")
    assert problems(f"«{NB} double{NB} »")
    assert problems("Chargement...") and problems('un "mot"') and problems("90 %")
    assert not problems(f"Attention{NB}: vite{NNB}! «{NB}texte{NB}» 90{NNB}% {{host}}:{{port}} à 14:05…")


def test_french_typography_of_every_interface_string():
    bad = {key: problems(text) for key, text in french().items()}
    bad = {key: found for key, found in bad.items() if found}
    assert not bad, f"{len(bad)} French strings to fix, e.g. {dict(list(bad.items())[:5])}"


def test_english_strings_have_no_french_quotes():
    assert not [k for k, v in catalogue().items() if "«" in v.get("en", "") or "»" in v.get("en", "")]


# Terms whose meaning must survive translation: a short label equal to one side must read as the
# other side. Add a pair when a screen gains a term with a precise meaning.
GLOSSARY = [
    ("Required", "Obligatoire"),
    ("Optional", "Facultatif"),
    ("Priority", "Prioritaire"),
    ("Certified", "Certifié"),
    ("Resolved", "Résolu"),
    ("Win", "Gain"),
    ("Loss", "Perte"),
    ("Department", "Département"),
    ("Team", "Équipe"),
    ("Platform", "Plateforme"),
    ("Status", "Statut"),
]


def _short_labels():
    for key, texts in catalogue().items():
        en, fr = texts.get("en", ""), texts.get("fr", "")
        if en and fr and en != fr and len(en.split()) <= 3:  # identical: a technical name (CSV column)
            yield key, en.strip().rstrip(".:"), fr.strip().rstrip(".:" + NB)


def _same(text: str, term: str) -> bool:
    """Equal, plurals and agreement aside (Certifié, Certifiés; Résolu, Résolus)."""
    text, term = text.lower(), term.lower()
    return text == term or text in (term + "s", term + "e", term + "es")


@pytest.mark.parametrize(("en", "fr"), GLOSSARY)
def test_meaning_bearing_terms_agree_in_both_languages(en, fr):
    wrong = [
        (key, e, f)
        for key, e, f in _short_labels()
        if (_same(e, en)) != (_same(f, fr)) and (_same(e, en) or _same(f, fr))
    ]
    assert not wrong, f"{en!r} / {fr!r} disagree: {wrong}"


def test_the_meaning_check_can_fail(monkeypatch):
    fake = {"library.required": {"en": "Required", "fr": "Prioritaire"}}
    monkeypatch.setattr("tests.unit.test_french.catalogue", lambda: fake)
    with pytest.raises(AssertionError):
        test_meaning_bearing_terms_agree_in_both_languages("Required", "Obligatoire")
