"""Participation (HR, admin): the programme funnel, module completion, follow-up lists and
reminders, one person's file, and the roster with its import and departments and teams."""

from datetime import timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from lib.core import formatting as fmt
from lib.core.errors import NotFound, ValidationError
from lib.core.i18n import label
from lib.core.models import utcnow
from lib.insight import followup, participation
from lib.insight.participation import STAGES, Scope
from lib.insight.person_file import find_people, person_file
from lib.people import organisation, roster
from lib.training import assignments
from lib.training.catalogue import load_modules
from lib.ui import analytics_import as figure_sections
from lib.ui import (
    date_format,
    day,
    download_buttons,
    flash,
    guard,
    lang,
    number,
    plain,
    read,
    show_error,
    show_flash,
    standings,
    tr,
    write,
)

who = guard("participation")
L = lang()
PCT = "\u202f%" if L == "fr" else "%"
TODAY = utcnow().date()
st.title(tr("page.participation"))
show_flash()
titles = {m.slug: m.text("title", L) for m in load_modules()}
org = read(organisation.organisation)
departments = {int(r.department_id): r.department for r in org.itertuples() if pd.isna(r.team_id)}
PERCENT = st.column_config.NumberColumn(format="%.0f %%")
LEADERBOARD_TOP = 10
EAGER_EXPORT_ROWS = 1000  # larger tables make their files when clicked (10,000 rows of Excel take seconds)


def cols(**keys: str) -> dict[str, str]:
    """{column: its label}, from {column: i18n key}."""
    return {column: tr(key) for column, key in keys.items()}


def table(
    df: pd.DataFrame,
    labels: dict[str, str],
    filename: str,
    what: str,
    scope: str = "",
    config: dict | None = None,
) -> None:
    """Show `df`'s columns named in `labels` under those labels, with CSV and Excel downloads."""
    shown = df[list(labels)].rename(columns=labels)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={labels[c]: v for c, v in (config or {}).items()},
    )
    download_buttons(
        shown, filename, what, scope, key=f"{filename}_export", deferred=len(shown) > EAGER_EXPORT_ROWS
    )


def safe_read(fn, *args):
    """`read`, showing a domain error (bad period, unknown scope) and stopping the tab."""
    try:
        return read(fn, *args)
    except (ValidationError, NotFound) as exc:
        show_error(exc)
        st.stop()


# --- scope ------------------------------------------------------------------------------------

c1, c2 = st.columns(2)
ALL = 0  # the option for the whole company, or for every team of the department


def choose(column, label: str, options: dict, key: str, **kwargs) -> int | None:
    """A scope selectbox; its widget is per language (the "all" option's label changes) and the
    choice is kept across a change of language under `key`."""
    keep = st.session_state.get(key, ALL)
    choice = column.selectbox(
        label,
        list(options),
        index=list(options).index(keep) if keep in options else 0,
        format_func=options.get,
        key=f"{key}_{L}",
        **kwargs,
    )
    st.session_state[key] = choice
    return choice or None


dept = choose(
    c1,
    tr("participation.scope.department"),
    {ALL: tr("participation.scope.company"), **departments},
    "part_department",
)
team_names = {
    int(r.team_id): r.team for r in org.itertuples() if r.department_id == dept and pd.notna(r.team_id)
}
team = choose(
    c2,
    tr("participation.scope.team"),
    {ALL: tr("participation.scope.all_teams"), **team_names},
    f"part_team_{dept}",
    disabled=dept is None,
)
scope = Scope(dept, team)
scope_label = team_names[team] if team else departments[dept] if dept else tr("participation.scope.company")
group_label = tr("field.department") if scope.kind == "company" else tr("field.team")
group_word = tr(f"participation.group.{'department' if scope.kind == 'company' else 'team'}")  # in a sentence


def group_names(df: pd.DataFrame) -> pd.Series:
    none = tr("participation.no_department" if scope.kind == "company" else "participation.no_team")
    return df["group"].fillna(none)


