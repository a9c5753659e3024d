"""The training academy for one person: grading, module status, lessons, quizzes, the policy.

The content lives in `data/` (lib.training.catalogue); the current version of each module is the one the
database holds (synchronised from the files at start), so progress, attempts and completions are
all kept per module version and a version raise makes earlier passes outdated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.db import fetch
from lib.core.errors import Conflict, NotFound, Problem, ValidationError, invalid
from lib.core.models import (
    Assignment,
    Certification,
    LessonProgress,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    QuizDraw,
    TrainingModule,
    User,
    utcnow,
)
from lib.core.permissions import Actor, require, require_self_or
from lib.training import catalogue
from lib.training.assignments import applies_to
from lib.training.catalogue import Module
from lib.training.certificates import (
    is_certified,
    issue_if_due,
    latest_certification,
    needs_acknowledgement,
)
from lib.training.certification import required_for

STATUSES = ("not_started", "in_progress", "passed", "outdated", "overdue")

# --- drawing and grading (pure) --------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    id: str
    chosen: tuple[str, ...]
    correct: tuple[str, ...]

    @property
    def right(self) -> bool:
        return set(self.chosen) == set(self.correct)


@dataclass(frozen=True)
class Grade:
    results: tuple[QuestionResult, ...]
    score: int  # percent
    pass_mark: int

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


def draw_quiz(module: Module, history: list[list[str]], rng: random.Random) -> list[dict]:
    """The questions of a new attempt: `module.draw` of them, at least one per lesson, those asked
    least often before first, then those not in the last attempt (`history`: the question ids of
    earlier attempts, oldest first); question order and each question's options shuffled.
    Returns [{"id": question id, "options": [option id, ...]}] in the order to show."""
    asked: dict[str, int] = {}
    for ids in history:
        for qid in ids:
            asked[qid] = asked.get(qid, 0) + 1
    last = set(history[-1]) if history else set()
    rank = {q["id"]: (asked.get(q["id"], 0), q["id"] in last, rng.random()) for q in module.quiz}
    chosen: list[dict] = []
    for lesson in module.lessons:
        pool = [q for q in module.quiz if q["lesson"] == lesson["id"]]
        chosen.append(min(pool, key=lambda q: rank[q["id"]]))
    rest = sorted((q for q in module.quiz if q not in chosen), key=lambda q: rank[q["id"]])
    chosen += rest[: module.draw - len(chosen)]
    rng.shuffle(chosen)
    drawn = []
    for q in chosen:
        order = [o["id"] for o in q["options"]]
        rng.shuffle(order)
        drawn.append({"id": q["id"], "options": order})
    return drawn


def answer_problems(module: Module, drawn: list[dict], answers: dict[str, list[str]]) -> list[Problem]:
    """Why `answers` ({question id: [option ids]}) to the `drawn` questions cannot be graded;
    empty when complete and valid. Questions are numbered as shown."""
    problems, unanswered = [], []
    for n, d in enumerate(drawn, start=1):
        q = module.question(d["id"])
        chosen = answers.get(d["id"]) or []
        if not chosen:
            unanswered.append(str(n))
        elif not set(chosen) <= set(d["options"]) or len(set(chosen)) != len(chosen):
            problems.append(Problem("training.error.unknown_option", params={"n": n}))
        elif q["kind"] == "single" and len(chosen) > 1:
            problems.append(Problem("training.error.one_answer", params={"n": n}))
    if unanswered:
        problems.insert(0, Problem("training.error.unanswered", params={"questions": ", ".join(unanswered)}))
    if set(answers) - {d["id"] for d in drawn}:
        problems.append(Problem("training.error.unknown_question"))
    return problems


def grade(module: Module, drawn: list[dict], answers: dict[str, list[str]]) -> Grade:
    """All-or-nothing per question (exactly the right option, or exactly the set of right ones);
    score = correct / total as a percentage rounded half up."""
    results = []
    for d in drawn:
        q = module.question(d["id"])
        correct = tuple(o["id"] for o in q["options"] if o["correct"])
        results.append(QuestionResult(d["id"], tuple(answers.get(d["id"]) or ()), correct))
    right, total = sum(r.right for r in results), len(results)
    return Grade(tuple(results), (200 * right + total) // (2 * total), module.pass_mark)


def module_status(
    *, passed: bool, passed_before: bool, started: bool, due_on: date | None, today: date
) -> str:
    """passed > overdue (an assignment past due) > outdated (passed at an older version only) >
    in progress (lessons read or an attempt at the current version) > not started."""
    if passed:
        return "passed"
    if due_on is not None and due_on < today:
        return "overdue"
    if passed_before:
        return "outdated"
    return "in_progress" if started else "not_started"


# --- one person's overview -------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleState:
    module: Module
    version: int
    status: str
    read: frozenset[str]  # lessons read at the current version
    attempts: int
    best_score: int | None
    last_attempt_id: int | None
    due_on: date | None
    required: bool = False  # of this person: by HR's choice for everyone, or by a role they hold

    @property
    def lessons_read(self) -> int:
        return sum(1 for lesson in self.module.lessons if lesson["id"] in self.read)

    @property
    def all_read(self) -> bool:
        return self.lessons_read == len(self.module.lessons)

    @property
    def next_lesson(self) -> int:
        """Where to resume: the first lesson not read yet (0 when all are read)."""
        ids = [lesson["id"] for lesson in self.module.lessons]
        return next((i for i, lesson_id in enumerate(ids) if lesson_id not in self.read), 0)


@dataclass(frozen=True)
class Overview:
    full_name: str
    modules: tuple[ModuleState, ...]
    policy_version: int
    acknowledged_at: datetime | None  # confirmation of the current guidelines
    must_acknowledge: bool
    certificate: Certification | None  # the latest one, valid or not
    certified: bool

    def count(self, status: str) -> int:
        return sum(1 for m in self.modules if m.required and m.status == status)

    @property
    def required(self) -> int:
        return sum(1 for m in self.modules if m.required)

    def state(self, slug: str) -> ModuleState:
        return next(m for m in self.modules if m.module.slug == slug)


def overview(
    session: Session, actor: Actor, today: date | None = None, now: datetime | None = None
) -> Overview:
    """The signed-in person's training: each module's status, the guidelines, the certificate."""
    require(actor, "training.learn")
    now = now or utcnow()
    today = today or now.date()
    uid = actor.user_id
    user = fetch(session, User, uid, "error.user_not_found")
    versions, required = {}, {}
    for slug, version, needed in session.execute(
        select(TrainingModule.slug, TrainingModule.version, required_for(uid))
    ):
        versions[slug], required[slug] = version, bool(needed)
    read: dict[str, set[str]] = {}
    for slug, lesson_id in session.execute(
        select(LessonProgress.module_slug, LessonProgress.lesson_id)
        .join(TrainingModule, TrainingModule.slug == LessonProgress.module_slug)
        .where(LessonProgress.user_id == uid, LessonProgress.module_version == TrainingModule.version)
    ):
        read.setdefault(slug, set()).add(lesson_id)
    attempts = {
        r.module_slug: r
        for r in session.execute(
            select(
                QuizAttempt.module_slug,
                func.count().label("n"),
                func.max(QuizAttempt.score_pct).label("best"),
                func.max(QuizAttempt.id).label("last"),
            )
            .join(TrainingModule, TrainingModule.slug == QuizAttempt.module_slug)
            .where(QuizAttempt.user_id == uid, QuizAttempt.module_version == TrainingModule.version)
            .group_by(QuizAttempt.module_slug)
        )
    }
    passed: dict[str, set[int]] = {}
    for slug, version in session.execute(
        select(ModuleCompletion.module_slug, ModuleCompletion.module_version).where(
            ModuleCompletion.user_id == uid
        )
    ):
        passed.setdefault(slug, set()).add(version)
    due = dict(
        session.execute(
            select(Assignment.module_slug, func.min(Assignment.due_on))
            .where(applies_to(uid, user.department_id))
            .group_by(Assignment.module_slug)
        ).all()
    )
    states = []
    for m in catalogue.load_modules():
        version, done, tried = versions[m.slug], passed.get(m.slug, set()), attempts.get(m.slug)
        states.append(
            ModuleState(
                module=m,
                version=version,
                read=frozenset(read.get(m.slug, ())),
                status=module_status(
                    passed=version in done,
                    passed_before=bool(done),
                    today=today,
                    started=bool(read.get(m.slug)) or tried is not None,
                    due_on=due.get(m.slug),
                ),
                attempts=tried.n if tried else 0,
                best_score=tried.best if tried else None,
                last_attempt_id=tried.last if tried else None,
                due_on=None if version in done else due.get(m.slug),
                required=required[m.slug],
            )
        )
    policy_version = catalogue.policy()["version"]
    acknowledged_at = session.scalar(
        select(PolicyAcknowledgement.acknowledged_at).where(
            PolicyAcknowledgement.user_id == uid, PolicyAcknowledgement.policy_version == policy_version
        )
    )
    latest = latest_certification(session, uid)
    if latest is not None:
        session.expunge(latest)  # keep its values readable once the read-only session rolls back
    return Overview(
        full_name=user.full_name,
        modules=tuple(states),
        policy_version=policy_version,
        acknowledged_at=acknowledged_at,
        must_acknowledge=needs_acknowledgement(acknowledged_at, latest, now),
        certificate=latest,
        certified=is_certified(session, uid, now),
    )


# --- actions ---------------------------------------------------------------------------------


def _insert(session: Session, model):
    """INSERT ... ON CONFLICT for the database in use (both dialects spell it the same way)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _module(session: Session, slug: str) -> tuple[Module, int]:
    try:
        m = catalogue.module(slug)
    except KeyError:
        raise NotFound("training.error.module_not_found") from None
    return m, fetch(session, TrainingModule, slug, "training.error.module_not_found").version


