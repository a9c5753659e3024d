"""Training modules and the posting policy, authored as YAML under `data/`, validated on load.

Each module file holds French and English side by side; `module_errors` lists every way a file
breaks the schema, and `load_modules` refuses to start with a broken catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core.config import DATA_DIR
from lib.core.models import TrainingModule
from lib.core.vocab import LANGUAGES

TRAINING_DIR = DATA_DIR / "training"
POLICY_FILE = DATA_DIR / "policy.yaml"
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
MIN_QUESTIONS = 6


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Module:
    """A module as authored: plain dicts from the YAML file, plus convenience accessors."""

    data: dict

    @property
    def slug(self) -> str:
        return self.data["id"]

    @property
    def version(self) -> int:
        return self.data["version"]

    @property
    def required(self) -> bool:
        return self.data["required"]

    @property
    def lessons(self) -> list[dict]:
        return self.data["lessons"]

    @property
    def quiz(self) -> list[dict]:
        return self.data["quiz"]

    @property
    def pass_mark(self) -> int:
        return self.data.get("pass_mark", 80)

    def text(self, field: str, lang: str) -> str:
        return self.data[field][lang]


def _bilingual(value, where: str) -> list[str]:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        return [f"{where}: needs exactly the keys {', '.join(LANGUAGES)}"]
    return [f"{where}.{lang}: empty" for lang in LANGUAGES if not str(value[lang] or "").strip()]


def _ids_unique(items: list[dict], where: str) -> list[str]:
    ids = [item.get("id") for item in items]
    return [f"{where}: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]


def _question_errors(q: dict, where: str) -> list[str]:
    errors = _bilingual(q.get("prompt"), f"{where}.prompt") + _bilingual(
        q.get("explanation"), f"{where}.explanation"
    )
    options = q.get("options") or []
    if not 3 <= len(options) <= 6:
        errors.append(f"{where}: needs 3 to 6 options")
    errors += _ids_unique(options, where)
    for option in options:
        errors += _bilingual(option.get("text"), f"{where}.{option.get('id')}")
        if not isinstance(option.get("correct"), bool):
            errors.append(f"{where}.{option.get('id')}: 'correct' must be true or false")
    correct = sum(1 for o in options if o.get("correct") is True)
    if q.get("kind") == "single" and correct != 1:
        errors.append(f"{where}: a single-choice question needs exactly one correct option")
    elif q.get("kind") == "multiple" and correct < 2:
        errors.append(f"{where}: a multiple-choice question needs two or more correct options")
    elif q.get("kind") not in ("single", "multiple"):
        errors.append(f"{where}: kind must be single or multiple")
    return errors


def module_errors(data: dict) -> list[str]:
    """Every schema violation in one module's data (empty list when valid)."""
    if not isinstance(data, dict):
        return ["not a mapping"]
    errors = []
    if not SLUG_RE.match(str(data.get("id", ""))):
        errors.append("id: must be kebab-case")
    for key in ("order", "version", "duration_minutes"):
        if not isinstance(data.get(key), int) or data[key] < 1:
            errors.append(f"{key}: must be a positive integer")
    if not isinstance(data.get("required"), bool):
        errors.append("required: must be true or false")
    if not 1 <= data.get("pass_mark", 80) <= 100:
        errors.append("pass_mark: must be a percentage")
    errors += _bilingual(data.get("title"), "title") + _bilingual(data.get("summary"), "summary")
    lessons = data.get("lessons") or []
    if len(lessons) < 2:
        errors.append("lessons: at least two")
    errors += _ids_unique(lessons, "lessons")
    for lesson in lessons:
        where = f"lessons.{lesson.get('id')}"
        errors += _bilingual(lesson.get("title"), f"{where}.title")
        errors += _bilingual(lesson.get("body"), f"{where}.body")
        for lang in LANGUAGES:
            if HTML_RE.search(str((lesson.get("body") or {}).get(lang, ""))):
                errors.append(f"{where}.body.{lang}: raw HTML is not allowed")
    quiz = data.get("quiz") or []
    if len(quiz) < MIN_QUESTIONS:
        errors.append(f"quiz: at least {MIN_QUESTIONS} questions")
    errors += _ids_unique(quiz, "quiz")
    for q in quiz:
        errors += _question_errors(q, f"quiz.{q.get('id')}")
    return errors


def _load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def load_modules(directory: Path = TRAINING_DIR) -> tuple[Module, ...]:
    """All modules in display order; raises CatalogueError naming every broken file."""
    modules, errors = [], []
    for path in sorted(directory.glob("*.yaml")):
        data = _load_yaml(path)
        problems = module_errors(data)
        errors += [f"{path.name}: {p}" for p in problems]
        if not problems:
            modules.append(Module(data))
    errors += _ids_unique([m.data for m in modules], "modules")
    if errors:
        raise CatalogueError("; ".join(errors))
    return tuple(sorted(modules, key=lambda m: m.data["order"]))


def module(slug: str) -> Module:
    for m in load_modules():
        if m.slug == slug:
            return m
    raise KeyError(slug)


@cache
def policy() -> dict:
    """The posting guidelines employees acknowledge: {version, effective_date, title, body}."""
    data = _load_yaml(POLICY_FILE)
    errors = _bilingual(data.get("title"), "title") + _bilingual(data.get("body"), "body")
    if not isinstance(data.get("version"), int):
        errors.append("version: must be an integer")
    if errors:
        raise CatalogueError("policy.yaml: " + "; ".join(errors))
    return data


def sync_catalogue(session: Session) -> None:
    """Mirror the module files' versions into the database, which the SQL aggregations use."""
    stored = {m.slug: m for m in session.scalars(select(TrainingModule))}
    for m in load_modules():
        row = stored.get(m.slug) or TrainingModule(slug=m.slug)
        row.version, row.position, row.required = m.version, m.data["order"], m.required
        row.lesson_count = len(m.lessons)
        session.add(row)