def hidden_note(df: pd.DataFrame, minimum: int) -> pd.Series:
    return df["hidden"].map(
        lambda h: tr(f"participation.hidden.{h}", n=minimum) if isinstance(h, str) else ""
    )


# --- overview: the funnel ---------------------------------------------------------------------


def leaderboard(start, end) -> None:
    """The top ambassadors of the period, company-wide; those who opted out stay anonymous."""
    st.subheader(tr("participation.leaderboard"))
    if not st.toggle(tr("participation.leaderboard_show"), key="part_leaderboard"):
        return
    top = standings(start, end).for_person(who.id, LEADERBOARD_TOP)
    top = top[top["rank"] <= LEADERBOARD_TOP]
    if top.empty:
        st.info(tr("participation.leaderboard_empty"), icon=":material/emoji_events:")
        return
    st.caption(tr("participation.leaderboard_caption", n=LEADERBOARD_TOP))
    names = top["name"].fillna(tr("recognition.anonymous"))
    table(
        top.assign(name=names),
        cols(
            rank="recognition.col.rank",
            name="recognition.col.name",
            team="recognition.col.team",
            points="recognition.col.points",
        ),
        "participation_leaderboard",
        "participation.leaderboard",
        f"{start}/{end}",
    )


def overview_tab() -> None:
    period = st.date_input(
        tr("participation.period"),
        value=(TODAY - timedelta(days=29), TODAY),
        max_value=TODAY,
        key="part_period",
        format=date_format(),
    )
    if len(period) != 2:
        st.info(tr("participation.period_incomplete"), icon=":material/date_range:")
        return
    f = safe_read(participation.funnel, scope, *period)
    st.caption(
        tr(
            "participation.funnel_caption",
            start=day(period[0]),
            end=day(period[1]),
            days=participation.ACTIVE_DAYS,
        )
    )
    if f.hidden:
        st.info(tr("participation.hidden_scope", n=f.min_group_size), icon=":material/visibility_off:")
        return
    if not f.stages["people"].iloc[0]:
        st.info(tr("participation.empty"), icon=":material/group_add:")
        return
    stage_names = [tr(f"participation.stage.{s}") for s in STAGES]
    for column, name, row in zip(st.columns(len(STAGES)), stage_names, f.stages.itertuples()):
        share = None if pd.isna(row.share) else tr("participation.of_previous", pct=number(100 * row.share))
        column.metric(
            name,
            number(row.people),
            share,
            delta_color="off",
            delta_arrow="off",
            help=tr(f"participation.stage_help.{row.stage}", days=participation.ACTIVE_DAYS),
        )
    chart = go.Figure(
        go.Funnel(
            y=stage_names,
            x=f.stages["people"],
            text=[
                f"{number(v)} · {fmt.percent(v / p if p else None, L, 0)}"
                for v, p in zip(f.stages["people"], [f.stages["people"].iloc[0], *f.stages["people"][:-1]])
            ],
            textinfo="text",
            marker={"color": "#3b6e9e"},
            connector={"line": {"color": "#cbd5e1"}},
        )
    )
    chart.update_layout(
        height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, separators=fmt.plotly_separators(L)
    )
    st.plotly_chart(chart, width="stretch", key="part_funnel_chart")
    stages = f.stages.assign(stage=stage_names, share=(f.stages["share"] * 100).round(1))
    table(
        stages,
        cols(
            stage="participation.col.stage",
            people="participation.col.people",
            share="participation.col.share_previous",
        ),
        "participation_funnel",
        "participation.funnel",
        scope_label,
        {"share": PERCENT},
    )

    st.subheader(tr("participation.by_group", group=group_word))
    groups = f.groups.assign(group=group_names(f.groups), note=hidden_note(f.groups, f.min_group_size))
    table(
        groups,
        {"group": group_label}
        | cols(
            workforce="participation.stage.workforce",
            started="participation.stage.started",
            certified="participation.stage.certified",
            active="participation.stage.active",
            signal="participation.stage.signal",
            note="participation.col.note",
        ),
        "participation_funnel_by_group",
        "participation.funnel_groups",
        scope_label,
    )
    st.caption(tr("participation.privacy_caption", n=f.min_group_size))
    leaderboard(*period)
    settings_form()


