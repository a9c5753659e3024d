"""Grading, module status, lessons, quizzes, the policy acknowledgement and certification."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from lib.core.db import session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.models import (
    Certification,
    ModuleCompletion,
    PolicyAcknowledgement,
    QuizAttempt,
    QuizDraw,
    TrainingModule,
    User,
    utcnow,
)
from lib.training import academy as training
from lib.training import catalogue
from lib.training.assignments import hr_view, set_required_modules
from lib.training.catalogue import load_modules, required_choice
from lib.training.certificates import add_months, certificate_html, set_certification_months

MODULES = load_modules()
FIRST = MODULES[0]
CORE = [m for m in MODULES if m.required]
OTHERS = [m for m in MODULES if not m.required]


def key(module) -> dict:
    """The answer key of the whole bank: {question id: [right option ids]}."""
    return {q["id"]: [o["id"] for o in q["options"] if o["correct"]] for q in module.quiz}


def in_order(module) -> list[dict]:
    """The whole bank as one draw, in authored order."""
    return [{"id": q["id"], "options": [o["id"] for o in q["options"]]} for q in module.quiz]


def answers_for(module, drawn, wrong: int = 0) -> dict:
    """Right answers to the `drawn` questions, except the first `wrong` ones (a wrong option)."""
    answers = {d["id"]: key(module)[d["id"]] for d in drawn}
    for d in drawn[:wrong]:
        q = module.question(d["id"])
        answers[d["id"]] = [next(o["id"] for o in q["options"] if not o["correct"])]
    return answers


def drawn_of(quiz) -> list[dict]:
    return [{"id": q.id, "options": [oid for oid, _ in q.options]} for q in quiz.questions]


def open_draw(engine, user_id, slug: str) -> tuple[int, list[dict]]:
    """The quiz the page has drawn for the person: (attempt number, questions in the order shown)."""
    with session_scope(engine, write=False) as session:
        drawn = session.get(QuizDraw, (user_id, slug)).questions
        done = session.scalar(
            select(func.count()).where(QuizAttempt.user_id == user_id, QuizAttempt.module_slug == slug)
        )
    return done + 1, drawn


def read_all(session, actor, module):
    for lesson in module.lessons:
        training.mark_lesson_read(session, actor, module.slug, lesson["id"])


def attempt(engine, actor, module, wrong: int = 0, now=None):
    """Read every lesson, open the quiz and answer it; returns (attempt id, certificate, drawn)."""
    with session_scope(engine) as session:
        read_all(session, actor, module)
        drawn = drawn_of(training.open_quiz(session, actor, module.slug))
        attempt_id, cert = training.submit_quiz(
            session, actor, module.slug, answers_for(module, drawn, wrong), now=now
        )
    return attempt_id, cert, drawn


def pass_module(engine, actor, module, now=None):
    return attempt(engine, actor, module, now=now)[:2]


def acknowledge(engine, actor, now=None):
    with session_scope(engine) as session:
        return training.acknowledge_policy(session, actor, catalogue.policy()["version"], True, now=now)


def overview(engine, actor, **kw):
    with session_scope(engine, write=False) as session:
        return training.overview(session, actor, **kw)


# --- grading ---------------------------------------------------------------------------------


def test_all_right_scores_100_and_the_pass_mark_decides():
    drawn = in_order(FIRST)[:8]
    assert training.grade(FIRST, drawn, answers_for(FIRST, drawn)).score == 100
    one_wrong = training.grade(FIRST, drawn, answers_for(FIRST, drawn, 1))
    assert one_wrong.score == 88 and one_wrong.passed  # 7/8 = 87.5, rounded half up
    two_wrong = training.grade(FIRST, drawn, answers_for(FIRST, drawn, 2))
    assert two_wrong.score == 75 and not two_wrong.passed  # below the 80% pass mark


def test_multiple_choice_is_all_or_nothing():
    drawn = in_order(FIRST)
    q = next(q for q in FIRST.quiz if q["kind"] == "multiple")
    correct = [o["id"] for o in q["options"] if o["correct"]]
    wrong = [o["id"] for o in q["options"] if not o["correct"]]
    for chosen in (correct[:1], correct + wrong[:1]):  # a subset, a superset
        answers = {**answers_for(FIRST, drawn), q["id"]: chosen}
        result = next(r for r in training.grade(FIRST, drawn, answers).results if r.id == q["id"])
        assert not result.right and result.correct == tuple(correct)
    exact = {**answers_for(FIRST, drawn), q["id"]: list(reversed(correct))}  # order does not matter
    assert training.grade(FIRST, drawn, exact).score == 100


def test_pass_mark_is_inclusive_and_taken_from_the_module():
    module = catalogue.Module({**FIRST.data, "pass_mark": 75})
    drawn = in_order(module)[:8]
    assert training.grade(module, drawn, answers_for(module, drawn, 2)).passed  # exactly 75%
    default = catalogue.Module({k: v for k, v in FIRST.data.items() if k != "pass_mark"})
    assert default.pass_mark == 80


def test_answer_problems_lists_every_problem_numbered_as_shown():
    drawn = in_order(FIRST)[:6][::-1]
    single = next(d for d in drawn if FIRST.question(d["id"])["kind"] == "single")
    answers = answers_for(FIRST, drawn)
    del answers[drawn[1]["id"]]
    answers[drawn[2]["id"]] = []
    answers[single["id"]] = single["options"][:2]
    answers["nope"] = ["a"]
    keys = [p.key for p in training.answer_problems(FIRST, drawn, answers)]
    assert keys == [
        "training.error.unanswered",
        "training.error.one_answer",
        "training.error.unknown_question",
    ]
    problems = training.answer_problems(FIRST, drawn, {**answers_for(FIRST, drawn), single["id"]: ["zz"]})
    assert problems[0].params == {"n": drawn.index(single) + 1}
    assert training.answer_problems(FIRST, drawn, answers_for(FIRST, drawn)) == []
    left_out = FIRST.quiz[-1]["id"]  # a question of the bank that was not drawn
    assert left_out not in {d["id"] for d in drawn}
    assert [
        p.key for p in training.answer_problems(FIRST, drawn, {**answers_for(FIRST, drawn), left_out: ["a"]})
    ] == ["training.error.unknown_question"]


# --- drawing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES, ids=[m.slug for m in MODULES])
def test_a_draw_covers_every_lesson_with_shuffled_options(module):
    rng = random.Random(7)
    orders = set()
    for _ in range(30):
        drawn = training.draw_quiz(module, [], rng)
        assert len(drawn) == module.draw and len({d["id"] for d in drawn}) == module.draw
        lessons = {module.question(d["id"])["lesson"] for d in drawn}
        assert lessons == {lesson["id"] for lesson in module.lessons}
        for d in drawn:
            assert sorted(d["options"]) == sorted(o["id"] for o in module.question(d["id"])["options"])
        orders.add(tuple(tuple(d["options"]) for d in sorted(drawn, key=lambda d: d["id"])))
    assert len(orders) > 1  # the option order changes from one attempt to the next


def test_the_next_draw_prefers_questions_not_asked_yet():
    rng = random.Random(3)
    for module in MODULES:
        first = [d["id"] for d in training.draw_quiz(module, [], rng)]
        second = [d["id"] for d in training.draw_quiz(module, [first], rng)]
        unseen = {q["id"] for q in module.quiz} - set(first)
        assert len(unseen) <= module.draw
        assert unseen <= set(second)  # every question not asked yet comes before any repeat
        third = [d["id"] for d in training.draw_quiz(module, [first, second], rng)]
        # then those asked least often: a question asked twice is drawn only when its lesson has
        # nothing asked less, or every question asked less is already in
        twice = set(first) & set(second)
        less = {q["id"] for q in module.quiz} - twice
        for qid in set(third) & twice:
            lesson = module.question(qid)["lesson"]
            siblings = {q["id"] for q in module.quiz if q["lesson"] == lesson} & less
            assert less <= set(third) or not siblings, (module.slug, qid)


@pytest.mark.parametrize(
    "passed, passed_before, started, due_on, expected",
    [
        (True, True, True, date(2026, 1, 1), "passed"),
        (False, True, True, date(2026, 1, 1), "overdue"),
        (False, False, False, date(2026, 1, 1), "overdue"),
        (False, True, True, None, "outdated"),
        (False, True, False, date(2026, 6, 1), "outdated"),
        (False, False, True, date(2026, 3, 2), "in_progress"),  # due today: not yet overdue
        (False, False, False, None, "not_started"),
    ],
)
def test_module_status(passed, passed_before, started, due_on, expected):
    status = training.module_status(
        passed=passed, passed_before=passed_before, started=started, due_on=due_on, today=date(2026, 3, 2)
    )
    assert status == expected


def test_add_months_clamps_the_day():
    assert add_months(utcnow().replace(year=2026, month=1, day=31), 1).date() == date(2026, 2, 28)
    assert add_months(utcnow().replace(year=2026, month=11, day=15), 14).date() == date(2028, 1, 15)


# --- the flow --------------------------------------------------------------------------------


def test_progress_is_saved_per_lesson_and_resumed(engine, make_user):
    emma = make_user("emma")
    assert overview(engine, emma).state(FIRST.slug).status == "not_started"
    with session_scope(engine) as session:
        for _ in range(2):  # reading twice records once
            training.mark_lesson_read(session, emma, FIRST.slug, FIRST.lessons[0]["id"])
        training.mark_lesson_read(session, emma, FIRST.slug, FIRST.lessons[2]["id"])
    state = overview(engine, emma).state(FIRST.slug)
    assert state.status == "in_progress" and state.lessons_read == 2 and state.next_lesson == 1
    with session_scope(engine) as session, pytest.raises(NotFound):
        training.mark_lesson_read(session, emma, FIRST.slug, "no-such-lesson")


def test_quiz_needs_every_lesson_read_and_complete_answers(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        training.open_quiz(session, emma, FIRST.slug)
    assert [p.key for p in caught.value.problems] == ["training.error.lessons_unread"]
    with session_scope(engine) as session, pytest.raises(Conflict):
        read_all(session, emma, FIRST)
        training.submit_quiz(session, emma, FIRST.slug, {})  # no quiz open
    with session_scope(engine) as session:
        training.open_quiz(session, emma, FIRST.slug)
    with session_scope(engine) as session, pytest.raises(ValidationError) as caught:
        training.submit_quiz(session, emma, FIRST.slug, {})
    assert [p.key for p in caught.value.problems] == ["training.error.unanswered"]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
        assert session.scalar(select(func.count()).select_from(QuizDraw)) == 1  # still open


def test_the_open_quiz_stays_the_same_until_submitted_and_is_kept_with_the_attempt(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        read_all(session, emma, FIRST)
        quiz = training.open_quiz(session, emma, FIRST.slug)
    with session_scope(engine) as session:
        again = training.open_quiz(session, emma, FIRST.slug)  # a reload shows the same quiz
    assert again == quiz and quiz.attempt == 1 and len(quiz.questions) == FIRST.draw
    drawn = drawn_of(quiz)
    with session_scope(engine) as session:
        attempt_id, _ = training.submit_quiz(session, emma, FIRST.slug, answers_for(FIRST, drawn, 3))
    with session_scope(engine, write=False) as session:
        row = session.get(QuizAttempt, attempt_id)
        assert row.questions == drawn and row.answers == answers_for(FIRST, drawn, 3)
        assert session.scalar(select(func.count()).select_from(QuizDraw)) == 0
    with session_scope(engine) as session:
        following = training.open_quiz(session, emma, FIRST.slug)
    assert following.attempt == 2
    asked = {d["id"] for d in drawn}
    unseen = {q["id"] for q in FIRST.quiz} - asked
    assert unseen <= {q.id for q in following.questions}  # other questions first


def test_a_failed_attempt_shows_the_score_the_wrong_questions_and_lessons_not_the_key(engine, make_user):
    emma = make_user("emma")
    failed, cert, drawn = attempt(engine, emma, FIRST, wrong=3)
    assert cert is None
    with session_scope(engine, write=False) as session:
        review = training.attempt_review(session, emma, failed)
    assert not review.passed and review.number == 1
    assert review.score == (200 * (len(drawn) - 3) + len(drawn)) // (2 * len(drawn))
    assert [i.right for i in review.items] == [False] * 3 + [True] * (len(drawn) - 3)
    lessons = [lesson["id"] for lesson in FIRST.lessons]
    expected = sorted({lessons.index(FIRST.question(d["id"])["lesson"]) for d in drawn[:3]})
    assert list(review.wrong_lessons) == expected
    for item, d in zip(review.items, drawn, strict=True):
        q = FIRST.question(d["id"])
        assert item.prompt == q["prompt"]
        assert item.explanation == (q["explanation"] if item.right else None)  # no key for a miss
        fields = {f: getattr(item, f) for f in item.__dataclass_fields__}
        assert not any("correct" in str(v) for v in fields.values())
    # nothing in the review names a right option
    assert "correct" not in repr(review)


def test_fail_then_pass_records_attempts_and_one_completion(engine, make_user):
    emma = make_user("emma")
    attempt(engine, emma, FIRST, wrong=3)
    pass_module(engine, emma, FIRST)
    pass_module(engine, emma, FIRST)  # passing again adds an attempt, not a completion
    state = overview(engine, emma).state(FIRST.slug)
    assert state.status == "passed" and state.attempts == 3 and state.best_score == 100
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1
        assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 3


def test_someone_else_cannot_read_my_attempt(engine, make_user):
    emma, hugo, hr = make_user("emma"), make_user("hugo"), make_user("hilda", "hr")
    attempt_id, _ = pass_module(engine, emma, FIRST)
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            training.attempt_review(session, hugo, attempt_id)
        assert training.attempt_review(session, hr, attempt_id) is not None


def test_roles_without_training_are_refused(engine, make_user):
    boss = make_user("boss", "executive")
    with session_scope(engine) as session:
        for call in (
            lambda: training.overview(session, boss),
            lambda: training.mark_lesson_read(session, boss, FIRST.slug, FIRST.lessons[0]["id"]),
            lambda: training.acknowledge_policy(session, boss, 1, True),
        ):
            with pytest.raises(PermissionDenied):
                call()


def test_policy_acknowledgement_needs_the_box_and_the_current_version(engine, make_user):
    emma = make_user("emma")
    version = catalogue.policy()["version"]
    with session_scope(engine) as session:
        with pytest.raises(ValidationError):
            training.acknowledge_policy(session, emma, version, False)
        with pytest.raises(Conflict):
            training.acknowledge_policy(session, emma, version - 1, True)
    assert acknowledge(engine, emma) is None  # modules still to pass: no certificate
    with session_scope(engine) as session:
        ack = session.scalars(select(PolicyAcknowledgement)).one()
    assert ack.user_id == emma.id and ack.policy_version == version and ack.acknowledged_at
    me = overview(engine, emma)
    assert not me.must_acknowledge and not me.certified


def test_certified_when_the_last_condition_is_met_and_certificate_names_everything(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        session.get(User, emma.id).full_name = "Emma <b>Dupont</b>"
    acknowledge(engine, emma)
    for module in OTHERS:  # recommended and role modules are not required of an employee
        assert pass_module(engine, emma, module)[1] is None
    for module in CORE[:-1]:
        assert pass_module(engine, emma, module)[1] is None
    _, cert = pass_module(engine, emma, CORE[-1])
    assert cert is not None and cert.modules == {m.slug: m.version for m in CORE}
    assert cert.expires_at == add_months(cert.issued_at, 12)
    me = overview(engine, emma)
    assert me.certified and me.count("passed") == me.required == len(CORE)
    with session_scope(engine) as session:
        page = certificate_html(session, emma, "fr").decode()
    assert "Emma &lt;b&gt;Dupont&lt;/b&gt;" in page and "<b>Dupont" not in page
    assert all(m.text("title", "fr").replace("'", "&#x27;") in page for m in CORE)
    assert cert.issued_at.date().isoformat() in page and "Certificat de formation" in page


def test_the_core_is_short_and_the_risk_module_comes_early():
    assert [m.slug for m in CORE] == ["essentials"]
    assert sum(m.data["duration_minutes"] for m in CORE) <= 15
    titles = [lesson["id"] for lesson in CORE[0].lessons]
    assert titles == ["never-post", "disclose", "complaint", "escalate"]
    order = [m.slug for m in MODULES]
    assert order.index("what-never-to-post") <= 2
    role = [m for m in MODULES if m.path == "role"]
    assert [(m.slug, m.role) for m in role] == [("executives-on-social-media", "executive")]


def test_a_role_module_is_required_of_the_people_holding_the_role(engine, make_user):
    exec_module = catalogue.module("executives-on-social-media")
    emma, clara = make_user("emma"), make_user("clara", "employee", "executive")
    for person in (emma, clara):
        acknowledge(engine, person)
        for module in CORE:
            pass_module(engine, person, module)
    assert overview(engine, emma).certified
    clara_view = overview(engine, clara)
    assert not clara_view.certified and clara_view.required == len(CORE) + 1
    assert clara_view.state(exec_module.slug).required
    _, cert = pass_module(engine, clara, exec_module)
    assert cert is not None and exec_module.slug in cert.modules
    assert overview(engine, clara).certified


def test_hr_chooses_the_required_modules_and_certification_follows(engine, make_user):
    emma, hr = make_user("emma"), make_user("hilda", "hr")
    acknowledge(engine, emma)
    for module in CORE:
        pass_module(engine, emma, module)
    assert overview(engine, emma).certified
    extra = catalogue.module("what-never-to-post")
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            set_required_modules(session, emma, [extra.slug])
        for bad in ([], ["no-such-module"]):
            with pytest.raises(ValidationError):
                set_required_modules(session, hr, bad)
        assert required_choice(session) is None  # nothing changed
        set_required_modules(session, hr, [m.slug for m in CORE] + [extra.slug])
    me = overview(engine, emma)
    assert not me.certified and me.required == len(CORE) + 1
    with session_scope(engine) as session:  # a restart keeps HR's choice
        catalogue.sync_catalogue(session)
        assert session.get(TrainingModule, extra.slug).required
    _, cert = pass_module(engine, emma, extra)
    assert cert is not None and overview(engine, emma).certified


def test_no_certificate_file_before_certification(engine, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        assert certificate_html(session, emma, "en") is None


def certify(engine, actor, now=None):
    acknowledge(engine, actor, now)
    for module in MODULES:
        pass_module(engine, actor, module, now)


def test_module_version_bump_marks_outdated_and_recertification_issues_a_new_certificate(engine, make_user):
    emma = make_user("emma")
    certify(engine, emma)
    with session_scope(engine) as session:
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == FIRST.slug)
            .values(version=TrainingModule.version + 1)
        )
    me = overview(engine, emma)
    assert me.state(FIRST.slug).status == "outdated" and me.state(FIRST.slug).lessons_read == 0
    assert not me.certified and me.certificate is not None
    _, cert = pass_module(engine, emma, FIRST)
    assert cert is not None and cert.modules[FIRST.slug] == FIRST.version + 1
    assert overview(engine, emma).certified


def test_policy_version_bump_requires_a_new_acknowledgement(engine, make_user, monkeypatch):
    emma, hr = make_user("emma"), make_user("hilda", "hr")
    certify(engine, emma)
    bumped = {**catalogue.policy(), "version": catalogue.policy()["version"] + 1}
    monkeypatch.setattr(catalogue, "policy", lambda: bumped)
    me = overview(engine, emma)
    assert me.must_acknowledge and not me.certified
    with session_scope(engine, write=False) as session:  # HR sees who must recertify, and why
        recertify = hr_view(session, hr).recertify
    assert recertify["username"].tolist() == ["emma"] and recertify["guidelines_changed"].tolist() == [True]
    cert = acknowledge(engine, emma)
    assert cert is not None and cert.policy_version == bumped["version"]
    assert overview(engine, emma).certified
    with session_scope(engine, write=False) as session:
        assert hr_view(session, hr).recertify.empty


def test_expired_certificate_is_renewed_by_confirming_the_guidelines_again(engine, make_user):
    emma = make_user("emma")
    hr = make_user("hilda", "hr")
    with session_scope(engine) as session:
        set_certification_months(session, hr, 6)
    start = utcnow() - timedelta(days=400)
    certify(engine, emma, now=start)
    with session_scope(engine, write=False) as session:
        assert session.scalars(select(Certification.expires_at)).one() == add_months(start, 6)
    me = overview(engine, emma)
    assert not me.certified and me.must_acknowledge
    assert pass_module(engine, emma, FIRST)[1] is None  # passing a quiz again does not renew by itself
    assert acknowledge(engine, emma) is not None
    assert overview(engine, emma).certified


def test_certification_months_is_validated_and_hr_only(engine, make_user):
    emma, hr = make_user("emma"), make_user("hilda", "hr")
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            set_certification_months(session, emma, 24)
        for bad in (0, 61, "12", True):
            with pytest.raises(ValidationError):
                set_certification_months(session, hr, bad)


def test_only_the_person_or_hr_may_have_a_certificate_issued(engine, make_user):
    """Issue 10, item 9: issue_if_due checked no one; another employee could trigger it for anyone."""
    from lib.training.certificates import issue_if_due

    emma, paul, hugo = make_user("emma"), make_user("paul"), make_user("hugo", "hr")
    acknowledge(engine, emma)
    for module in MODULES:
        pass_module(engine, emma, module)
    with session_scope(engine) as session:
        session.execute(update(Certification).values(expires_at=utcnow() - timedelta(days=1)))
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        issue_if_due(session, paul, emma.id, utcnow())
    with session_scope(engine) as session:  # allowed, even if nothing is due
        issue_if_due(session, hugo, emma.id, utcnow())
        issue_if_due(session, emma, emma.id, utcnow())
