"""Customer signals sections: report a win or a loss, the lists (mine, assigned to me, all), one
signal's details, thread and actions, and the handlers' settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.activity import signals
from lib.core import formatting as fmt
from lib.core.vocab import CURRENCIES, PLATFORMS, SIGNAL_STATUSES, SIGNAL_TYPES
from lib.ui.downloads import download_buttons
from lib.ui.shell import flash, lang, read, tr, write
from lib.ui.widgets import is_web_link, labels_of, number, plain, vocab, vocab_labels, zone


def team_name(name) -> str:
    """A team as the interface names it: the default teams translated, HR's own as typed."""
    return "—" if not name else plain(signals.team_label(name, lang()))


def amount(value, currency) -> str:
    """An estimated value with its currency, in the language's format ("€45,000" / «45 000 €»)."""
    return "—" if value is None or pd.isna(value) else fmt.money(float(value), lang(), currency or "EUR")


def when(moment) -> str:
    """A date-time in the viewer's zone, the zone named: «1 déc. 2026, 14:05 (Europe/Paris)»."""
    return fmt.date_time(moment, lang(), zone())


def done(message_key: str, **params) -> None:
    flash(tr(message_key, **params))
    st.rerun()


# --- report a signal ---------------------------------------------------------------------


def report_form() -> None:
    generation = st.session_state.setdefault("signal_form_generation", 0)
    key = f"signal_new_{lang()}_{generation}"  # per language: no stale translated label stays selected
    signal_type = st.segmented_control(
        tr("field.signals.signal_type"),
        SIGNAL_TYPES,
        format_func=vocab_labels(),
        default="win",
        required=True,
        key=f"{key}_type",
    )
    teams = read(signals.teams)
    with st.form(key):
        c1, c2 = st.columns(2)
        values: dict[str, object] = {
            "signal_type": signal_type,
            "category": c1.selectbox(
                tr("field.signals.category"),
                signals.CATEGORIES[signal_type],
                format_func=vocab_labels(),
                key=f"{key}_category",
            ),
            "customer_name": c2.text_input(tr("field.signals.customer_name"), key=f"{key}_customer"),
            "platform": c1.selectbox(
                tr("field.signals.platform"),
                PLATFORMS,
                index=None,
                format_func=vocab_labels(),
                placeholder="—",
                key=f"{key}_platform",
            ),
            "url": c2.text_input(tr("field.signals.url"), placeholder="https://", key=f"{key}_url"),
        }
        c1, c2, c3 = st.columns([2, 1, 3])
        values["estimated_value"] = c1.number_input(
            tr("field.signals.estimated_value"), min_value=0.0, step=100.0, value=None, key=f"{key}_value"
        )
        values["currency"] = c2.selectbox(tr("field.signals.currency"), CURRENCIES, key=f"{key}_currency")
        values["owner_team"] = c3.selectbox(
            tr("field.signals.owner_team"),
            teams,
            index=None,
            format_func=labels_of(teams, team_name),
            placeholder=tr("signals.team_unknown"),
            key=f"{key}_team",
        )
        values["description"] = st.text_area(
            tr("field.signals.description"), placeholder=tr("signals.describe"), key=f"{key}_description"
        )
        submitted = st.form_submit_button(tr("signals.report_submit"), type="primary")
    if submitted:
        if values["estimated_value"] is not None:
            values["estimated_value"] = f"{values['estimated_value']:.2f}"
        ok, signal = write(signals.report_signal, **values)
        if ok:
            st.session_state["signal_form_generation"] = generation + 1
            done("signals.reported", id=signal.id, hours=read(signals.ack_hours))


# --- one signal: details, thread, actions ------------------------------------------------


def seen_version(signal_id: int, current: int) -> int:
    """The version of the signal the person opened: changes apply to it, so a change someone else made
    since is refused ("changed meanwhile"), however many runs widget changes made in between. Taken
    when the signal is first shown; renewed after the person's own change or a refused one."""
    seen = st.session_state.get("signal_seen")
    if seen is None or seen[0] != signal_id:
        seen = st.session_state["signal_seen"] = (signal_id, current)
    return seen[1]


def changed(signal_id: int, ok: bool, shown: int, message_key: str, **params) -> None:
    """After a change was tried: on success confirm (the next showing starts afresh); when refused
    (someone changed the signal meanwhile), the version shown with the refusal is the one seen now."""
    if ok:
        st.session_state.pop("signal_seen", None)
        done(message_key, **params)
    st.session_state["signal_seen"] = (signal_id, shown)


def change(event: dict) -> str:
    """One line of the history: a status change (late when acknowledged after its target), a new
    owner, or nothing (a comment)."""
    if event["to_status"]:
        text = f"{vocab(event['from_status'])} → {vocab(event['to_status'])}"
        return text + (f" ({tr('signals.late')})" if event["late"] else "")
    if event["owner"] or event["owner_team"]:
        who = " · ".join(x for x in (event["owner"] or "", team_name(event["owner_team"])) if x and x != "—")
        return tr("signals.handed_to", owner=who)
    return ""