def settings_form() -> None:
    current = read(participation.settings)
    with st.expander(tr("participation.settings"), icon=":material/tune:"), st.form("part_settings"):
        c1, c2 = st.columns(2)
        minimum = c1.number_input(
            tr("field.participation.min_group_size"),
            min_value=2,
            max_value=100,
            step=1,
            value=current.min_group_size,
            help=tr("participation.min_group_help"),
        )
        days = c2.number_input(
            tr("field.participation.new_joiner_days"),
            min_value=7,
            max_value=365,
            step=1,
            value=current.new_joiner_days,
            help=tr("participation.new_joiner_help"),
        )
        if (
            st.form_submit_button(tr("participation.settings_save"))
            and write(participation.save_settings, int(minimum), int(days))[0]
        ):
            flash(tr("participation.settings_saved"))
            st.rerun()


# --- completion -------------------------------------------------------------------------------


def completion_tab() -> None:
    c = safe_read(participation.completion, scope)
    st.caption(tr("participation.completion_caption"))
    if c.hidden:
        st.info(tr("participation.hidden_scope", n=c.min_group_size), icon=":material/visibility_off:")
    elif not c.by_module["workforce"].iloc[0]:
        st.info(tr("participation.empty"), icon=":material/group_add:")
    else:
        st.subheader(tr("participation.by_module"))
        by_module = c.by_module.assign(
            module=c.by_module["module"].map(titles), share=(c.by_module["share"] * 100).round(1)
        )
        table(
            by_module,
            cols(
                module="participation.col.module",
                required="participation.col.required",
                passed="participation.col.passed",
                workforce="participation.stage.workforce",
                share="participation.col.share_passed",
            ),
            "completion_by_module",
            "participation.completion_modules",
            scope_label,
            {"share": PERCENT},
        )
        heatmap(c)
    st.subheader(tr("participation.renew"))
    st.caption(tr("participation.renew_caption"))
    people_list(
        "renew",
        cols(
            outdated_modules="participation.col.outdated_modules",
            certificate_expires="participation.col.certificate_expires",
            expired="participation.col.expired",
            guidelines_changed="participation.col.guidelines_changed",
        ),
    )


def heatmap(c) -> None:
    st.subheader(tr("participation.heatmap", group=group_word))
    groups = c.by_group.assign(group=group_names(c.by_group))
    modules = list(c.by_module["module"])
    shown = groups[groups["hidden"].isna()]
    if not shown.empty:
        # Modules down the side (their titles are long), groups across the top.
        z = (shown[modules].astype("float64").T * 100).round(0)
        figure = px.imshow(
            z.values,
            x=list(shown["group"]),
            y=[titles[m] for m in modules],
            zmin=0,
            zmax=100,
            aspect="auto",
            color_continuous_scale="Blues",
            labels={
                "x": group_label,
                "y": tr("participation.col.module"),
                "color": tr("participation.col.share_passed"),
            },
        )
        figure.update_traces(
            texttemplate="%{z:.0f}" + PCT, hovertemplate="%{y} · %{x}: %{z:.0f}" + PCT + "<extra></extra>"
        )
        figure.update_xaxes(side="top", title=None)
        figure.update_yaxes(title=None)
        figure.update_layout(
            height=120 + 40 * len(modules),
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            coloraxis_colorbar={"ticksuffix": PCT, "title": {"side": "right"}},
            separators=fmt.plotly_separators(L),
        )
        st.plotly_chart(figure, width="stretch", key="part_heatmap")
    for reason in (participation.SMALL, participation.COMPLEMENT):
        names = groups.loc[groups["hidden"] == reason, "group"]
        if len(names):
            st.caption(
                tr(
                    f"participation.hidden_list.{reason}",
                    n=c.min_group_size,
                    groups=", ".join(map(plain, names)),
                )
            )
    data = groups.assign(
        note=hidden_note(groups, c.min_group_size), **{m: (groups[m] * 100).round(1) for m in modules}
    )
    with st.expander(tr("participation.heatmap_data")):
        labels = {"group": group_label, "workforce": tr("participation.stage.workforce")}
        labels |= {m: tr("participation.col.module_share", module=titles[m]) for m in modules}
        table(
            data,
            labels | cols(note="participation.col.note"),
            "completion_by_group",
            "participation.completion_groups",
            scope_label,
            dict.fromkeys(modules, PERCENT),
        )


