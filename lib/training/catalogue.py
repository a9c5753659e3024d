"""Training modules and the posting policy, authored as YAML under `data/`, validated on load.

Each module file holds French and English side by side; `module_errors` lists every way a file
breaks the schema, and `load_modules` refuses to start with a broken catalogue.

A module belongs to a path: `core` (the short mandatory core for every ambassador), `recommended`,
or `role` (required for the people holding `role`, e.g. the executives' module). HR may change
which modules everyone must pass (lib.training.assignments.set_required_modules). Each question
names the lesson it checks; an attempt draws `draw` questions from the bank, at least one per
lesson (lib.training.academy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core import options
from lib.core.config import DATA_DIR
from lib.core.models import TrainingModule
from lib.core.vocab import LANGUAGES, ROLES

TRAINING_DIR = DATA_DIR / "training"
POLICY_FILE = DATA_DIR / "policy.yaml"
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
MIN_QUESTIONS = 10  # a bank larger than one attempt
DRAW_RANGE = (6, 8)  # questions per attempt
PATHS = ("core", "recommended", "role")


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
    def path(self) -> str:
        return self.data["path"]

    @property
    def role(self) -> str | None:
        return self.data.get("role")

    @property
    def required(self) -> bool:
        """Required of everyone by default (HR may choose otherwise)."""
        return self.path == "core"

    @property
    def draw(self) -> int:
        return self.data["draw"]

    def takeaways(self, lang: str) -> list[str]:
        return self.data["takeaways"][lang]

    def lesson_of(self, question_id: str) -> dict:
        q = self.question(question_id)
        return next(lesson for lesson in self.lessons if lesson["id"] == q["lesson"])

    def question(self, question_id: str) -> dict:
        return next(q for q in self.quiz if q["id"] == question_id)

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
    return [f"{where}: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1}, key=str)]


def _question_errors(q: dict, where: str, lessons: set[str]) -> list[str]:
    errors = [] if q.get("lesson") in lessons else [f"{where}.lesson: must name one of the module's lessons"]
    errors += _bilingual(q.get("prompt"), f"{where}.prompt") + _bilingual(
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
    if data.get("path") not in PATHS:
        errors.append(f"path: must be one of {', '.join(PATHS)}")
    if (data.get("path") == "role") != bool(data.get("role")):
        errors.append("role: needed exactly when path is role")
    elif data.get("role") is not None and data["role"] not in ROLES:
        errors.append(f"role: must be one of {', '.join(ROLES)}")
    takeaways = data.get("takeaways")
    if not isinstance(takeaways, dict) or set(takeaways) != set(LANGUAGES):
        errors.append(f"takeaways: needs exactly the keys {', '.join(LANGUAGES)}")
    elif any(not isinstance(takeaways[lang], list) or len(takeaways[lang]) < 3 for lang in LANGUAGES):
        errors.append("takeaways: at least three per language")
    elif len(takeaways["en"]) != len(takeaways["fr"]):
        errors.append("takeaways: as many in each language")
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
    draw = data.get("draw")
    low, high = DRAW_RANGE
    if not isinstance(draw, int) or not low <= draw <= high:
        errors.append(f"draw: {low} to {high} questions per attempt")
    elif draw < len(lessons) or draw >= len(quiz):
        errors.append("draw: at least one question per lesson, and fewer than the bank holds")
    errors += _ids_unique(quiz, "quiz")
    lesson_ids = {lesson.get("id") for lesson in lessons}
    for q in quiz:
        errors += _question_errors(q, f"quiz.{q.get('id')}", lesson_ids)
    for lesson_id in sorted(i for i in lesson_ids if i):
        if sum(1 for q in quiz if q.get("lesson") == lesson_id) < 2:
            errors.append(f"lessons.{lesson_id}: needs at least two questions in the bank")
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


POLICY_SECTION_RE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def policy_errors(data: dict) -> list[str]:
    """Every schema violation in the policy file (empty list when valid)."""
    if not isinstance(data, dict):
        return ["not a mapping"]
    errors = _bilingual(data.get("title"), "title") + _bilingual(data.get("intro"), "intro")
    errors += _bilingual(data.get("closing"), "closing")
    if not isinstance(data.get("version"), int):
        errors.append("version: must be an integer")
    sections = data.get("sections") or []
    if not sections:
        errors.append("sections: at least one")
    errors += _ids_unique(sections, "sections")
    for section in sections:
        where = f"sections.{section.get('id')}"
        if not POLICY_SECTION_RE.match(str(section.get("id", ""))):
            errors.append(f"{where}: id must be snake_case")
        errors += _bilingual(section.get("title"), f"{where}.title")
        errors += _bilingual(section.get("body"), f"{where}.body")
    return errors


@cache
def policy() -> dict:
    """The posting guidelines employees acknowledge: {version, effective_date, title, intro, sections,
    closing, body}. Sections are numbered from 1 in file order and keep a stable `id` (the post
    checker and the lessons refer to them); `body` is the whole text, one numbered paragraph per
    section ("N. **Title.** text")."""
    data = _load_yaml(POLICY_FILE)
    errors = policy_errors(data)
    if errors:
        raise CatalogueError("policy.yaml: " + "; ".join(errors))
    data["body"] = {
        lang: "\n\n".join(
            [data["intro"][lang]]
            + [
                f"{n}. **{s['title'][lang]}.** {s['body'][lang]}"
                for n, s in enumerate(data["sections"], start=1)
            ]
            + [data["closing"][lang]]
        )
        for lang in LANGUAGES
    }
    return data


def policy_section(ref: str | int) -> tuple[int, dict]:
    """(number, section) of the guidelines' section with id `ref` (or number `ref`)."""
    sections = policy()["sections"]
    for n, section in enumerate(sections, start=1):
        if ref in (section["id"], n):
            return n, section
    raise KeyError(ref)


REQUIRED_OPTION = "training.required_modules"


def required_choice(session: Session) -> set[str] | None:
    """The modules HR requires of everyone, or None while HR has not chosen (the core path)."""
    value = options.get(session, REQUIRED_OPTION, None)
    return None if value is None else set(value)


def sync_catalogue(session: Session) -> None:
    """Mirror the module files' versions into the database, which the SQL aggregations use."""
    stored = {m.slug: m for m in session.scalars(select(TrainingModule))}
    chosen = required_choice(session)
    for m in load_modules():
        row = stored.get(m.slug) or TrainingModule(slug=m.slug)
        row.version, row.position, row.role = m.version, m.data["order"], m.role
        row.required = m.slug in chosen if chosen is not None else m.required
        row.lesson_count = len(m.lessons)
        session.add(row)
