"""Leadership overview: live key figures and charts for a period and a scope, and a board report.

The period and scope live in the URL (`?period=last_90&department=3`, or `period=custom&from=…&to=…`),
so a view can be bookmarked and shared.
"""

import streamlit as st

from lib.core.permissions import can
from lib.ui import leadership_overview
from lib.ui.shell import guard, show_flash, tr

who = guard("leadership_overview")
st.title(tr("page.leadership_overview"))
show_flash()
view, scope_name = leadership_overview.view_controls()
leadership_overview.live(view, scope_name)
if can(who, "overview.configure"):
    leadership_overview.rates_form()