def detail_panel(signal_id: int) -> None:
    s = read(signals.signal_detail, signal_id)
    version = seen_version(signal_id, s["version"])
    st.subheader(
        tr(
            "signals.detail_title",
            id=s["id"],
            type=vocab(s["signal_type"]),
            category=vocab(s["category"]),
            customer=plain(s["customer_name"]),
        )
    )
    status = vocab(s["status"]) + (f" · {vocab(s['resolution'])}" if s["resolution"] else "")
    owner = " · ".join(x for x in (plain(s["owner"] or ""), team_name(s["owner_team"])) if x and x != "—")
    owner = owner or tr("signals.no_owner")
    value = amount(s["estimated_value"], s["currency"])
    late = f" · **{tr('signals.late')}**" if s["late"] else ""
    st.markdown(
        "  \n".join(
            [
                tr("signals.line_status", status=status, owner=owner),
                tr(
                    "signals.line_reported",
                    reporter=plain(s["reporter"] or "—"),
                    at=when(s["reported_at"]),
                    platform=vocab(s["platform"]),
                ),
                tr("signals.line_ack", due=when(s["ack_due_at"]), at=when(s["acknowledged_at"])) + late,
                tr("signals.line_value", value=value),
            ]
        )
    )
    if is_web_link(s["url"]):
        st.link_button(tr("signals.open_link"), s["url"], icon=":material/open_in_new:")
    if s["overdue"]:
        st.warning(tr("signals.overdue_one"), icon=":material/schedule:")
    with st.container(border=True):
        st.text(s["description"])

    st.markdown(f"**{tr('signals.history')}**")
    history = pd.DataFrame(
        {
            tr("signals.col.at"): [when(e["at"]) for e in s["events"]],
            tr("signals.col.by"): [e["by"] or "—" for e in s["events"]],
            tr("signals.col.change"): [change(e) for e in s["events"]],
            tr("signals.col.comment"): [e["comment"] or "" for e in s["events"]],
        }
    )
    st.dataframe(history, hide_index=True, width="stretch")

    if s["next_statuses"]:
        with st.container(border=True):
            st.markdown(f"**{tr('signals.move_title')}**")
            c1, c2 = st.columns(2)
            to_status = c1.selectbox(
                tr("signals.move_to"),
                s["next_statuses"],
                format_func=vocab_labels(),
                key=f"signal_to_{signal_id}_{lang()}",
            )
            resolution = None
            if to_status == "resolved":
                resolution = c2.selectbox(
                    tr("field.signals.resolution"),
                    s["outcomes"],
                    format_func=vocab_labels(),
                    key=f"signal_resolution_{signal_id}_{lang()}",
                )
            note = st.text_input(tr("signals.move_comment"), key=f"signal_move_note_{signal_id}")
            clicked = st.button(tr("signals.move_submit"), type="primary", key=f"signal_move_{signal_id}")
            if clicked:
                ok = write(signals.move, signal_id, version, to_status, resolution, note)[0]
                changed(signal_id, ok, s["version"], "signals.moved", status=vocab(to_status))
    if s["may_assign"]:
        with st.container(border=True):
            st.markdown(f"**{tr('signals.assign_title')}**")
            people = dict(read(signals.owner_candidates))
            teams = read(signals.teams)
            c1, c2 = st.columns(2)
            person = c1.selectbox(
                tr("field.signals.owner"),
                [None, *people],
                format_func=lambda i: people.get(i, "—"),
                index=([None, *people].index(s["owner_id"]) if s["owner_id"] in people else 0),
                key=f"signal_owner_{signal_id}",
            )
            team = c2.selectbox(
                tr("field.signals.owner_team"),
                [None, *teams],
                format_func=labels_of([None, *teams], team_name),
                index=([None, *teams].index(s["owner_team"]) if s["owner_team"] in teams else 0),
                key=f"signal_team_{signal_id}",
            )
            clicked = st.button(tr("signals.assign_submit"), key=f"signal_assign_{signal_id}")
            if clicked:
                ok = write(signals.assign, signal_id, version, person, team)[0]
                changed(signal_id, ok, s["version"], "signals.assigned")
    with st.form(f"signal_comment_{signal_id}"):  # cleared once saved, kept when the save fails
        text = st.text_area(tr("signals.comment_label"), key=f"signal_comment_text_{signal_id}")
        clicked = st.form_submit_button(tr("signals.comment_submit"))
        if clicked and write(signals.add_comment, signal_id, text)[0]:
            del st.session_state[f"signal_comment_text_{signal_id}"]
            done("signals.commented")


# --- lists -------------------------------------------------------------------------------


OVERDUE = "background-color: #fdecea"  # an overdue signal's row


