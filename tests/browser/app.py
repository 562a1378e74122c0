"""The app the browser test (test_login.py) logs in to: Streamlit's own st.login("auth0").

Run by the test with `streamlit run` from the directory `tenantform render` wrote, so
`.streamlit/secrets.toml` is the rendered one. It shows every st.user item as a `key: value`
line (values JSON-encoded) so the test can read the claims, including the roles claim the
post-login Action sets.
"""

import json

import streamlit as st

st.set_page_config(page_title="tenantform browser test")

if not st.user.is_logged_in:
    st.header("Logged out")
    if st.button("Log in with Auth0"):
        st.login("auth0")
else:
    st.header("Logged in")
    st.write(f"Signed in as {st.user.email}")
    with st.container(key="claims"):
        st.text(
            "\n".join(
                f"{key}: {json.dumps(value)}" for key, value in st.user.to_dict().items()
            )
        )
    if st.button("Log out"):
        st.logout()
