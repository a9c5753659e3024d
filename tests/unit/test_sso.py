"""Single sign-on in lib: matching a token to an account by verified e-mail, every refusal audited,
accounts on first sign-in (off by default), SSO required with one break-glass administrator, and
revocation through "sessions valid after"."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import AuditEvent, User, utcnow
from lib.people import accounts as auth
from lib.people import sign_in_policy, sso
from tests.conftest import PASSWORD


def claims(email: str, *, issued=None, **extra) -> dict:
    issued = issued or utcnow()
    return {"email": email, "iat": int(issued.replace(tzinfo=UTC).timestamp()), "name": "Emma Stone", **extra}


def sign_in(engine, token: dict) -> sso.Outcome:
    with session_scope(engine) as session:
        return sso.sign_in(session, token)


def last_event(engine) -> SimpleNamespace:
    with session_scope(engine, write=False) as session:
        e = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        return SimpleNamespace(
            action=e.action, subject_id=e.subject_id, actor_id=e.actor_id, details=dict(e.details or {})
        )


def known_for_an_hour(engine, make_user, username: str):
    """An account whose sessions have been valid for an hour (as an account long in use)."""
    actor = make_user(username)
    with session_scope(engine) as session:
        session.get(User, actor.id).sessions_valid_after = utcnow() - timedelta(hours=1)
    return actor


def set_policy(engine, admin, **changes) -> None:
    with session_scope(engine) as session:
        current = sign_in_policy.settings(session, admin)
        values = {
            "required": current.required,
            "break_glass_id": current.break_glass_id,
            "create_accounts": current.create_accounts,
            **changes,
        }
        sign_in_policy.change(session, admin, **values)


def test_a_known_verified_email_signs_in_as_its_account_case_insensitively(engine, make_user):
    emma = make_user("emma")
    outcome = sign_in(engine, claims("Emma@Example.com", email_verified=True))
    assert outcome.refusal is None and outcome.username == "emma"
    event = last_event(engine)
    assert (event.action, event.subject_id, event.actor_id) == ("login.sso", emma.id, emma.id)


def test_the_session_counts_from_the_end_of_the_tokens_second(engine, make_user):
    make_user("emma")
    issued = utcnow().replace(microsecond=0)
    outcome = sign_in(engine, claims("emma@example.com", issued=issued))
    assert outcome.began == issued + timedelta(microseconds=999_999)


@pytest.mark.parametrize(
    "token, reason",
    [
        (claims("nobody@example.com"), "unknown"),
        (claims("emma@example.com", email_verified=False), "unverified"),
        (claims("emma@example.com", email_verified="false"), "unverified"),
        ({"iat": 1_800_000_000, "name": "No mail"}, "no_email"),
        ({"email": "emma@example.com"}, "no_email"),  # no issue time: revocation could not apply
    ],
)
def test_refusals_are_explained_and_audited_without_the_address(engine, make_user, caplog, token, reason):
    make_user("emma")
    with caplog.at_level(logging.WARNING, logger="porte_voix.audit"):
        outcome = sign_in(engine, token)
    assert outcome.username is None and outcome.refusal == f"sso.refused.{reason}"
    event = last_event(engine)
    assert event.action == "login.sso_refused" and event.details["reason"] == reason
    assert "nobody@" not in str(event.details) and "emma@" not in str(event.details)
    assert any(r.getMessage() == "login.sso_refused" for r in caplog.records)


def test_a_deactivated_account_is_refused(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        auth.set_active(session, admin, emma.id, False)
    outcome = sign_in(engine, claims("emma@example.com", issued=utcnow() + timedelta(seconds=5)))
    assert outcome.refusal == "sso.refused.deactivated"
    assert last_event(engine).subject_id == emma.id


def test_a_token_issued_before_sessions_were_ended_is_refused_and_a_new_one_accepted(engine, make_user):
    emma = known_for_an_hour(engine, make_user, "emma")
    old = utcnow() - timedelta(minutes=5)
    assert sign_in(engine, claims("emma@example.com", issued=old)).username == "emma"
    with session_scope(engine) as session:
        auth.sign_out(session, emma)  # sign-out everywhere
    assert sign_in(engine, claims("emma@example.com", issued=old)).refusal == "sso.refused.ended"
    assert sign_in(engine, claims("emma@example.com")).username == "emma"  # same second: accepted


def test_a_live_sso_session_ends_with_sign_out_everywhere_and_follows_role_changes(engine, admin, make_user):
    emma = known_for_an_hour(engine, make_user, "emma")
    began = sign_in(engine, claims("emma@example.com", issued=utcnow() - timedelta(minutes=1))).began
    with session_scope(engine) as session:
        auth.set_roles(session, admin, emma.id, ["employee", "hr"])
    with session_scope(engine, write=False) as session:
        assert auth.current_actor(session, emma.id, began).roles == {"employee", "hr"}
    with session_scope(engine) as session:
        auth.sign_out(session, emma)
    with session_scope(engine, write=False) as session:
        assert auth.current_actor(session, emma.id, began) is None


def test_accounts_on_first_sign_in_are_off_by_default_and_made_as_employees_without_password(engine, admin):
    assert sign_in(engine, claims("new.person@example.com")).refusal == "sso.refused.unknown"
    set_policy(engine, admin, create_accounts=True)
    event = last_event(engine)
    assert event.action == "sso.policy_changed" and event.details["after"]["create_accounts"] is True
    # the provider issued the token a moment before the account exists: its session is still valid
    outcome = sign_in(
        engine, claims("New.Person@example.com", issued=utcnow() - timedelta(seconds=3), locale="fr-FR")
    )
    assert outcome.username == "new.person"
    with session_scope(engine, write=False) as session:
        user = auth.find_user(session, "new.person")
        assert user.roles == ["employee"] and user.password_hash is None and not user.must_change_password
        assert (user.full_name, user.language) == ("Emma Stone", "fr")
        created = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.created")).all()
        assert [(e.actor, e.subject_id) for e in created][-1] == ("sso", user.id)
    assert not auth.sign_in(engine, "new.person", "")  # no password to sign in with
    # an unverified address never creates an account
    assert (
        sign_in(engine, claims("other@example.com", email_verified=False)).refusal == "sso.refused.unverified"
    )
    with session_scope(engine, write=False) as session:
        assert auth.find_user(session, "other") is None


def test_a_username_taken_already_gets_a_number(engine, admin, make_user):
    make_user("emma")
    set_policy(engine, admin, create_accounts=True)
    assert sign_in(engine, claims("emma@other.example")).username == "emma2"


def test_sso_required_refuses_passwords_but_the_break_glass_administrators(engine, admin, make_user):
    emma = known_for_an_hour(engine, make_user, "emma")
    assert auth.sign_in(engine, "emma", PASSWORD)
    set_policy(engine, admin, required=True, break_glass_id=admin.id)
    assert not auth.sign_in(engine, "emma", PASSWORD)
    assert last_event(engine).action == "login.refused_sso_only"
    assert auth.sign_in(engine, "root", PASSWORD)
    with session_scope(engine, write=False) as session:
        began = utcnow() - timedelta(minutes=1)
        assert auth.current_actor(session, emma.id, began, by_password=True) is None  # password session ends
        assert auth.current_actor(session, emma.id, began) is not None  # an SSO session goes on
        assert auth.current_actor(session, admin.id, utcnow(), by_password=True) is not None
        assert not auth.cookie_still_valid(session, "emma", began)
    assert sign_in(engine, claims("emma@example.com")).username == "emma"


def test_sso_cannot_be_required_without_a_break_glass_administrator_with_a_password(engine, admin, make_user):
    emma = make_user("emma")
    for changes, key in (
        ({"required": True, "break_glass_id": None}, "sso.break_glass_required"),
        ({"required": True, "break_glass_id": emma.id}, "sso.break_glass_not_admin"),
    ):
        with pytest.raises(ValidationError) as caught, session_scope(engine) as session:
            sign_in_policy.change(session, admin, create_accounts=False, **changes)
        assert [p.key for p in caught.value.problems] == [key]
    with session_scope(engine, write=False) as session:
        assert sign_in_policy.current(session) == sign_in_policy.Policy()
        assert sign_in_policy.break_glass_candidates(session, admin) == [(admin.id, "root")]


def test_only_administrators_change_the_policy(engine, admin, make_user):
    hugo = make_user("hugo", "hr", "employee")
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        sign_in_policy.change(session, hugo, required=False, break_glass_id=None, create_accounts=True)


def test_configured_needs_every_setting_of_the_auth_table():
    full = dict.fromkeys(sso.REQUIRED_SETTINGS, "x")
    assert sso.configured(full)
    assert not sso.configured({**full, "client_secret": ""})
    assert not sso.configured({})
