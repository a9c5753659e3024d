"""French and English interface strings, from `data/i18n/*.yaml` (key: {en: ..., fr: ...})."""

from __future__ import annotations

from datetime import date
from functools import cache

import yaml

from lib.core import formatting
from lib.core.config import DATA_DIR
from lib.core.vocab import LANGUAGES

I18N_DIR = DATA_DIR / "i18n"
DEFAULT_LANGUAGE = "en"
VOCAB_PARAMS = ("platform", "kind")  # problem parameters holding a vocabulary code, shown as its label


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every string, merged from all locale files; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(I18N_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: key {key!r} is defined twice")
            merged[key] = texts
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    """The text for `key` in `lang`, formatted with `params`; the key itself if unknown."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(lang if lang in LANGUAGES else DEFAULT_LANGUAGE) or texts[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text


def label(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The display label of a vocabulary code (platform, role, category...)."""
    return t(f"vocab.{code}", lang)


def problem_reason(problem, lang: str = DEFAULT_LANGUAGE) -> str:
    """Why a validation problem is one, in `lang`: vocabulary codes as their labels, dates in the
    language's format («1er déc. 2026»)."""
    params = {
        k: label(v, lang) if k in VOCAB_PARAMS else formatting.day(v, lang) if isinstance(v, date) else v
        for k, v in problem.params.items()
    }
    return t(problem.key, lang, **params)


def problem_text(problem, lang: str = DEFAULT_LANGUAGE) -> str:
    """One validation problem as a sentence, prefixed by its row and field when known."""
    text = problem_reason(problem, lang)
    where = []
    if problem.row is not None:
        where.append(t("error.row", lang, row=problem.row))
    if problem.field:
        where.append(t(f"field.{problem.field}", lang))
    return t("error.where", lang, where=" · ".join(where), text=text) if where else text
