"""Certificates: issued the moment the last condition is met, renewed after a change or an expiry,
and printed as a self-contained HTML page.

A certificate is issued when every required module is passed at its current version and the
current posting guidelines are confirmed. After a certificate expires, confirming the guidelines
again renews it (the modules passed at their current versions still count).
"""

from __future__ import annotations

import calendar
from datetime import datetime
from html import escape

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lib.core import audit, options
from lib.core.db import fetch
from lib.core.errors import Problem, ValidationError
from lib.core.i18n import t
from lib.core.models import (
    Certification,
    ModuleCompletion,
    PolicyAcknowledgement,
    TrainingModule,
    User,
    utcnow,
)
from lib.core.permissions import Actor, holders, require, require_self_or
from lib.training import catalogue
from lib.training.certification import certified_condition, required_for

LEARNER_ROLES = holders("training.learn")  # who trains (and so may need a certificate)
MONTHS_OPTION = "training.certification_months"
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def add_months(when: datetime, months: int) -> datetime:
    """`when` plus `months` calendar months (the day is clamped to the end of a shorter month)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def certification_months(session: Session) -> int:
    return int(options.get(session, MONTHS_OPTION, DEFAULT_MONTHS))


def set_certification_months(session: Session, actor: Actor, months) -> None:
    """How long a certificate stays valid, in months (HR); applies to certificates issued from now on."""
    require(actor, "training.configure")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationError(
            [Problem("training.error.months", "training_months", params={"max": MAX_MONTHS})]
        )
    options.put(session, actor, MONTHS_OPTION, months)


def latest_certification(session: Session, user_id: int) -> Certification | None:
    return session.scalars(
        select(Certification)
        .where(Certification.user_id == user_id)
        .order_by(Certification.issued_at.desc(), Certification.id.desc())
        .limit(1)
    ).first()


def needs_acknowledgement(
    acknowledged_at: datetime | None, latest: Certification | None, now: datetime
) -> bool:
    """The current guidelines must be confirmed: never confirmed, or confirmed before the last
    certificate expired (an expired certificate is renewed by confirming them again)."""
    if acknowledged_at is None:
        return True
    return latest is not None and latest.expires_at <= now and acknowledged_at < latest.expires_at


def issue_if_due(session: Session, actor: Actor, user_id: int, now: datetime) -> Certification | None:
    """Issue a certificate if `user_id` now meets every condition and holds none for this state
    (the person themselves, as they finish a step, or HR)."""
    require_self_or(actor, user_id, "training.assign")
    rows = session.execute(
        select(TrainingModule.slug, TrainingModule.version, ModuleCompletion.user_id)
        .outerjoin(
            ModuleCompletion,
            and_(
                ModuleCompletion.user_id == user_id,
                ModuleCompletion.module_slug == TrainingModule.slug,
                ModuleCompletion.module_version == TrainingModule.version,
            ),
        )
        .where(required_for(user_id))
    ).all()
    if any(r.user_id is None for r in rows):
        return None
    version = catalogue.policy()["version"]
    acknowledged_at = session.scalar(
        select(PolicyAcknowledgement.acknowledged_at).where(
            PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.policy_version == version
        )
    )
    latest = latest_certification(session, user_id)
    if needs_acknowledgement(acknowledged_at, latest, now):
        return None
    modules = {r.slug: r.version for r in rows}
    if (
        latest is not None
        and latest.expires_at > now
        and latest.policy_version == version
        and latest.modules == modules
    ):
        return None
    months = certification_months(session)
    cert = Certification(
        user_id=user_id,
        policy_version=version,
        modules=modules,
        issued_at=now,
        expires_at=add_months(now, months),
    )
    session.add(cert)
    session.flush()
    audit.record(
        session,
        actor,
        "training.certified",
        subject=user_id,
        certification=cert.id,
        policy_version=version,
        months=months,
    )
    return cert


def is_certified(session: Session, user_id: int, now: datetime) -> bool:
    return bool(
        session.scalar(
            select(certified_condition(user_id, now, policy_version=catalogue.policy()["version"]))
        )
    )


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4 landscape; margin: 18mm; }}
body {{ font-family: Georgia, "DejaVu Serif", serif; color: #1f2937; margin: 0; }}
.frame {{ border: 3px double #1e3a5f; padding: 28px 44px; max-width: 980px; margin: 24px auto; }}
h1 {{ font-size: 30px; color: #1e3a5f; margin: 0 0 4px; letter-spacing: .5px; }}
.name {{ font-size: 28px; margin: 22px 0 6px; font-weight: bold; }}
ol {{ columns: 2; column-gap: 36px; padding-left: 20px; font-size: 14px; line-height: 1.6; }}
.meta {{ display: flex; justify-content: space-between; font-size: 13px; color: #4b5563;
         border-top: 1px solid #cbd5e1; padding-top: 10px; margin-top: 18px; }}
.hint {{ font-size: 11px; color: #6b7280; text-align: center; }}
@media print {{ .hint {{ display: none; }} .frame {{ margin: 0 auto; }} }}
</style></head>
<body><div class="frame">
<h1>{title}</h1><div>{programme}</div>
<p class="name">{name}</p>
<p>{statement}</p>
<ol>{modules}</ol>
<p>{policy}</p>
<div class="meta"><span>{issued}</span><span>{expires}</span><span>{number}</span></div>
</div><p class="hint">{hint}</p></body></html>
"""


def certificate_html(session: Session, actor: Actor, lang: str, now: datetime | None = None) -> bytes | None:
    """The signed-in person's current certificate as a print-ready HTML page; None if not certified."""
    require(actor, "training.learn")
    now = now or utcnow()
    if not is_certified(session, actor.user_id, now):
        return None
    cert = latest_certification(session, actor.user_id)
    if cert is None:  # certified means a certification exists
        return None
    user = fetch(session, User, actor.user_id, "error.user_not_found")
    titles = {m.slug: m.text("title", lang) for m in catalogue.load_modules()}
    order: list[str] = [s for s in titles if s in cert.modules] + [s for s in cert.modules if s not in titles]
    items = "".join(
        f"<li>{escape(titles.get(slug, slug))} <small>(v{int(cert.modules[slug])})</small></li>"
        for slug in order
    )
    pol = catalogue.policy()
    text = {
        key: escape(t(f"training.certificate.{key}", lang, **params))
        for key, params in {
            "title": {},
            "programme": {},
            "statement": {"n": len(cert.modules)},
            "policy": {"title": pol["title"][lang], "version": cert.policy_version},
            "issued": {"date": cert.issued_at.date().isoformat()},
            "expires": {"date": cert.expires_at.date().isoformat()},
            "number": {"number": cert.id},
            "hint": {},
        }.items()
    }
    return _PAGE.format(lang=escape(lang), name=escape(user.full_name), modules=items, **text).encode()
