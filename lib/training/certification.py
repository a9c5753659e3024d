"""What "certified" means, as one SQL condition every screen shares.

A person is certified when they hold an unexpired certification issued for the current policy
version and have passed every module required of them at its current version: those HR requires
of everyone (`training_modules.required`) and those of a role they hold (`training_modules.role`). Raising a module's or the
policy's version therefore makes earlier certifications outdated at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select

from lib.core.models import Certification, ModuleCompletion, TrainingModule, UserRole
from lib.training.catalogue import policy


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
    version = policy()["version"] if policy_version is None else policy_version
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
