"""My contributions: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("my_contributions")
st.title(tr("page.my_contributions"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.my_contributions"))
