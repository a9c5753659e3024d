"""Accounts: password policy, creation, sign-in throttling, administration rules."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lib.core import audit
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import AuditEvent, User, utcnow
from lib.core.permissions import Actor
from lib.people import accounts as auth
from tests.conftest import PASSWORD


def keys(exc: ValidationError) -> list[str]:
    return [p.key for p in exc.problems]


@pytest.mark.parametrize(
    "password, expected",
    [
        ("short one", ["password.too_short"]),
        ("twelve chars", []),
        ("x" * 64, []),
        ("é" * 37, ["password.too_many_bytes"]),  # 37 characters, 74 bytes
        ("x" * 129, ["password.too_long"]),
        (" leading space here", ["password.spaces"]),
    ],
)
def test_password_policy_is_about_length_only(password, expected):
    assert [p.key for p in auth.password_problems(password)] == expected


def test_password_may_not_be_the_username():
    assert [p.key for p in auth.password_problems("marie.curie1", username="marie.curie1")] == [
        "password.is_username"
    ]


def test_hash_is_bcrypt_and_verifies():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$2b$")
    assert auth.verify_password(PASSWORD, hashed)
    assert not auth.verify_password(PASSWORD + "!", hashed)
    assert not auth.verify_password("é" * 40, hashed)  # over 72 bytes: refused, no exception


def test_first_account_must_be_an_admin_and_only_once(engine):
    with session_scope(engine) as session, pytest.raises(ValidationError) as err:
        auth.create_user(
            session,
            None,
            username="eve",
            full_name="Eve",
            email="eve@example.com",
            roles=["employee"],
            password=PASSWORD,
        )
    assert keys(err.value) == ["account.first_must_be_admin"]
    with session_scope(engine) as session:
        auth.create_user(
            session,
            None,
            username="ada",
            full_name="Ada",
            email="ada@example.com",
            roles=["admin"],
            password=PASSWORD,
        )
    with session_scope(engine) as session, pytest.raises(ValidationError) as err:
        auth.create_user(
            session,
            None,
            username="mallory",
            full_name="M",
            email="m@example.com",
            roles=["admin"],
            password=PASSWORD,
        )
    assert keys(err.value) == ["account.first_admin_exists"]


def test_create_user_reports_every_problem_and_writes_nothing(engine, admin):
    with session_scope(engine) as session, pytest.raises(ValidationError) as err:
        auth.create_user(
            session,
            admin,
            username="Root",
            full_name=" ",
            email="not-an-email",
            roles=["employee", "wizard"],
            password="short",
        )
    assert keys(err.value) == [
        "account.username_taken",
        "account.bad_email",
        "account.name_required",
        "account.unknown_role",
        "password.too_short",
    ]
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_with_temporary_password_must_change_it(engine, admin):
    with session_scope(engine) as session:
        user, temporary = auth.create_user(
            session,
            admin,
            username="Jean.Dupont",
            full_name="Jean Dupont",
            email="jean@example.com",
            roles=["employee", "hr"],
        )
    assert user.username == "jean.dupont"
    assert len(temporary) >= 16
    with session_scope(engine) as session:
        stored = auth.find_user(session, "jean.dupont")
        assert stored.must_change_password and stored.roles == ["employee", "hr"]
        assert auth.check_login(session, "jean.dupont", temporary)


def test_only_admins_create_accounts(engine, make_user):
    make_user("root", "admin")
    employee = make_user("emma", "employee")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        auth.create_user(
            session, employee, username="x1", full_name="X", email="x@example.com", roles=["admin"]
        )


def test_login_locks_after_repeated_failures_then_unlocks(engine, make_user):
    make_user("root", "admin")
    make_user("emma")
    with session_scope(engine) as session:
        for _ in range(auth.MAX_FAILED_LOGINS):
            assert not auth.check_login(session, "emma", "wrong password!!")
    with session_scope(engine) as session:
        assert not auth.check_login(session, "emma", PASSWORD)  # right password refused while locked
        auth.find_user(session, "emma").locked_until = utcnow() - timedelta(seconds=1)
    with session_scope(engine) as session:
        assert auth.check_login(session, "emma", PASSWORD)


def test_unknown_and_inactive_accounts_are_refused_like_a_wrong_password(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        auth.set_active(session, admin, emma.id, False)
    with session_scope(engine) as session:
        assert not auth.check_login(session, "emma", PASSWORD)
        assert not auth.check_login(session, "nobody", PASSWORD)
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "login.failed")).all()
    assert len(events) == 2


def test_change_password_checks_current_and_revokes_cookies(engine, make_user):
    make_user("root", "admin")
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(ValidationError) as err:
        auth.change_password(session, emma, current="not my password", new="a brand new passphrase")
    assert keys(err.value) == ["password.current_wrong"]
    with session_scope(engine) as session:
        issued = auth.find_user(session, "emma").sessions_valid_after + timedelta(seconds=1)
        assert auth.cookie_still_valid(session, "emma", issued)
    with session_scope(engine) as session:
        auth.change_password(session, emma, current=PASSWORD, new="a brand new passphrase")
    with session_scope(engine) as session:
        assert auth.check_login(session, "emma", "a brand new passphrase")
        assert not auth.cookie_still_valid(session, "emma", issued - timedelta(seconds=2))


def test_reset_password_is_admin_only_and_forces_a_change(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        auth.reset_password(session, emma, admin.id)
    with session_scope(engine) as session:
        temporary = auth.reset_password(session, admin, emma.id)
    with session_scope(engine) as session:
        assert auth.check_login(session, "emma", temporary)
        assert not auth.check_login(session, "emma", PASSWORD)
        assert auth.find_user(session, "emma").must_change_password


def test_last_active_admin_keeps_the_role(engine, admin, make_user):
    with session_scope(engine) as session, pytest.raises(ValidationError) as err:
        auth.set_roles(session, admin, admin.id, ["employee"])
    assert keys(err.value) == ["account.last_admin"]
    other = make_user("second", "admin")
    with session_scope(engine) as session:
        auth.set_roles(session, other, admin.id, ["employee"])
        assert auth.get_user(session, admin.id).roles == ["employee"]


def test_admin_cannot_deactivate_self_and_deactivation_is_not_deletion(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(ValidationError):
        auth.set_active(session, admin, admin.id, False)
    with session_scope(engine) as session:
        auth.set_active(session, admin, emma.id, False)
    with session_scope(engine) as session:
        assert "emma" not in auth.credentials(session)["usernames"]
        assert auth.find_user(session, "emma") is not None
        auth.set_active(session, admin, emma.id, True)
    with session_scope(engine) as session:
        assert auth.credentials(session)["usernames"]["emma"]["roles"] == ["employee"]


def test_employee_cannot_change_someone_elses_language(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        auth.set_language(session, emma, admin.id, "fr")
    with session_scope(engine) as session:
        auth.set_language(session, emma, emma.id, "fr")
        assert auth.profile(session, emma)["language"] == "fr"


def test_audit_never_stores_secrets(engine, admin):
    with session_scope(engine) as session:
        audit.record(session, admin, "test", "x", password="hunter2", cookie="abc", rows=3)
    with session_scope(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "test")).one()
    assert event.details == {"rows": 3}
    assert event.actor_id == admin.id and event.actor is None


def test_list_users_is_admin_only(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        assert [u["username"] for u in auth.list_users(session, admin)] == ["emma", "root"]
        with pytest.raises(PermissionDenied):
            auth.list_users(session, emma)


def test_command_line_actor_holds_every_role():
    assert Actor.command_line().has("admin", "hr")


def test_audit_browse_is_admin_only_and_filters(engine, admin, make_user):
    emma = make_user("emma")
    with session_scope(engine) as session:
        auth.check_login(session, "emma", "bad password 123")
    with session_scope(engine) as session:
        with pytest.raises(PermissionDenied):
            audit.browse(session, emma)
        failed = audit.browse(session, admin, action="login.failed")
        assert [e["target"] for e in failed] == ["emma"]
        assert len(audit.browse(session, admin, who="cli", action="account.created")) == 2
        assert audit.browse(session, admin, who="root", action="account.created") == []
        assert "login.failed" in audit.actions(session, admin)


def test_unknown_username_costs_a_bcrypt_check_like_a_known_one(engine, make_user, monkeypatch):
    """Same message and the same work for unknown and known usernames (no timing oracle)."""
    make_user("emma")
    calls = []
    real = auth.bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    with session_scope(engine) as session:
        assert not auth.check_login(session, "nobody-here", "some password 123")
        assert not auth.check_login(session, "emma", "some password 123")
    assert len(calls) == 2


def _real_cost_hash(password: str) -> str:
    """A hash with the production work factor (12, ~0.2 s to check), whatever the tests' default."""
    return auth.bcrypt.hashpw(password.encode(), auth.bcrypt.gensalt(12)).decode()


