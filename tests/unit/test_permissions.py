"""The permission table is the one source of who may do what: services follow it, and no other
production file names a role."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lib.activity import (
    analytics_import,
    content_library,
    contributions,
    post_checker,
    recognition,
    review,
    signals,
)
from lib.core import audit, options
from lib.core.config import ROOT
from lib.core.db import session_scope
from lib.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lib.core.models import AuditEvent
from lib.core.permissions import ACTIONS, PERMISSIONS, Actor, can, holders, require, roles_can
from lib.core.screens import SCREENS, visible_screens
from lib.core.vocab import ROLES
from lib.insight import board_report, leadership, participation
from lib.notifications import history as notification_history
from lib.people import accounts, organisation, privacy, sign_in_policy
from lib.training import academy, assignments, certificates

TODAY = date(2026, 12, 4)

# One representative service call per action the services guard. A call may fail for another reason
# (bad value, unknown id) when allowed; what is tested is who gets PermissionDenied.
SERVICES: dict[str, Callable] = {
    "training.learn": lambda s, a: academy.overview(s, a),
    "training.assign": lambda s, a: assignments.hr_view(s, a),
    "training.configure": lambda s, a: certificates.set_certification_months(s, a, 12),
    "contributions.log": lambda s, a: contributions.export_mine(s, a),
    "contributions.review": lambda s, a: review.queue(s, a),
    "analytics.import_for_others": lambda s, a: analytics_import.history(s, a, "target"),
    "recognition.view": lambda s, a: recognition.standings(s, a, TODAY, TODAY),
    "recognition.configure": lambda s, a: recognition.update_rules(s, a, recognition.rules(s), 3),
    "checker.use": lambda s, a: post_checker.check_post(s, a, "Proud of our team", "linkedin"),
    "checker.configure": lambda s, a: post_checker.update_settings(s, a, {}),
    "content.read": lambda s, a: content_library.campaigns(s, a),
    "content.publish": lambda s, a: content_library.all_items(s, a, TODAY),
    "signals.report": lambda s, a: signals.owner_candidates(s, a),
    "signals.view_all": lambda s, a: signals.list_signals(s, a, signals.SignalFilters(view="all")),
    "signals.triage": lambda s, a: signals.update_settings(s, a, 24, ["Sales"]),
    "participation.view": lambda s, a: participation.completion(s, a, participation.Scope()),
    "participation.configure": lambda s, a: participation.save_settings(s, a, 5, 90),
    "organisation.manage": lambda s, a: organisation.organisation(s, a),
    "options.edit": lambda s, a: options.put(s, a, "test.option", 1),
    "notifications.manage": lambda s, a: notification_history.recent_failures(s, a, datetime(2026, 12, 4)),
    "overview.view": lambda s, a: board_report.record_download(s, a, "company", "2026-11-01", "2026-11-30"),
    "overview.configure": lambda s, a: leadership.rate_settings(s, a),
    "accounts.manage": lambda s, a: accounts.list_users(s, a),
    "sso.configure": lambda s, a: sign_in_policy.settings(s, a),
    "audit.view": lambda s, a: audit.actions(s, a),
    "privacy.erase": lambda s, a: privacy.erase(s, a, 999_999),
}
SCREEN_ONLY = {"account.own"}  # opens the Account screen; its services act on the actor's own data
RECIPIENTS = {"overview.digest"}  # not a check: whom an e-mail goes to (lib/notifications/due.py)

PRODUCTION = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "lib").rglob("*.py"))]
ROLE_HOMES = {ROOT / "lib/core/vocab.py", ROOT / "lib/core/permissions.py"}
CHECKS = {"require", "can", "holders", "roles_can", "require_self_or"}


def test_the_table_names_only_known_roles_and_every_role_has_something_to_do():
    assert ACTIONS and all(PERMISSIONS[a] for a in ACTIONS)
    for action, roles in PERMISSIONS.items():
        assert set(roles) <= set(ROLES), action
        assert len(set(roles)) == len(roles), action
    for role in ROLES:
        assert visible_screens([role]), role


def test_every_screen_opens_with_an_action_of_the_table():
    for screen in SCREENS:
        assert screen.action in PERMISSIONS, screen.slug


def test_every_action_is_used_by_a_screen_or_a_registered_service():
    screens = {s.action for s in SCREENS}
    assert set(ACTIONS) <= set(SERVICES) | SCREEN_ONLY | RECIPIENTS | screens
    assert screens >= SCREEN_ONLY


def test_can_and_require_follow_the_table():
    for action in ACTIONS:
        for role in ROLES:
            actor = Actor(id=1, username="x", roles=frozenset([role]))
            assert can(actor, action) == (role in holders(action)) == roles_can([role], action)
            if role in holders(action):
                require(actor, action)
            else:
                with pytest.raises(PermissionDenied):
                    require(actor, action)
    assert not can(None, "account.own")
    with pytest.raises(KeyError):
        can(Actor.command_line(), "no.such_action")


def _string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_production_file_names_a_role_outside_the_vocabulary_and_the_table():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for path in PRODUCTION
        if path not in ROLE_HOMES
        for node in _string_constants(path)
        if node.value in ROLES
    ]
    assert not found, "role names written by hand (use lib.core.permissions):\n" + "\n".join(found)


def test_the_scan_would_find_a_role_literal(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Module doc: hr."""\nif who.has("hr"):\n    pass\n')
    assert [n.value for n in _string_constants(sample) if n.value in ROLES] == ["hr"]


def test_every_action_named_in_production_code_is_in_the_table():
    unknown = []
    for path in PRODUCTION:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CHECKS:
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and arg.value not in ACTIONS
                    ):
                        unknown.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value}")
    assert not unknown


@pytest.fixture
def one_per_role(make_user) -> dict[str, Actor]:
    make_user("target")  # someone else, for the services that act on another person
    return {role: make_user(f"only_{role}", role) for role in ROLES}


def _audit_events(engine) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("action", sorted(SERVICES))
def test_each_guarded_service_refuses_exactly_the_roles_the_table_does_not_allow(
    engine, one_per_role, action
):
    for role, actor in one_per_role.items():
        before = _audit_events(engine)
        if role in holders(action):
            try:
                with session_scope(engine) as session:
                    SERVICES[action](session, actor)
            except PermissionDenied:
                pytest.fail(f"{action}: {role} is allowed by the table but refused")
            except (
                ValidationError,
                NotFound,
                Conflict,
            ):  # a bad value or unknown id: not a permission matter
                continue
        else:
            with pytest.raises(PermissionDenied), session_scope(engine) as session:
                SERVICES[action](session, actor)
            assert _audit_events(engine) == before, (
                f"{action}: refused for {role} but wrote to the audit trail"
            )