# --- follow-up lists and reminders ------------------------------------------------------------

PERSON_COLUMNS = {
    "full_name": "field.full_name",
    "email": "field.email",
    "department": "field.department",
    "team": "field.team",
}


def people_list(which: str, extra: dict[str, str]) -> pd.DataFrame:
    df = safe_read(followup.follow_up, scope, which)
    if df.empty:
        st.success(tr(f"participation.list_empty.{which}"), icon=":material/task_alt:")
    else:
        if "module" in df:
            df = df.assign(module=df["module"].map(titles))
        st.caption(tr("participation.list_count", n=len(df)))
        table(
            df,
            cols(**PERSON_COLUMNS) | extra,
            f"participation_{which}",
            f"participation.{which}",
            scope_label,
        )
    return df


def follow_up_tab() -> None:
    st.caption(tr("participation.follow_up_caption", date=day(TODAY)))
    lists = {}
    st.subheader(tr("participation.overdue"))
    lists["overdue"] = people_list(
        "overdue",
        cols(
            module="participation.col.module",
            due_on="participation.col.due_on",
            days_late="participation.col.days_late",
        ),
    )
    st.subheader(tr("participation.inactive", days=participation.ACTIVE_DAYS))
    lists["inactive"] = people_list("inactive", cols(last_contribution="participation.col.last_contribution"))
    st.subheader(tr("participation.new_joiners"))
    st.caption(tr("participation.new_joiners_caption", days=read(participation.settings).new_joiner_days))
    lists["new_joiners"] = people_list(
        "new_joiners",
        cols(
            start_date="participation.col.start_date", days_since_start="participation.col.days_since_start"
        ),
    )
    reminders(lists)
    st.subheader(tr("participation.assign"))
    if who.has("hr"):
        st.page_link(
            "pages/training.py", label=tr("participation.assign_link"), icon=":material/assignment_add:"
        )
        st.caption(tr("participation.assign_caption"))
    else:
        st.caption(tr("participation.assign_hr_only"))


def reminders(lists: dict[str, pd.DataFrame]) -> None:
    st.subheader(tr("participation.reminder"))
    names = {w: tr(f"participation.list.{w}", n=df["email"].nunique()) for w, df in lists.items()}
    which = st.radio(
        tr("participation.reminder_list"),
        list(names),
        horizontal=True,
        key="part_reminder",
        format_func=names.get,
    )
    addresses = sorted(set(lists[which]["email"]))
    if not addresses:
        st.caption(tr("participation.reminder_empty"))
        return
    link = followup.mailto(
        addresses, tr(f"participation.mail_subject.{which}"), tr(f"participation.mail_body.{which}")
    )
    if link:
        st.link_button(tr("participation.reminder_open", n=len(addresses)), link, icon=":material/mail:")
    else:
        st.caption(tr("participation.reminder_too_long", n=len(addresses)))
    st.caption(tr("participation.reminder_copy"))
    st.code(", ".join(addresses), language=None, wrap_lines=True)


# --- one person -------------------------------------------------------------------------------


def people_tab() -> None:
    text = st.text_input(
        tr("participation.person_search"),
        key="part_search",
        placeholder=tr("participation.person_search_hint"),
    )
    if not text.strip():
        st.info(tr("participation.person_intro"), icon=":material/person_search:")
        return
    left = f" ({tr('participation.left')})"
    found = {
        p["id"]: f"{p['full_name']} · {p['email']}" + ("" if p["is_active"] else left)
        for p in read(find_people, text)
    }
    if not found:
        st.info(tr("participation.person_none"), icon=":material/search_off:")
        return
    picked = st.selectbox(
        tr("participation.person_pick"), list(found), key="part_person", format_func=found.get
    )
    person(picked)