def test_concurrent_failed_sign_ins_block_no_writer_and_are_all_counted(engine, make_user, monkeypatch):
    """Issue 10, item 7: 8 people sign in with a wrong password at once, 4 times each, at the real
    bcrypt cost, while someone else keeps writing; with a 2 s busy timeout (SQLite), no write fails,
    and every failure is counted on its account."""
    import threading

    from sqlalchemy import insert, update

    from lib.core import db

    names = [f"user{i}" for i in range(8)]
    for name in names:
        make_user(name)
    with session_scope(engine) as session:
        session.execute(update(User).values(password_hash=_real_cost_hash(PASSWORD)))
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 2000)
    app = db.make_engine(engine.url.render_as_string(hide_password=False))
    done, write_errors, writes = threading.Event(), [], [0]

    def writer():
        while not done.is_set():
            try:
                with session_scope(app) as session:
                    session.execute(insert(AuditEvent).values(actor="writer", action="test", details={}))
                writes[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is what the test counts
                write_errors.append(exc)

    def attacker(name):
        for _ in range(4):
            assert not auth.sign_in(app, name, "a wrong password!")

    threads = [threading.Thread(target=attacker, args=(n,)) for n in names]
    w = threading.Thread(target=writer)
    w.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    w.join()
    app.dispose()
    print(f"writes failing during {len(threads) * 4} concurrent failed sign-ins: {len(write_errors)}")
    assert write_errors == [] and writes[0] > 0
    with session_scope(engine, write=False) as session:
        counts = session.execute(
            select(User.username, User.failed_logins).where(User.username.in_(names))
        ).all()
    assert dict(counts) == dict.fromkeys(names, 4)


def test_concurrent_failed_sign_ins_on_one_account_lock_it_exactly(engine, make_user):
    """Failures counted atomically: 7 at once on one account lock it (5) and leave 2 counted."""
    from concurrent.futures import ThreadPoolExecutor

    make_user("emma")
    with ThreadPoolExecutor(7) as pool:
        assert not any(pool.map(lambda _: auth.sign_in(engine, "emma", "a wrong password!"), range(7)))
    with session_scope(engine, write=False) as session:
        emma = auth.find_user(session, "emma")
        assert emma.failed_logins == 2 and emma.locked_until is not None
    assert not auth.sign_in(engine, "emma", PASSWORD)  # locked: the right password is refused too


def test_a_username_matching_no_account_is_not_stored(engine, make_user):
    """Text typed as a username may be a password typed in the wrong field: for an unknown account
    the audit trail records the failure without it."""
    make_user("emma")
    typed = "my secret passphrase 42"
    assert not auth.sign_in(engine, typed, "whatever it is")
    assert not auth.sign_in(engine, "emma@example.com", "whatever it is")
    with session_scope(engine, write=False) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
        stored = " ".join(f"{e.actor} {e.target} {e.details}" for e in events)
    assert len(events) == 2
    assert "secret" not in stored and "emma" not in stored


def _hostile_cookies(key: str, now: float) -> dict[str, str]:
    """Cookies a browser may carry that we never issued (issue 10, item 8)."""
    import base64
    import json

    import jwt

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    good = {"username": "root", "exp_date": now + 3600}
    return {
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(good)}.",
        "alg None, signed": ".".join(
            [b64({"alg": "None", "typ": "JWT"}), *jwt.encode(good, key, algorithm="HS256").split(".")[1:]]
        ),
        "HS512 with our key": jwt.encode(good, key, algorithm="HS512"),
        "kid header": jwt.encode(good, key, algorithm="HS256", headers={"kid": "../../etc/passwd"}),
        "jku header": jwt.encode(good, key, algorithm="HS256", headers={"jku": "http://127.0.0.1:9/k"}),
        "other key": jwt.encode(good, "another key that is long enough to sign 123", algorithm="HS256"),
        "no exp_date": jwt.encode({"username": "root"}, key, algorithm="HS256"),
        "exp_date text": jwt.encode({"username": "root", "exp_date": "tomorrow"}, key, algorithm="HS256"),
        "exp_date huge": jwt.encode({"username": "root", "exp_date": 1e300}, key, algorithm="HS256"),
        "expired": jwt.encode({"username": "root", "exp_date": now - 1}, key, algorithm="HS256"),
        "username a list": jwt.encode({"username": ["root"], "exp_date": now + 60}, key, algorithm="HS256"),
        "not a token": "garbage",
        "three dots": "...",
        "bad base64": "e30.e30.%%%",
        "claims a list": f"{b64({'alg': 'HS256'})}.{base64.urlsafe_b64encode(b'[1]').decode()}.x",
        "very long": "a" * 100_000,
    }


def test_only_cookies_we_could_have_issued_are_read():
    key, now = "a test key that is long enough for HS256 signatures", 1_900_000_000.0
    good = auth.read_cookie(
        __import__("jwt").encode({"username": "root", "exp_date": now + 60}, key, algorithm="HS256"), key, now
    )
    assert good == {"username": "root", "exp_date": now + 60}
    read = {name: auth.read_cookie(token, key, now) for name, token in _hostile_cookies(key, now).items()}
    assert read == dict.fromkeys(read), read


def test_accounts_are_searched_and_paged_in_the_database(engine, admin, make_user):
    for name in ("anna", "bruno", "chloe", "dora_x", "dorax"):
        make_user(name)
    with session_scope(engine) as session:
        page, total = auth.find_accounts(session, admin, offset=2, limit=2)
        assert [u["username"] for u in page] == ["chloe", "dora_x"] and total == 6
        assert auth.find_accounts(session, admin, "  DORA_ ")[1] == 1  # any case; '_' is no wildcard
        assert [u["username"] for u in auth.find_accounts(session, admin, "%")[0]] == []
        assert auth.account_counts(session, admin) == (6, 6)
        assert auth.get_account(session, admin, admin.id)["roles"] == ["admin", "employee"]
