"""Training: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("training")
st.title(tr("page.training"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.training"))
