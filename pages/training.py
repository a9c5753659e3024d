"""Training: modules (lessons, quiz, explanations), posting guidelines, certificate; HR assignments."""

import streamlit as st

from lib.core.permissions import can
from lib.training import academy
from lib.ui import training, training_hr
from lib.ui.shell import guard, read, show_flash, tr

who = guard("training")
st.title(tr("page.training"))
show_flash()
me = read(academy.overview)
training.header(me)
names = [tr("training.tab.modules"), tr("training.tab.guidelines"), tr("training.tab.certificate")]
if can(who, "training.assign"):
    names.append(tr("training.tab.hr"))
views = [
    lambda: training.modules_view(me),
    lambda: training.guidelines_view(me),
    lambda: training.certificate_view(me, who),
    training_hr.hr_view,
]
# Keyed and tracked, the selected tab survives reruns; only the open one is computed.
for tab, view in zip(st.tabs(names, key="training_tab", on_change="rerun"), views, strict=False):
    if tab.open:
        with tab:
            view()