def person(user_id: int) -> None:
    p = safe_read(person_file, user_id)
    me = p.profile
    left = tr("participation.left_on", date=day(me["left_on"])) if me["left_on"] else tr("participation.left")
    shown = {
        k: plain(v) if v else "—"
        for k, v in me.items()
        if k in ("department", "team", "manager", "job_title")
    }
    st.markdown(
        "  \n".join(
            [
                f"**{plain(me['full_name'])}** · {plain(me['email'])} · `{me['username']}`"
                + ("" if me["active"] else f" · {left}"),
                tr(
                    "participation.person_line",
                    department=shown["department"],
                    team=shown["team"],
                    manager=shown["manager"],
                    job=shown["job_title"],
                    start=day(me["start_date"]) if me["start_date"] else "—",
                    roles=", ".join(label(r, L) for r in me["roles"]),
                ),
            ]
        )
    )
    required = p.modules[p.modules["required"]]
    points, rank = standings(TODAY - timedelta(days=participation.ACTIVE_DAYS - 1), TODAY).of(user_id)
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(
        tr("participation.person_certified"),
        tr("participation.yes") if p.certified else tr("participation.no"),
    )
    c2.metric(
        tr("participation.person_modules"), f"{(required['status'] == 'passed').sum()} / {len(required)}"
    )
    c3.metric(
        tr("participation.person_contributions"),
        number(p.contributions["total"]),
        tr("participation.person_recent", n=p.contributions["recent"], days=participation.ACTIVE_DAYS),
        delta_color="off",
        delta_arrow="off",
    )
    c4.metric(tr("participation.person_signals"), number(p.signal_count))
    c5.metric(
        tr("participation.person_points", days=participation.ACTIVE_DAYS),
        number(points),
        None if rank is None else tr("participation.person_rank", rank=rank),
        delta_color="off",
        delta_arrow="off",
        help=tr("participation.person_points_help"),
    )
    slug = me["username"]
    st.subheader(tr("participation.person_training"))
    modules = p.modules.assign(
        module=p.modules["module"].map(titles),
        status=p.modules["status"].map(lambda s: tr(f"training.status.{s}")),
    )
    table(
        modules,
        cols(
            module="participation.col.module",
            version="participation.col.version",
            status="participation.col.status",
            passed_at="participation.col.passed_at",
            attempts="participation.col.attempts",
            attempts_to_pass="participation.col.attempts_to_pass",
            best_score="participation.col.best_score",
            due_on="participation.col.due_on",
        ),
        f"training_{slug}",
        "participation.person_training",
        slug,
    )
    st.subheader(tr("participation.person_certificates"))
    if p.certificates.empty:
        st.caption(tr("participation.person_no_certificate"))
    else:
        table(
            p.certificates,
            cols(
                issued_at="participation.col.issued_at",
                expires_at="participation.col.expires_at",
                policy_version="participation.col.policy_version",
            ),
            f"certificates_{slug}",
            "participation.person_certificates",
            slug,
        )
    st.subheader(tr("participation.person_activity"))
    if p.platforms.empty:
        st.caption(tr("participation.person_no_contribution"))
    else:
        st.caption(tr("participation.person_last", date=day(p.contributions["last"])))
        table(
            p.platforms.assign(platform=p.platforms["platform"].map(lambda c: label(c, L))),
            cols(
                platform="participation.col.platform",
                contributions="participation.col.contributions",
                impressions="participation.col.impressions",
                engagement="participation.col.engagement",
                impressions_imported="participation.col.impressions_imported",
                held="participation.col.held",
            ),
            f"contributions_{slug}",
            "participation.person_contributions",
            slug,
        )
    if not p.imports.empty:
        st.markdown(f"**{tr('analytics.history')}**")
        table(
            p.imports.assign(platform=p.imports["platform"].map(lambda c: label(c, L))),
            cols(**{c: f"analytics.col.{c}" for c in p.imports.columns}),
            f"analytics_imports_{slug}",
            "participation.person_imports",
            slug,
        )
    st.subheader(tr("participation.person_signals"))
    if p.signals.empty:
        st.caption(tr("participation.person_no_signal"))
    else:
        signals = p.signals.assign(
            **{
                c: p.signals[c].map(lambda v: label(v, L) if v else None)
                for c in ("signal_type", "category", "status", "resolution")
            }
        )
        table(
            signals,
            cols(
                reported_at="participation.col.reported_at",
                signal_type="participation.col.signal_type",
                category="participation.col.category",
                customer_name="participation.col.customer",
                status="participation.col.status",
                resolution="participation.col.resolution",
            ),
            f"signals_{slug}",
            "participation.person_signals",
            slug,
        )
    if who.has("hr") and me["active"]:
        assign_person(user_id, me["email"])


