"""Stored text never becomes live markup (issue 10, item 12): a full name shown in the sidebar, and
names of people, teams and departments in the overview's plotly charts (tick labels and hover)."""

import json
import re

from sqlalchemy import update

from lib.core.db import session_scope
from lib.core.models import Department, Team, User, utcnow
from tests import leadership_org as org
from tests.apptest.conftest import signed_in

LINK = "<a href='http://127.0.0.1:9/x'>click</a>"
IMAGE = "![t](http://127.0.0.1:9/track.png)"


def test_hostile_names_are_plain_text_in_the_sidebar_and_the_charts(app_engine):
    ids = org.build(app_engine, utcnow().date())
    with session_scope(app_engine) as session:
        session.execute(update(User).values(full_name=User.full_name + " " + LINK))
        session.execute(update(User).where(User.username == "vera").values(full_name=f"Vera {IMAGE} {LINK}"))
        session.execute(update(Department).values(name=Department.name + " " + LINK))
        session.execute(update(Team).values(name=Team.name + " " + LINK))
    assert ids
    at = signed_in("vera")
    at.switch_page("pages/leadership_overview.py").run()
    assert not at.exception
    sidebar = [c.value for c in at.sidebar.caption if "Signed in as" in c.value]
    assert sidebar, "the sidebar names the person"
    name = sidebar[0].split("**")[1]  # the name inside "Signed in as **...**", as Markdown source
    assert "Vera" in name and not re.search(r"(?<!\\)[\[\]()<>!]", name), name  # every markup sign escaped
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    labels = [
        str(v)
        for spec in specs
        for trace in spec["data"]
        for key in ("x", "y", "text", "hovertext", "labels")
        for v in (trace.get(key) or [])
        if isinstance(trace.get(key), list)
    ]
    hostile = [v for v in labels if "click" in v]
    assert hostile, "the hostile names are in the charts"
    assert all("<a" not in v and "&lt;a href" in v for v in hostile), hostile[:3]
