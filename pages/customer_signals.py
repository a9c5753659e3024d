"""Customer signals: announced screen (built by a later issue)."""

import streamlit as st

from lib.ui import guard, tr

guard("customer_signals")
st.title(tr("page.customer_signals"))
st.info(tr("placeholder.coming"), icon=":material/construction:")
st.markdown(tr("placeholder.customer_signals"))