def assign_person(user_id: int, email: str) -> None:
    with st.form(f"part_assign_{user_id}"):
        st.markdown(f"**{tr('participation.assign_person')}**")
        c1, c2 = st.columns([3, 1])
        modules = c1.multiselect(
            tr("participation.col.module"),
            list(titles),
            format_func=titles.get,
            placeholder=tr("participation.assign_pick"),
        )
        due_on = c2.date_input(
            tr("participation.col.due_on"),
            value=TODAY + timedelta(days=30),
            min_value=TODAY,
            format=date_format(),
        )
        if st.form_submit_button(tr("participation.assign_submit")):
            ok, n = write(
                assignments.create_assignments, modules=modules, scope="user", due_on=due_on, person=email
            )
            if ok:
                flash(tr("participation.assigned", n=n))
                st.rerun()


# --- roster -----------------------------------------------------------------------------------


def roster_tab() -> None:
    c1, c2 = st.columns([3, 1])
    search = c1.text_input(tr("participation.roster_search"), key="part_roster_search")
    leavers = c2.toggle(tr("participation.roster_leavers"), key="part_roster_leavers")
    people = read(organisation.roster, department_id=dept, team_id=team, include_left=leavers, search=search)
    st.caption(tr("participation.roster_count", n=number(len(people)), scope=plain(scope_label)))
    if people.empty:
        st.info(tr("participation.roster_empty"), icon=":material/upload_file:")
    else:
        roles = people["roles"].fillna("").map(lambda rs: ", ".join(label(r, L) for r in rs.split(", ") if r))
        table(
            people.assign(roles=roles),
            cols(
                **PERSON_COLUMNS,
                manager="participation.col.manager",
                job_title="participation.col.job_title",
                roles="field.roles",
                active="field.active",
                start_date="participation.col.start_date",
                left_on="participation.col.left_on",
            ),
            "roster",
            "participation.roster",
            scope_label,
        )
    import_section()
    org_section()


