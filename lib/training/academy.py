"""The training academy for one person: grading, module status, lessons, quizzes, the policy.

The content lives in `data/` (lib.training.catalogue); the current version of each module is the one the
database holds (synchronised from the files at start), so progress, attempts and completions are
all kept per module version and a version raise makes earlier passes outdated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.core import audit
from lib.core.errors import Conflict, NotFound, Problem, ValidationError, invalid
from lib.core.models import (
    Assignment,
    Certification,
    LessonProgress,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    TrainingModule,
    User,
    utcnow,
)
from lib.core.permissions import Actor, require_role, require_self_or_role
from lib.training import catalogue
from lib.training.assignments import applies_to
from lib.training.catalogue import Module
from lib.training.certificates import (
    LEARNER_ROLES,
    is_certified,
    issue_if_due,
    latest_certification,
    needs_acknowledgement,
)

STATUSES = ("not_started", "in_progress", "passed", "outdated", "overdue")

# --- grading (pure) --------------------------------------------------------------------------


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


def answer_problems(module: Module, answers: dict[str, list[str]]) -> list[Problem]:
    """Why `answers` ({question id: [option ids]}) cannot be graded; empty when complete and valid."""
    problems, unanswered = [], []
    for n, q in enumerate(module.quiz, start=1):
        chosen = answers.get(q["id"]) or []
        if not chosen:
            unanswered.append(str(n))
        elif not set(chosen) <= {o["id"] for o in q["options"]} or len(set(chosen)) != len(chosen):
            problems.append(Problem("training.error.unknown_option", params={"n": n}))
        elif q["kind"] == "single" and len(chosen) > 1:
            problems.append(Problem("training.error.one_answer", params={"n": n}))
    if unanswered:
        problems.insert(0, Problem("training.error.unanswered", params={"questions": ", ".join(unanswered)}))
    if set(answers) - {q["id"] for q in module.quiz}:
        problems.append(Problem("training.error.unknown_question"))
    return problems


def grade(module: Module, answers: dict[str, list[str]]) -> Grade:
    """All-or-nothing per question (exactly the right option, or exactly the set of right ones);
    score = correct / total as a percentage rounded half up."""
    results = tuple(
        QuestionResult(
            q["id"], tuple(answers.get(q["id"]) or ()), tuple(o["id"] for o in q["options"] if o["correct"])
        )
        for q in module.quiz
    )
    right, total = sum(r.right for r in results), len(results)
    return Grade(results, (200 * right + total) // (2 * total), module.pass_mark)


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
        return sum(1 for m in self.modules if m.module.required and m.status == status)

    @property
    def required(self) -> int:
        return sum(1 for m in self.modules if m.module.required)

    def state(self, slug: str) -> ModuleState:
        return next(m for m in self.modules if m.module.slug == slug)


def overview(
    session: Session, actor: Actor, today: date | None = None, now: datetime | None = None
) -> Overview:
    """The signed-in person's training: each module's status, the guidelines, the certificate."""
    require_role(actor, *LEARNER_ROLES)
    now = now or utcnow()
    today = today or now.date()
    uid = actor.id
    user = session.get(User, uid)
    versions = dict(session.execute(select(TrainingModule.slug, TrainingModule.version)).all())
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
    return m, session.get(TrainingModule, slug).version


def mark_lesson_read(session: Session, actor: Actor, slug: str, lesson_id: str) -> None:
    """Record that the signed-in person read a lesson (idempotent)."""
    require_role(actor, *LEARNER_ROLES)
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


def submit_quiz(
    session: Session, actor: Actor, slug: str, answers: dict[str, list[str]], now: datetime | None = None
) -> tuple[int, Certification | None]:
    """Grade and record an attempt; a first pass at this version completes the module and may
    certify the person. Returns (attempt id, certificate issued now or None)."""
    require_role(actor, *LEARNER_ROLES)
    now = now or utcnow()
    m, version = _module(session, slug)
    read = set(
        session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == actor.id,
                LessonProgress.module_slug == slug,
                LessonProgress.module_version == version,
            )
        )
    )
    problems = answer_problems(m, answers)
    if not {lesson["id"] for lesson in m.lessons} <= read:
        problems.insert(0, Problem("training.error.lessons_unread"))
    if problems:
        raise ValidationError(problems)
    result = grade(m, answers)
    attempt = QuizAttempt(
        user_id=actor.id,
        module_slug=slug,
        module_version=version,
        score_pct=result.score,
        passed=result.passed,
        answers={k: list(v) for k, v in answers.items()},
        submitted_at=now,
    )
    session.add(attempt)
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
        cert = issue_if_due(session, actor, actor.id, now)
    return attempt.id, cert


def attempt_review(session: Session, actor: Actor, attempt_id: int) -> tuple[Grade, datetime] | None:
    """An attempt re-read against the module (each answer, the right ones) and when it was sent.
    None when the module has changed version since (its questions may differ) or no answers were kept."""
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound("training.error.attempt_not_found")
    require_self_or_role(actor, attempt.user_id, "hr")
    m, version = _module(session, attempt.module_slug)
    if attempt.module_version != version or not attempt.answers:
        return None
    return grade(m, attempt.answers), attempt.submitted_at


def acknowledge_policy(
    session: Session, actor: Actor, version: int, confirmed: bool, now: datetime | None = None
) -> Certification | None:
    """Confirm having read the guidelines at `version` (the one shown). Confirming again refreshes
    the date. Returns the certificate issued now, if this was the last condition."""
    require_role(actor, *LEARNER_ROLES)
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
    return issue_if_due(session, actor, actor.id, now)
