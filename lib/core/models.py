"""The schema for the whole programme (SQLAlchemy 2.x ORM).

All timestamps are naive datetimes in UTC (`utcnow()`); calendar dates are plain dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lib.core.vocab import ROLES


def utcnow() -> datetime:
    """The current UTC time as a naive datetime, the form stored everywhere."""
    return datetime.now(UTC).replace(tzinfo=None)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK that `column` holds one of `values` (a closed vocabulary)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


def _fk(target: str, ondelete: str = "RESTRICT", **kw) -> Mapped:
    return mapped_column(ForeignKey(target, ondelete=ondelete), **kw)


# --- organisation and accounts ------------------------------------------------------------


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    teams: Mapped[list[Team]] = relationship(back_populates="department")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("department_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = _fk("departments.id", index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    department: Mapped[Department] = relationship(back_populates="teams")


class User(Base):
    """A person: an employee who may also hold HR, executive or admin roles."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("language IN ('en', 'fr')", name="ck_users_language"),
        Index("ix_users_department_active", "department_id", "is_active"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(100))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    department_id: Mapped[int | None] = _fk("departments.id", ondelete="SET NULL")
    team_id: Mapped[int | None] = _fk("teams.id", ondelete="SET NULL", index=True)
    manager_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL", index=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cookies issued before this instant are refused (logout, password change, deactivation).
    sessions_valid_after: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )
    department: Mapped[Department | None] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")

    @property
    def roles(self) -> list[str]:
        return [r.role for r in self.role_rows]


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="ck_role"),)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class Setting(Base):
    """Programme settings editable at run time (targets, rates, point rules...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict | list | int | float | str] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# --- training ----------------------------------------------------------------------------


class TrainingModule(Base):
    """The catalogue as last synchronised from `data/training/`; content stays in the files."""

    __tablename__ = "training_modules"
    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)  # for everyone (HR's choice)
    role: Mapped[str | None] = mapped_column(String(16))  # also required for holders of this role
    lesson_count: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class LessonProgress(Base):
    __tablename__ = "lesson_progress"
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    module_slug: Mapped[str] = _fk("training_modules.slug", primary_key=True)
    module_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_module", "user_id", "module_slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE")
    module_slug: Mapped[str] = _fk("training_modules.slug")
    module_version: Mapped[int] = mapped_column(Integer)
    score_pct: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict] = mapped_column(JSON)
    # The questions drawn for this attempt, in the order shown, each with its options' order:
    # [{"id": question id, "options": [option id, ...]}]; None for attempts before 0013.
    questions: Mapped[list | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class QuizDraw(Base):
    """The quiz a person has open for a module: drawn once, kept until submitted (then it moves
    to the attempt), so reloading the page shows the same questions in the same order."""

    __tablename__ = "quiz_draws"
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    module_slug: Mapped[str] = _fk("training_modules.slug", primary_key=True)
    module_version: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ModuleCompletion(Base):
    """A module passed at a given version (the first passing attempt at that version)."""

    __tablename__ = "module_completions"
    __table_args__ = (Index("ix_module_completions_module", "module_slug", "module_version"),)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    module_slug: Mapped[str] = _fk("training_modules.slug", primary_key=True)
    module_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = _fk("quiz_attempts.id", ondelete="CASCADE")
    passed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PolicyAcknowledgement(Base):
    __tablename__ = "policy_acknowledgements"
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    policy_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Assignment(Base):
    """Modules HR asks a scope (everyone, a department or a person) to pass by a date."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("scope IN ('all', 'department', 'user')", name="ck_assignment_scope"),
        Index("ix_assignments_due", "due_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    module_slug: Mapped[str] = _fk("training_modules.slug")
    scope: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = _fk("departments.id", ondelete="CASCADE", index=True)
    user_id: Mapped[int | None] = _fk("users.id", ondelete="CASCADE", index=True)
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Certification(Base):
    """Issued when every required module is passed and the current policy acknowledged."""

    __tablename__ = "certifications"
    __table_args__ = (Index("ix_certifications_user", "user_id", "issued_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE")
    policy_version: Mapped[int] = mapped_column(Integer)
    modules: Mapped[dict] = mapped_column(JSON)  # {slug: version}
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


# --- ambassador activity ---------------------------------------------------------------


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContentItem(Base):
    __tablename__ = "content_items"
    __table_args__ = (Index("ix_content_items_dates", "starts_on", "ends_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = _fk("campaigns.id", ondelete="SET NULL")
    title: Mapped[str] = mapped_column(String(200))
    text_en: Mapped[str] = mapped_column(Text)
    text_fr: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    platforms: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Contribution(Base):
    """Something an ambassador did on a social network, with the figures they know."""

    __tablename__ = "contributions"
    __table_args__ = (
        Index("ix_contributions_user_day", "user_id", "occurred_on"),
        Index("ix_contributions_day_platform", "occurred_on", "platform"),
        Index("ix_contributions_dept_day", "department_id", "occurred_on"),
        Index("ix_contributions_user_url", "user_id", "url_key"),
        Index("ix_contributions_review", "review"),
        UniqueConstraint("user_id", "import_key", name="uq_contributions_import_key"),
        CheckConstraint(
            "coalesce(impressions, 0) >= 0 AND coalesce(reactions, 0) >= 0 AND "
            "coalesce(comments, 0) >= 0 AND coalesce(shares, 0) >= 0 AND "
            "coalesce(clicks, 0) >= 0 AND coalesce(minutes_spent, 0) >= 0",
            name="ck_contribution_figures",
        ),
        CheckConstraint("coalesce(engagements, 0) >= 0", name="ck_contribution_engagements"),
        CheckConstraint(
            "figures_source IN ('typed', 'imported', 'corrected')", name="ck_contribution_source"
        ),
        CheckConstraint("review IN ('ok', 'pending', 'approved', 'rejected')", name="ck_contribution_review"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE")
    # Department at the time of the contribution, so history survives moves between departments.
    department_id: Mapped[int | None] = _fk("departments.id", ondelete="SET NULL")
    occurred_on: Mapped[date] = mapped_column(Date)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    url: Mapped[str | None] = mapped_column(String(2000))
    content_item_id: Mapped[int | None] = _fk("content_items.id", ondelete="SET NULL", index=True)
    impressions: Mapped[int | None] = mapped_column(Integer)
    reactions: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    shares: Mapped[int | None] = mapped_column(Integer)
    clicks: Mapped[int | None] = mapped_column(Integer)
    minutes_spent: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    import_key: Mapped[str | None] = mapped_column(String(64))
    # The platform's engagement total when it gives no split (LinkedIn exports): reactions,
    # comments and shares are then unknown (NULL) rather than invented (migration 0012).
    engagements: Mapped[int | None] = mapped_column(Integer)
    # The post's identity for matching and duplicates: "linkedin:<id>", "x:<id>" or the
    # normalised address (lib.activity.urls.url_key).
    url_key: Mapped[str | None] = mapped_column(String(300))
    # Where the figures come from: typed (by the person), imported (platform export), corrected (HR).
    figures_source: Mapped[str] = mapped_column(String(12), default="typed", server_default="typed")
    analytics_import_id: Mapped[int | None] = _fk("analytics_imports.id", ondelete="SET NULL")
    figures_at: Mapped[datetime | None] = mapped_column(DateTime)  # when the figures were last set
    # Plausibility review: ok (never flagged), pending (held out of every total until HR
    # decides), approved, rejected (held out for good). Only ok and approved count.
    review: Mapped[str] = mapped_column(String(12), default="ok", server_default="ok")
    review_reasons: Mapped[str | None] = mapped_column(String(200))  # comma-separated reason codes
    reviewed_by: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AnalyticsImport(Base):
    """One platform analytics export imported for a person: which file, when, by whom, and what
    it did. Contributions whose figures came from it point here (their provenance)."""

    __tablename__ = "analytics_imports"
    __table_args__ = (Index("ix_analytics_imports_user", "user_id", "imported_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE")
    imported_by: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    platform: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    impressions: Mapped[int | None] = mapped_column(BigInteger)  # the period's total (DISCOVERY)
    members_reached: Mapped[int | None] = mapped_column(BigInteger)
    posts: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[int] = mapped_column(Integer, default=0)


class PlatformDay(Base):
    """A person's daily totals on a platform, as its analytics export gives them (all posts)."""

    __tablename__ = "platform_days"
    __table_args__ = {"sqlite_with_rowid": False}
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    impressions: Mapped[int | None] = mapped_column(BigInteger)
    engagements: Mapped[int | None] = mapped_column(BigInteger)
    analytics_import_id: Mapped[int | None] = _fk("analytics_imports.id", ondelete="SET NULL")


class CustomerSignal(Base):
    """A customer win or loss an ambassador surfaced, followed to a resolution."""

    __tablename__ = "customer_signals"
    __table_args__ = (
        CheckConstraint("signal_type IN ('win', 'loss')", name="ck_signal_type"),
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'resolved')", name="ck_signal_status"
        ),
        CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="ck_signal_value"),
        Index("ix_signals_reported", "reported_at"),
        Index("ix_signals_status", "status", "ack_due_at"),
        Index("ix_signals_reporter", "reporter_id"),
        Index("ix_signals_owner", "owner_id"),
        Index("ix_signals_dept_reported", "department_id", "reported_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = _fk("users.id", ondelete="CASCADE")
    department_id: Mapped[int | None] = _fk("departments.id", ondelete="SET NULL")
    signal_type: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(2000))
    estimated_value: Mapped[float | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    resolution: Mapped[str | None] = mapped_column(String(8))
    owner_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    owner_team: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ack_due_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Optimistic locking: an edit based on a stale version is refused, not silently applied.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class SignalEvent(Base):
    """One status change or comment on a signal's thread (append-only)."""

    __tablename__ = "signal_events"
    __table_args__ = (Index("ix_signal_events_signal", "signal_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = _fk("customer_signals.id", ondelete="CASCADE")
    actor_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    # An assignment: the person and / or team the signal was handed to (both None otherwise).
    owner_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    owner_team: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- audit -------------------------------------------------------------------------------


class AuditEvent(Base):
    """Append-only trail: who did what, when (UTC). Never updated or deleted by the app.

    People are referenced by id only (actor_id, subject_id), never by name, so that erasing a
    person's account leaves no identifier of theirs in the trail.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_action", "action", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")
    actor: Mapped[str | None] = mapped_column(String(64))  # only for "cli" / "anonymous"
    action: Mapped[str] = mapped_column(String(48))
    subject_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")  # the person concerned
    target: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# --- rollups for the leadership overview ---------------------------------------------------
# Kept exact by database triggers on `contributions` and `customer_signals` (migration 0006;
# since 0012 contributions held for review, pending or rejected, are left out of them),
# whatever code path writes the rows; nothing in the application writes them. `department_key`
# is the department id, or 0 for rows without one. Sums count known figures only (NULL: unknown).


class ActivityDaily(Base):
    """Contributions and their known figures per day, department and platform."""

    __tablename__ = "activity_daily"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    week: Mapped[date] = mapped_column(Date)  # the Monday of `day`'s week
    contributions: Mapped[int] = mapped_column(Integer)
    impressions: Mapped[int] = mapped_column(BigInteger)
    impressions_known: Mapped[int] = mapped_column(Integer)  # contributions whose reach is known
    engagement_known: Mapped[int] = mapped_column(BigInteger)  # their reactions + comments + shares
    reactions: Mapped[int] = mapped_column(BigInteger)
    comments: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    # Migration 0012: engagement totals given without a split, and the reach from platform exports.
    engagements: Mapped[int] = mapped_column(BigInteger, default=0)
    impressions_imported: Mapped[int] = mapped_column(BigInteger, default=0)


class AmbassadorDay(Base):
    """How many contributions a person made on a day, in a department."""

    __tablename__ = "ambassador_days"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    department_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributions: Mapped[int] = mapped_column(Integer)


class AmbassadorMonth(Base):
    """The same per calendar month (`month` is its first day), so long periods read few rows."""

    __tablename__ = "ambassador_months"
    __table_args__ = {"sqlite_with_rowid": False}
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    department_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributions: Mapped[int] = mapped_column(Integer)


class SignalDaily(Base):
    """Customer signals per day of report, department, type and currency (values as reported)."""

    __tablename__ = "signal_daily"
    __table_args__ = {"sqlite_with_rowid": False}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    signal_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)  # EUR when none was given
    week: Mapped[date] = mapped_column(Date)
    signals: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Numeric(18, 2))  # sum of the known estimated values
    open_signals: Mapped[int] = mapped_column(Integer)  # not resolved yet


class SignalAck(Base):
    """One row per acknowledged signal: hours from report to acknowledgement (for the median)."""

    __tablename__ = "signal_acks"
    __table_args__ = {"sqlite_with_rowid": False}
    reported_at: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    department_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    signal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    acks: Mapped[int] = mapped_column(Integer)  # 1 (0 only transiently, while a trigger moves it)
    hours: Mapped[float] = mapped_column(Float)


class DataVersion(Base):
    """One row whose `version` changes with every committed change to what the overview shows."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC, set with `version`


# --- notifications ---------------------------------------------------------------------------


class Notification(Base):
    """One e-mail the app sent or tried to send. `dedupe_key` names what it is about (for example
    `cert_expiring:12:7`), so a message is claimed once, whatever runs it, and never sent twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_notifications_key"),
        CheckConstraint("status IN ('sending', 'sent', 'failed')", name="ck_notification_status"),
        Index("ix_notifications_created", "created_at"),
        Index("ix_notifications_user", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = _fk("users.id", ondelete="SET NULL")  # None: a team contact address
    recipient: Mapped[str | None] = mapped_column(String(254))  # cleared when the person is erased
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationOptOut(Base):
    """An optional kind of e-mail (digest, summary) a person switched off on their Account page."""

    __tablename__ = "notification_opt_outs"
    user_id: Mapped[int] = _fk("users.id", ondelete="CASCADE", primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class JobLock(Base):
    """A named lock held by one process until `expires_at`, so that scheduled jobs started on several
    replicas at once run once (taken and released by atomic UPDATEs, on SQLite and PostgreSQL)."""

    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
