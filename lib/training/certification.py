"""What "certified" and "due to renew" mean, as SQL every screen, the certificate and the figures share.

A person is certified when they hold an unexpired certification issued for the current policy
version and have passed every module required of them at its current version: those HR requires
of everyone (`training_modules.required`) and those of a role they hold (`training_modules.role`).
Raising a module's or the policy's version therefore makes earlier certifications outdated at once.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Subquery, and_, exists, false, func, not_, or_, select
from sqlalchemy.orm import aliased

from lib.core.models import Certification, ModuleCompletion, TrainingModule, User, UserRole
from lib.people.workforce import workforce
from lib.training import catalogue


def required_for(user_id_column) -> ColumnElement[bool]:
    """SQL over TrainingModule: the module is required of the person in `user_id_column`."""
    holds_role = (
        exists()
        .where(UserRole.user_id == user_id_column, UserRole.role == TrainingModule.role)
        .correlate_except(UserRole)
    )
    return or_(TrainingModule.required, and_(TrainingModule.role.is_not(None), holds_role))


def certified_condition(
    user_id_column, now: datetime, policy_version: int | None = None
) -> ColumnElement[bool]:
    """A boolean SQL expression: is the person in `user_id_column` certified at `now`?"""
    version = catalogue.policy()["version"] if policy_version is None else policy_version
    holds_certificate = exists().where(
        Certification.user_id == user_id_column,
        Certification.expires_at > now,
        Certification.policy_version == version,
    )
    missing_module = exists(
        select(TrainingModule.slug).where(
            required_for(user_id_column),
            not_(
                # correlate_except: the person comes from the outermost query, not a new FROM.
                exists()
                .where(
                    ModuleCompletion.user_id == user_id_column,
                    ModuleCompletion.module_slug == TrainingModule.slug,
                    ModuleCompletion.module_version == TrainingModule.version,
                )
                .correlate_except(ModuleCompletion)
            ),
        )
    )
    return and_(holds_certificate, not_(missing_module))


def certified_at(user_id_column, moment: datetime) -> ColumnElement[bool]:
    """SQL: certified at `moment` (as above), with a certificate issued by then: the form used to
    read the past (the leadership figures, the participation funnel at the end of a period)."""
    issued = exists().where(Certification.user_id == user_id_column, Certification.issued_at <= moment)
    return and_(certified_condition(user_id_column, moment), issued)


def due_to_renew(now: datetime, policy_version: int | None = None) -> Subquery:
    """The people due to renew their certification at `now`: one row per person, with the reasons.

    Due to renew = in today's workforce (lib.people.workforce), not certified now
    (certified_condition), and either once certified (a certificate, since expired, issued for older
    guidelines, or missing a module made required or updated since), or holding a required module
    passed only at an older version. The one definition, population included, behind Training's
    "must recertify" list and Participation's "to renew" list: each joins it on `user_id` (and
    Participation keeps the people of the scope it shows).

    Columns: user_id, outdated_modules (required modules passed only at an older version),
    modules_to_pass (required modules not passed at their current version), certificate_expires
    (latest expiry, None when never certified), guidelines_changed, expired.
    """
    version = catalogue.policy()["version"] if policy_version is None else policy_version
    current = aliased(ModuleCompletion)
    outdated = (
        select(ModuleCompletion.user_id, func.count(func.distinct(ModuleCompletion.module_slug)).label("n"))
        .join(TrainingModule, TrainingModule.slug == ModuleCompletion.module_slug)
        .where(
            required_for(ModuleCompletion.user_id),
            ModuleCompletion.module_version < TrainingModule.version,
            ~exists().where(
                current.user_id == ModuleCompletion.user_id,
                current.module_slug == ModuleCompletion.module_slug,
                current.module_version == TrainingModule.version,
            ),
        )
        .group_by(ModuleCompletion.user_id)
        .subquery()
    )
    last = (
        select(
            Certification.user_id,
            func.max(Certification.expires_at).label("expires_at"),
            func.max(Certification.policy_version).label("policy_version"),
        )
        .group_by(Certification.user_id)
        .subquery()
    )
    to_pass = (
        select(func.count())
        .select_from(TrainingModule)
        .where(
            required_for(User.id),
            ~exists()
            .where(
                ModuleCompletion.user_id == User.id,
                ModuleCompletion.module_slug == TrainingModule.slug,
                ModuleCompletion.module_version == TrainingModule.version,
            )
            .correlate_except(ModuleCompletion),
        )
        .correlate(User)
        .scalar_subquery()
    )
    return (
        select(
            User.id.label("user_id"),
            func.coalesce(outdated.c.n, 0).label("outdated_modules"),
            to_pass.label("modules_to_pass"),
            last.c.expires_at.label("certificate_expires"),
            func.coalesce(last.c.policy_version < version, false()).label("guidelines_changed"),
            func.coalesce(last.c.expires_at <= now, false()).label("expired"),
        )
        .outerjoin(outdated, outdated.c.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(
            workforce(now.date()),
            or_(last.c.user_id.is_not(None), outdated.c.n > 0),
            ~certified_condition(User.id, now, policy_version=version),
        )
        .subquery("due_to_renew")
    )


def renewal_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A list read from due_to_renew, with its flags as booleans and counts as integers whatever the
    database returned (SQLite gives 0/1)."""
    for column in ("guidelines_changed", "expired"):
        df[column] = df[column].fillna(False).astype(bool)
    for column in ("outdated_modules", "modules_to_pass"):
        df[column] = df[column].astype("int64")
    return df
