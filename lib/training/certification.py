"""What "certified" means, as one SQL condition every screen shares.

A person is certified when they hold an unexpired certification issued for the current policy
version and have passed every required module at its current version. Raising a module's or the
policy's version therefore makes earlier certifications outdated at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, not_, select

from lib.core.models import Certification, ModuleCompletion, TrainingModule
from lib.training.catalogue import policy


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
            TrainingModule.required,
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
