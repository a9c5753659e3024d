"""Interface strings: every key used in the code exists, in English and in French."""

import re

from lib.core.config import ROOT
from lib.core.i18n import catalogue, t

SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "lib").rglob("*.py")]
LITERAL_KEY = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_used_in_the_code_is_defined():
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the pattern found no key at all"
    assert sorted(used - set(catalogue())) == []


def test_every_string_has_both_languages():
    incomplete = [
        k
        for k, v in catalogue().items()
        if not (v.get("en") or "").strip() or not (v.get("fr") or "").strip()
    ]
    assert incomplete == []


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    mismatched = [
        k for k, v in catalogue().items() if set(field.findall(v["en"])) != set(field.findall(v["fr"]))
    ]
    assert mismatched == []


def test_unknown_key_falls_back_to_the_key_and_french_formats():
    assert t("no.such.key", "fr") == "no.such.key"
    assert t("error.row", "fr", row=3) == "Ligne 3"