def mark_lesson_read(session: Session, actor: Actor, slug: str, lesson_id: str) -> None:
    """Record that the signed-in person read a lesson (idempotent)."""
    require(actor, "training.learn")
    m, version = _module(session, slug)
    if lesson_id not in {lesson["id"] for lesson in m.lessons}:
        raise NotFound("training.error.lesson_not_found")
    session.execute(
        _insert(session, LessonProgress)
        .values(
            user_id=actor.id,
            module_slug=slug,
            module_version=version,
            lesson_id=lesson_id,
            completed_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )


@dataclass(frozen=True)
class QuizQuestion:
    """One question as drawn for the person: its options in the order to show (no answer key)."""

    id: str
    kind: str
    prompt: dict
    options: tuple[tuple[str, dict], ...]  # (option id, {lang: text})


@dataclass(frozen=True)
class Quiz:
    slug: str
    questions: tuple[QuizQuestion, ...]
    pass_mark: int
    attempt: int  # the number this attempt will have (1 for the first)


def _history(session: Session, user_id: int, slug: str, version: int) -> list[list[str]]:
    rows = session.scalars(
        select(QuizAttempt.questions)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_slug == slug,
            QuizAttempt.module_version == version,
        )
        .order_by(QuizAttempt.id)
    )
    return [[d["id"] for d in row] if row else [] for row in rows]


