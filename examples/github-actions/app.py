"""The dashboard: Streamlit's own login against the tenant tenants/prod.yaml describes, with the
.streamlit/secrets.toml the Procfile's start command renders."""

import streamlit as st

if not st.user.is_logged_in:
    if st.button("Log in"):
        st.login("auth0")
    st.stop()
st.write(f"Signed in as {st.user.email}")
if st.button("Log out"):
    st.logout()
