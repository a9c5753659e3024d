"""Errors the domain raises; each carries an i18n key so pages can explain it in either language."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass
class Problem:
    """One thing wrong with an input: which field (and row, for imports), and why."""

    key: str
    field: str | None = None
    row: int | None = None
    params: dict = dataclasses.field(default_factory=dict)


class PorteVoixError(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class ValidationError(PorteVoixError):
    """Bad input: nothing was changed. `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("error.validation")
        self.problems = problems


class PermissionDenied(PorteVoixError):
    pass


class NotFound(PorteVoixError):
    pass


class Conflict(PorteVoixError):
    """Someone else changed the record since it was read."""


def invalid(key: str, field: str | None = None, **params) -> ValidationError:
    return ValidationError([Problem(key, field, params=params)])