def _open_draw(session: Session, user_id: int, slug: str, version: int) -> QuizDraw | None:
    draw = session.get(QuizDraw, (user_id, slug))
    if draw is not None and draw.module_version != version:
        session.delete(draw)  # drawn from an older version of the module
        session.flush()
        return None
    return draw


def open_quiz(session: Session, actor: Actor, slug: str, rng: random.Random | None = None) -> Quiz:
    """The quiz the signed-in person has open for a module, drawn now if none is: the same
    questions in the same order until it is submitted. Needs every lesson read."""
    require(actor, "training.learn")
    m, version = _module(session, slug)
    if not _all_read(session, actor.user_id, m, version):
        raise ValidationError([Problem("training.error.lessons_unread")])
    history = _history(session, actor.user_id, slug, version)
    draw = _open_draw(session, actor.user_id, slug, version)
    if draw is None:
        draw = QuizDraw(
            user_id=actor.id,
            module_slug=slug,
            module_version=version,
            questions=draw_quiz(m, history, rng or random.SystemRandom()),
            drawn_at=utcnow(),
        )
        session.add(draw)
        session.flush()
    questions = []
    for d in draw.questions:
        q = m.question(d["id"])
        texts = {o["id"]: o["text"] for o in q["options"]}
        questions.append(
            QuizQuestion(q["id"], q["kind"], q["prompt"], tuple((oid, texts[oid]) for oid in d["options"]))
        )
    return Quiz(slug, tuple(questions), m.pass_mark, len(history) + 1)


def _all_read(session: Session, user_id: int, m: Module, version: int) -> bool:
    read = set(
        session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user_id,
                LessonProgress.module_slug == m.slug,
                LessonProgress.module_version == version,
            )
        )
    )
    return {lesson["id"] for lesson in m.lessons} <= read


