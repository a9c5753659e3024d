"""Leadership overview: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("leadership_overview")
st.title(tr("page.leadership_overview"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.leadership_overview"))
