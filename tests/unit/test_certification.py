"""The shared definition of "certified": current policy, every required module at its version."""

from datetime import timedelta

from sqlalchemy import select, update

from lib.core.db import session_scope
from lib.core.models import Certification, ModuleCompletion, QuizAttempt, TrainingModule, User, utcnow
from lib.training.catalogue import load_modules, policy
from lib.training.certification import certified_condition


def _pass_everything(session, user_id, when):
    for m in load_modules():
        attempt = QuizAttempt(
            user_id=user_id,
            module_slug=m.slug,
            module_version=m.version,
            score_pct=100,
            passed=True,
            answers={},
            submitted_at=when,
        )
        session.add(attempt)
        session.flush()
        session.add(
            ModuleCompletion(
                user_id=user_id,
                module_slug=m.slug,
                module_version=m.version,
                attempt_id=attempt.id,
                passed_at=when,
            )
        )


def certified_ids(session, now):
    return session.scalars(select(User.id).where(certified_condition(User.id, now))).all()


def test_certified_until_expiry_or_a_version_bump(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo")
    now = utcnow()
    with session_scope(engine) as session:
        _pass_everything(session, emma.id, now)
        _pass_everything(session, hugo.id, now)
        session.add(
            Certification(
                user_id=emma.id,
                policy_version=policy()["version"],
                modules={},
                issued_at=now,
                expires_at=now + timedelta(days=365),
            )
        )
    with session_scope(engine) as session:
        assert certified_ids(session, now) == [emma.id]  # hugo never acknowledged: no certificate
        assert certified_ids(session, now + timedelta(days=366)) == []  # expired
        assert (
            session.scalars(
                select(User.id).where(
                    certified_condition(User.id, now, policy_version=policy()["version"] + 1)
                )
            ).all()
            == []
        )
        first = load_modules()[0].slug
        session.execute(
            update(TrainingModule)
            .where(TrainingModule.slug == first)
            .values(version=TrainingModule.version + 1)
        )
        assert certified_ids(session, now) == []  # module 1 changed: must pass it again


def test_someone_elses_pass_does_not_certify_me(engine, make_user):
    """After a module's version is raised, only people who passed the new version stay certified."""
    emma, hugo = make_user("emma"), make_user("hugo")
    now = utcnow()
    first = load_modules()[0]
    with session_scope(engine) as session:
        for person in (emma, hugo):
            _pass_everything(session, person.id, now)
            session.add(
                Certification(
                    user_id=person.id,
                    policy_version=policy()["version"],
                    modules={},
                    issued_at=now,
                    expires_at=now + timedelta(days=365),
                )
            )
        session.execute(
            update(TrainingModule).where(TrainingModule.slug == first.slug).values(version=first.version + 1)
        )
        attempt = QuizAttempt(
            user_id=hugo.id,
            module_slug=first.slug,
            module_version=first.version + 1,
            score_pct=100,
            passed=True,
            answers={},
            submitted_at=now,
        )
        session.add(attempt)
        session.flush()
        session.add(
            ModuleCompletion(
                user_id=hugo.id,
                module_slug=first.slug,
                module_version=first.version + 1,
                attempt_id=attempt.id,
                passed_at=now,
            )
        )
    with session_scope(engine) as session:
        assert certified_ids(session, now) == [hugo.id]