def import_section() -> None:
    st.subheader(tr("participation.import"))
    st.markdown(tr("participation.import_help"))
    st.warning(tr("participation.import_no_password"), icon=":material/key_off:")
    st.download_button(
        tr("participation.template"),
        roster.template(),
        file_name="roster_template.csv",
        mime="text/csv",
        icon=":material/download:",
        key="part_template",
    )
    generation = st.session_state.setdefault("part_upload_generation", 0)
    upload = st.file_uploader(tr("participation.upload"), type=["csv"], key=f"part_upload_{generation}")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        checked = read(roster.preview, data)
    except ValidationError as exc:
        show_error(exc)
        return
    if checked.problems:
        st.error(tr("participation.import_refused", n=len(checked.problems)), icon=":material/error:")
        problems = pd.DataFrame(
            {
                "row": [p.row for p in checked.problems],
                "column": [(p.field or "").removeprefix("roster.") for p in checked.problems],
                "reason": [tr(p.key, **p.params) for p in checked.problems],
            }
        )
        table(
            problems,
            cols(
                row="participation.col.row",
                column="participation.col.column",
                reason="participation.col.reason",
            ),
            "roster_problems",
            "roster.problems",
        )
        return
    st.info(
        tr("participation.import_preview", **{a: checked.count(a) for a in roster.ACTIONS}),
        icon=":material/preview:",
    )
    if checked.new_departments or checked.new_teams:
        st.caption(
            tr(
                "participation.import_new_org",
                departments=", ".join(map(plain, checked.new_departments)) or "—",
                teams=", ".join(plain(f"{d} / {t}") for d, t in checked.new_teams) or "—",
            )
        )
    changes = checked.table()
    changes = changes.assign(
        action=changes["action"].map(lambda a: tr(f"participation.action.{a}")),
        changes=changes["changes"].map(lambda cs: ", ".join(tr(f"field.roster.{c}") for c in cs)),
    )
    table(
        changes,
        cols(
            row="participation.col.row",
            action="participation.col.action",
            email="field.email",
            full_name="field.full_name",
            changes="participation.col.changes",
        ),
        "roster_preview",
        "roster.preview",
    )
    if st.button(
        tr("participation.import_commit", n=checked.changing),
        type="primary",
        key="part_import",
        disabled=not checked.changing and not checked.new_departments and not checked.new_teams,
    ):
        ok, done = write(roster.commit, data)
        if ok:
            st.session_state["part_upload_generation"] = generation + 1
            flash(tr("participation.imported", **{a: done.count(a) for a in roster.ACTIONS}))
            st.rerun()


def org_section() -> None:
    st.subheader(tr("participation.org"))
    if org.empty:
        st.info(tr("participation.org_empty"), icon=":material/account_tree:")
    else:
        table(
            org.assign(team=org["team"].fillna(tr("participation.org_whole_department"))),
            cols(department="field.department", team="field.team", people="participation.col.people"),
            "organisation",
            "participation.organisation",
        )
    teams = {int(r.team_id): f"{r.department} / {r.team}" for r in org.itertuples() if pd.notna(r.team_id)}
    left, right = st.columns(2, gap="large")
    with left:
        name_form(
            "part_new_department",
            organisation.create_department,
            "participation.org_new_department",
            "participation.org_create",
        )
    with right:
        name_form(
            "part_new_team",
            organisation.create_team,
            "participation.org_new_team",
            "participation.org_create",
            departments,
            "field.department",
        )
    with left:
        name_form(
            "part_rename_department",
            organisation.rename_department,
            "participation.org_new_name",
            "participation.org_rename",
            departments,
            "participation.org_rename_department",
        )
    with right:
        name_form(
            "part_rename_team",
            organisation.rename_team,
            "participation.org_new_name",
            "participation.org_rename",
            teams,
            "participation.org_rename_team",
        )


def name_form(
    key: str, fn, name_label: str, submit: str, choices: dict | None = None, pick_label: str = ""
) -> None:
    """A form that names something new, or renames (or adds a team to) one of `choices`."""
    with st.form(key):  # cleared once saved, kept when the save fails
        picked = None
        if choices is not None:
            picked = st.selectbox(
                tr(pick_label),
                list(choices),
                format_func=choices.get,
                index=None,
                placeholder=tr("participation.org_pick"),
                key=f"{key}_pick",
            )
        name = st.text_input(tr(name_label), key=f"{key}_name")
        if st.form_submit_button(tr(submit)):
            if choices is not None and picked is None:
                st.error(tr("participation.org_pick_first"))
            elif write(fn, *([] if choices is None else [picked]), name)[0]:
                for widget in (f"{key}_pick", f"{key}_name"):
                    st.session_state.pop(widget, None)
                flash(tr("participation.org_saved"))
                st.rerun()


TABS = {
    "overview": overview_tab,
    "completion": completion_tab,
    "follow_up": follow_up_tab,
    "people": people_tab,
    "roster": roster_tab,
    "review": figure_sections.review_section,
}
for tab, view in zip(
    st.tabs([tr(f"participation.tab.{t}") for t in TABS], key="part_tab", on_change="rerun"), TABS.values()
):
    if tab.open:
        with tab:
            view()