def submit_quiz(
    session: Session, actor: Actor, slug: str, answers: dict[str, list[str]], now: datetime | None = None
) -> tuple[int, Certification | None]:
    """Grade the open quiz and record the attempt with its questions and option order; a first pass
    at this version completes the module and may certify the person. The next quiz is drawn anew.
    Returns (attempt id, certificate issued now or None)."""
    require(actor, "training.learn")
    now = now or utcnow()
    m, version = _module(session, slug)
    if not _all_read(session, actor.user_id, m, version):
        raise ValidationError([Problem("training.error.lessons_unread")])
    draw = _open_draw(session, actor.user_id, slug, version)
    if draw is None:
        raise Conflict("training.error.quiz_changed")
    problems = answer_problems(m, draw.questions, answers)
    if problems:
        raise ValidationError(problems)
    result = grade(m, draw.questions, answers)
    attempt = QuizAttempt(
        user_id=actor.id,
        module_slug=slug,
        module_version=version,
        score_pct=result.score,
        passed=result.passed,
        answers={k: list(v) for k, v in answers.items()},
        questions=draw.questions,
        submitted_at=now,
    )
    session.add(attempt)
    session.delete(draw)
    session.flush()
    audit.record(
        session, actor, "training.quiz", slug, version=version, score=result.score, passed=result.passed
    )
    cert = None
    if result.passed:
        session.execute(
            _insert(session, ModuleCompletion)
            .values(
                user_id=actor.id,
                module_slug=slug,
                module_version=version,
                attempt_id=attempt.id,
                passed_at=now,
            )
            .on_conflict_do_nothing()
        )
        cert = issue_if_due(session, actor, actor.user_id, now)
    return attempt.id, cert


@dataclass(frozen=True)
class ReviewItem:
    """One question of an attempt as the person sees it afterwards: right or not, and the lesson
    to re-read when not. Never the answer key."""

    prompt: dict
    right: bool
    lesson_index: int  # 0-based, in the module
    lesson_title: dict
    explanation: dict | None  # shown only for questions answered right


@dataclass(frozen=True)
class Review:
    score: int
    pass_mark: int
    passed: bool
    submitted_at: datetime
    number: int  # the attempt's number at this module version (1 for the first)
    items: tuple[ReviewItem, ...]

    @property
    def right(self) -> int:
        return sum(i.right for i in self.items)

    @property
    def wrong_lessons(self) -> tuple[int, ...]:
        """The lessons to re-read (0-based indexes, in module order, each once)."""
        return tuple(sorted({i.lesson_index for i in self.items if not i.right}))


def attempt_review(session: Session, actor: Actor, attempt_id: int) -> Review | None:
    """An attempt re-read: its score, which questions were right, the lessons to re-read. None when
    the module has changed version since (its questions may differ) or the draw was not kept."""
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound("training.error.attempt_not_found")
    require_self_or(actor, attempt.user_id, "training.assign")
    m, version = _module(session, attempt.module_slug)
    if attempt.module_version != version or not attempt.questions:
        return None
    result = grade(m, attempt.questions, attempt.answers)
    index = {lesson["id"]: i for i, lesson in enumerate(m.lessons)}
    items = []
    for r in result.results:
        q = m.question(r.id)
        items.append(
            ReviewItem(
                prompt=q["prompt"],
                right=r.right,
                lesson_index=index[q["lesson"]],
                lesson_title=m.lessons[index[q["lesson"]]]["title"],
                explanation=q["explanation"] if r.right else None,
            )
        )
    number = session.execute(
        select(func.count()).where(
            QuizAttempt.user_id == attempt.user_id,
            QuizAttempt.module_slug == attempt.module_slug,
            QuizAttempt.module_version == version,
            QuizAttempt.id <= attempt.id,
        )
    ).scalar_one()
    return Review(result.score, result.pass_mark, result.passed, attempt.submitted_at, number, tuple(items))


def acknowledge_policy(
    session: Session, actor: Actor, version: int, confirmed: bool, now: datetime | None = None
) -> Certification | None:
    """Confirm having read the guidelines at `version` (the one shown). Confirming again refreshes
    the date. Returns the certificate issued now, if this was the last condition."""
    require(actor, "training.learn")
    now = now or utcnow()
    if not confirmed:
        raise invalid("training.error.not_confirmed")
    if version != catalogue.policy()["version"]:
        raise Conflict("training.error.policy_changed")
    session.execute(
        _insert(session, PolicyAcknowledgement)
        .values(
            user_id=actor.id,
            policy_version=version,
            acknowledged_at=now,
        )
        .on_conflict_do_update(index_elements=["user_id", "policy_version"], set_={"acknowledged_at": now})
    )
    audit.record(session, actor, "training.policy_acknowledged", "policy", version=version)
    return issue_if_due(session, actor, actor.user_id, now)
