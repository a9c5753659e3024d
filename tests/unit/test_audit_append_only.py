"""The audit trail is append-only: no code path updates or deletes its rows."""

import re

from lib.core.config import ROOT

SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "lib").rglob("*.py")]
MUTATION = re.compile(
    r"(update|delete)\(\s*AuditEvent|audit_events\s+(SET|WHERE)|DELETE\s+FROM\s+audit_events", re.IGNORECASE
)


def test_no_code_updates_or_deletes_audit_events():
    offenders = [p.name for p in SOURCES if MUTATION.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pattern_catches_a_mutation():
    assert MUTATION.search("session.execute(delete(AuditEvent).where(...))")
    assert MUTATION.search("UPDATE audit_events SET actor = NULL")
