"""Participation: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("participation")
st.title(tr("page.participation"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.participation"))
