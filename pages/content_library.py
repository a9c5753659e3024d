"""Content library: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("content_library")
st.title(tr("page.content_library"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.content_library"))
