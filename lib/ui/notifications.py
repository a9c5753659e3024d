"""The Notifications screen (HR): what is sent and when, a preview of each message in both
languages, the log of what was sent, a test e-mail; and the optional e-mails on the Account page."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from lib.activity import signals
from lib.core.config import ConfigError
from lib.core.i18n import t
from lib.core.models import utcnow
from lib.notifications import dispatch, history, kinds, messages
from lib.notifications.kinds import ANY_TEAM, KINDS, OPTIONAL, Choice
from lib.notifications.smtp import EMAIL_RE, base_url, describe, load_smtp
from lib.people import accounts
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, signed_in, tr, write
from lib.ui.widgets import labels_of, number, when


def _smtp():
    try:
        return load_smtp(), None
    except ConfigError as exc:
        return None, str(exc)


def status() -> None:
    """Whether e-mail goes out at all, and recent failures."""
    config, problem = _smtp()
    if problem:
        st.error(tr("notify.bad_config", reason=problem), icon=":material/error:")
    elif config is None:
        st.info(tr("notify.not_configured"), icon=":material/mail_lock:")
    else:
        st.caption(
            tr("notify.configured", host=config.host, port=config.port, sender=config.sender, base=base_url())
        )
    failures = read(history.recent_failures, utcnow())
    if failures:
        st.warning(tr("notify.failures", count=failures), icon=":material/warning:")


def _days(text: str) -> tuple[int, ...] | None:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return tuple(int(p) for p in parts) if parts and all(p.isdigit() for p in parts) else None


def settings() -> None:
    """Each kind on or off with its timing, and the team contacts for late signals."""
    current = read(lambda session, _actor: kinds.choices(session))
    contacts = read(lambda session, _actor: kinds.signal_contacts(session))
    teams = [ANY_TEAM, *read(signals.teams)]
    language = lang()
    with st.form(f"notify_settings_{language}"):
        wanted: dict[str, tuple[bool, str]] = {}
        for kind in KINDS:
            choice = current[kind.code]
            need = tr("notify.optional" if kind.optional else "notify.mandatory")
            st.markdown(f"**{tr('notify.kind.' + kind.code)}** · {need}")
            left, right = st.columns([1, 3])
            on = left.toggle(tr("notify.enabled"), value=choice.enabled, key=f"on_{kind.code}")
            timing = right.text_input(
                tr(f"notify.timing.{kind.timing}"),
                value=", ".join(map(str, choice.timing)),
                key=f"timing_{kind.code}",
            )
            wanted[kind.code] = (on, timing)
        st.subheader(tr("notify.contacts"))
        st.caption(tr("notify.contacts_help"))
        typed = {
            team: st.text_input(
                tr("notify.any_team") if team == ANY_TEAM else team,
                value=", ".join(contacts.get(team, [])),
                key=f"contacts_{team}",
            )
            for team in teams
        }
        if st.form_submit_button(tr("notify.save"), type="primary"):
            _save(wanted, typed)


def _save(wanted: dict[str, tuple[bool, str]], typed: dict[str, str]) -> None:
    parsed = {code: (on, _days(text)) for code, (on, text) in wanted.items()}
    if bad := [code for code, (_, days) in parsed.items() if days is None]:
        for code in bad:
            st.error(tr("notify.bad_number", kind=tr(f"notify.kind.{code}")))
        return
    choices = {code: Choice(on, days or ()) for code, (on, days) in parsed.items()}

    def save(session, who):
        kinds.set_choices(session, who, choices)
        kinds.set_signal_contacts(session, who, typed)

    done, _ = write(save)
    if done:
        flash(tr("notify.saved"))
        st.rerun()


def preview() -> None:
    """Each message with example values, in English and French side by side."""
    language = lang()
    codes = [k.code for k in KINDS]
    kind = st.selectbox(
        tr("notify.preview_kind"),
        codes,
        format_func=labels_of(codes, lambda c: tr(f"notify.kind.{c}")),
        key=f"preview_{language}",
    )
    st.caption(tr("notify.preview_help"))
    for column, shown in zip(st.columns(2), ("en", "fr"), strict=True):
        written = messages.write(messages.sample(kind, shown, "Camille Martin"), base_url())
        with column.container(border=True):
            st.caption("English" if shown == "en" else "Français")
            st.markdown(
                f"**{t('notify.subject', shown)}\u00a0:** {written.subject}"
                if shown == "fr"
                else f"**{t('notify.subject', shown)}:** {written.subject}"
            )
            st.text(written.text)


def sent_log() -> None:
    """The log, filtered by kind, status and period; exported as CSV or Excel."""
    language = lang()
    codes = [k.code for k in KINDS]
    left, middle, right = st.columns([3, 2, 2])
    chosen = left.multiselect(
        tr("notify.filter_kinds"),
        codes,
        format_func=labels_of(codes, lambda c: tr(f"notify.kind.{c}")),
        key=f"log_kinds_{language}",
    )
    statuses = middle.multiselect(
        tr("notify.filter_status"),
        list(history.STATUSES),
        format_func=labels_of(history.STATUSES, lambda s: tr(f"notify.status.{s}")),
        placeholder=tr("notify.all"),
        key=f"log_status_{language}",
    )
    today = utcnow().date()
    period = right.date_input(
        tr("notify.filter_period"),
        value=(today - timedelta(days=30), today),
        max_value=today,
        format="DD/MM/YYYY" if language == "fr" else "YYYY-MM-DD",
        key=f"log_period_{language}",
    )
    if not isinstance(period, tuple) or len(period) != 2:
        return
    df = read(history.log, kinds=chosen, statuses=statuses, start=period[0], end=period[1])
    if df.empty:
        st.info(tr("notify.log_empty"))
        return
    df["kind"] = [tr(f"notify.kind.{k}") for k in df["kind"]]
    df["status"] = [tr(f"notify.status.{s}") for s in df["status"]]
    st.caption(tr("notify.log_count", count=number(len(df))))
    shown = df.assign(
        created=[when(v) for v in df["created"]], sent=[when(v) if v else "—" for v in df["sent"]]
    )
    st.dataframe(_labelled(shown), hide_index=True, use_container_width=True)
    download_buttons(_labelled(df), "porte-voix_notifications", "notifications.log")


def _labelled(df):
    return df.rename(columns={c: tr(f"notify.col.{c}") for c in df.columns})


def test_email() -> None:
    """Send one message now, to check the server settings."""
    config, _ = _smtp()
    address = st.text_input(
        tr("notify.test_address"), value=read(accounts.profile)["email"], key="notify_test_address"
    )
    clicked = st.button(
        tr("notify.test_send"), disabled=config is None, icon=":material/send:", key="notify_test"
    )
    if clicked and config is not None:
        if not EMAIL_RE.match(address.strip()):
            st.error(tr("notify.error.address"))
            return
        try:
            dispatch.send_test(config, base_url(), address.strip(), lang(), signed_in())
        except Exception as error:  # noqa: BLE001 - the reason is shown to HR and logged
            st.error(tr("notify.test_failed", reason=describe(error)))
        else:
            st.success(tr("notify.test_sent", address=address.strip()))


def my_optional_emails() -> None:
    """Account page: the optional e-mails a person receives."""
    st.subheader(tr("notify.account_title"))
    st.caption(tr("notify.account_help"))
    off = set(read(history.my_switched_off))
    with st.form("my_emails"):
        keep = {
            code: st.checkbox(tr(f"notify.kind.{code}"), value=code not in off, key=f"mine_{code}")
            for code in OPTIONAL
        }
        if st.form_submit_button(tr("notify.account_save")):
            done, _ = write(kinds.set_opt_outs, signed_in().id, {c for c, on in keep.items() if not on})
            if done:
                flash(tr("notify.account_saved"))
                st.rerun()