def signal_list(view: str) -> None:
    c1, c2, c3 = st.columns([1, 2, 1])
    signal_type = c1.selectbox(
        tr("field.signals.signal_type"),
        SIGNAL_TYPES,
        index=None,
        format_func=vocab_labels(),
        placeholder=tr("signals.all_types"),
        key=f"signals_{view}_type_{lang()}",
    )
    statuses = c2.multiselect(
        tr("field.signals.status"),
        SIGNAL_STATUSES,
        format_func=vocab_labels(),
        placeholder=tr("signals.all_statuses"),
        key=f"signals_{view}_statuses_{lang()}",
    )
    overdue_only = c3.toggle(tr("signals.overdue_only"), key=f"signals_{view}_overdue")
    unassigned_only = c3.toggle(tr("signals.unassigned_only"), key=f"signals_{view}_unassigned")
    filters = signals.SignalFilters(view, signal_type, tuple(statuses), overdue_only, unassigned_only)
    page = st.session_state.get(f"signals_{view}_page", 1) - 1
    rows, total, overdue = read(signals.list_signals, filters, page)
    if overdue:
        st.warning(tr("signals.overdue_many", n=overdue), icon=":material/schedule:")
    if rows.empty:
        st.info(tr(f"signals.empty_{view}"), icon=":material/info:")
        return
    pages = -(-total // signals.PAGE_SIZE)
    if pages > 1:  # never a silent cap: how many match, and the way to the others
        c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
        c1.number_input(
            tr("signals.page", pages=pages), min_value=1, max_value=pages, step=1, key=f"signals_{view}_page"
        )
        first = (min(page, pages - 1)) * signals.PAGE_SIZE
        c2.caption(
            tr("signals.paging", first=number(first + 1), last=number(first + len(rows)), total=number(total))
        )
    table = rows.assign(
        owner=[
            " · ".join(x for x in (plain(o) if isinstance(o, str) else "", team_name(t)) if x and x != "—")
            or "—"
            for o, t in zip(rows["owner"], rows["owner_team"], strict=True)
        ],
        estimated_value=[
            amount(v, c) for v, c in zip(rows["estimated_value"], rows["currency"], strict=True)
        ],
        **{
            c: rows[c].map(vocab, na_action="ignore")
            for c in ("signal_type", "category", "status", "resolution")
        },
    )
    names = {c: tr(f"signals.col.{c}") for c in table.columns}
    # The times keep their values (a click on the heading sorts them as times), written for the
    # language in the viewer's zone.
    times = {names[c]: "datetime" for c in ("reported_at", "ack_due_at")}
    shown = (
        table.rename(columns=names)
        .style.apply(
            lambda r: ["background-color: #fdecea" if r[names["overdue"]] else "" for _ in r], axis=1
        )
        .format(fmt.cell_formats(table.rename(columns=names)[list(times)], lang(), times, zone()), na_rep="—")
    )
    # Fits 1,400 px: the value next to its customer, the number and the two ticks in narrow columns.
    columns = (
        "id",
        "reported_at",
        "signal_type",
        "category",
        "customer_name",
        "estimated_value",
        "status",
        "resolution",
        "owner",
        "reporter",
        "ack_due_at",
        "overdue",
        "late",
    )
    narrow = {
        names[c]: st.column_config.Column(width="small", help=names[c]) for c in ("id", "overdue", "late")
    }
    st.caption(tr("leadership.times_in", zone=zone()))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_order=[names[c] for c in columns if not (view == "mine" and c == "reporter")],
        column_config=narrow,
    )
    export = read(signals.export_signals, filters)
    export = export.assign(
        **{
            c: export[c].map(vocab, na_action="ignore")
            for c in ("signal_type", "category", "status", "resolution")
        }
    ).rename(columns=lambda c: tr(f"signals.col.{c}"))
    download_buttons(
        export, f"signals_{view}", "signals", scope=view, key=f"signals_{view}_export", deferred=True
    )
    by_id = dict(zip(rows["id"], rows["customer_name"], strict=True))
    picked = st.selectbox(
        tr("signals.pick"),
        list(by_id),
        index=None,
        placeholder=tr("signals.pick_placeholder"),
        format_func=lambda i: f"#{i} · {by_id[i]}",
        key=f"signals_{view}_pick",
    )
    if picked is not None:
        detail_panel(picked)


def settings_panel() -> None:
    st.caption(tr("signals.settings_help"))
    with st.form("signals_settings"):
        hours = st.number_input(
            tr("field.signals.ack_hours"),
            min_value=1,
            max_value=720,
            step=1,
            value=read(signals.ack_hours),
            key="signals_settings_hours",
        )
        teams = st.text_area(
            tr("field.signals.teams"),
            value="\n".join(read(signals.teams)),
            help=tr("signals.teams_help"),
            key="signals_settings_teams",
        )
        clicked = st.form_submit_button(tr("signals.settings_submit"), type="primary")
        if clicked and write(signals.update_settings, hours, teams.splitlines())[0]:
            done("signals.settings_saved")
