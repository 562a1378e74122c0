"""A real browser logs in to a Streamlit app with Streamlit's own `st.login("auth0")`, against
the tenant `tenantform apply` made in `tenantform emulate` from tenants/dev.yaml plus a
`google-oauth2` connection (conftest.py), with the `.streamlit/secrets.toml` that
`tenantform render` wrote.

1. The invited admin (a bootstrap user of the tenant file, created without a password) sets a
   password through a password-change ticket page, logs in, sees their email and the roles
   claim of the post-login Action, and logs out.
2. An uninvited user (created with a password but no app_metadata) is turned away by the
   post-login Action: the login ends with `error=access_denied` at the callback and the app
   never shows them its content.
3. A stranger with a Google account ("Continue with Google", the emulator's page standing in
   for Google): a social connection cannot disable sign-ups, so their first login creates
   their user, and only the post-login Action keeps them out. Once an administrator invites
   them (app_metadata), the next Google login gets in.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import (
    ADMIN_EMAIL,
    APP_URL,
    CONNECTION,
    GOOGLE_CONNECTION,
    Emulator,
    ManagementApi,
    StreamlitApp,
)

# --- What the test expects of the emulator's pages: align these with src/emulator. ----------
# The password-change ticket page. `POST /api/v2/tickets/password-change {"user_id": ...}`
# answers {"ticket": URL}; GET URL answers 200 with an HTML <form> holding these password
# inputs (the confirmation one is filled when present) and a submit button; submitting it
# sets the user's password and answers a page showing TICKET_SUCCESS_TEXT.
TICKET_PASSWORD_FIELD = "password"
TICKET_CONFIRM_FIELD = "confirm_password"
TICKET_SUCCESS_TEXT = "Password changed"
# The login page (GET /authorize): a <form> with these inputs and a submit button.
LOGIN_EMAIL_FIELD = "email"
LOGIN_PASSWORD_FIELD = "password"
# "Continue with Google" on the login page (shown for a google-oauth2 connection enabled for the
# client) leads to the emulator's page standing in for Google: a <form> with these inputs and a
# submit button, which signs the typed account in and goes on to the callback.
GOOGLE_BUTTON = "Continue with Google"
GOOGLE_STAND_IN_PATH = "/emulator/social-login"
GOOGLE_EMAIL_FIELD = "email"
GOOGLE_NAME_FIELD = "name"
# The claim actions/post-login-verification.js sets: its namespace is the origin of the
# redirect_uri (http://localhost:8501/oauth2callback).
ROLES_CLAIM = f"{APP_URL}/claims/roles"
# -----------------------------------------------------------------------------------------------

# What tests/browser/app.py shows.
LOGGED_IN_HEADING = "Logged in"
LOGGED_OUT_HEADING = "Logged out"
LOGIN_BUTTON = "Log in with Auth0"
LOGOUT_BUTTON = "Log out"

ADMIN_PASSWORD = "Browser-Test-Admin-2026!"
STRANGER_EMAIL = "stranger@example.com"
STRANGER_PASSWORD = "Browser-Test-Stranger-2026!"
GOOGLE_STRANGER_EMAIL = "stranger@gmail.example"
GOOGLE_STRANGER_NAME = "Google Stranger"

# Generous for a cold CI machine (first Streamlit script run, first RSA key of the emulator).
PAGE_TIMEOUT_MS = 60_000


class Navigations:
    """Every URL the page's main frame requested, redirects included, in order."""

    def __init__(self, page: Page):
        self.urls: list[str] = []
        page.on(
            "request",
            lambda r: self.urls.append(r.url)
            if r.is_navigation_request() and r.frame == page.main_frame
            else None,
        )

    def __str__(self) -> str:
        return "\n".join(f"  {i + 1}. {url}" for i, url in enumerate(self.urls)) or "  (none)"


def page_text(page: Page, limit: int = 1500) -> str:
    try:
        text = page.locator("body").inner_text(timeout=5_000)
    except Exception as e:  # a page mid-navigation or without a body
        text = f"(could not read the page: {e})"
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    return text if len(text) <= limit else text[:limit] + "..."


def seen(page: Page, navigations: Navigations | None = None, app: StreamlitApp | None = None) -> str:
    """What the browser shows, for failure messages."""
    parts = [f"URL: {page.url}", f"page text:\n{page_text(page)}"]
    if navigations is not None:
        parts.append(f"navigations:\n{navigations}")
    if app is not None:
        parts.append(app.process.output())
    return "\n".join(parts)


@contextmanager
def screenshot_on_failure(page: Page, artifacts: Path, name: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        try:
            page.screenshot(path=str(artifacts / f"{name}-failure.png"), full_page=True)
        except Exception:
            pass
        raise


def submit(form) -> None:
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first.click()


def set_password_via_ticket_page(page: Page, mgmt: ManagementApi, user_id: str, password: str) -> None:
    """As an invited user does: open the password-change ticket and choose a password."""
    ticket = mgmt.call(
        "POST", "/api/v2/tickets/password-change", {"user_id": user_id}, expect=201
    )["ticket"]
    response = page.goto(ticket, timeout=PAGE_TIMEOUT_MS)
    status = response.status if response else None
    field = page.locator(f'form input[name="{TICKET_PASSWORD_FIELD}"]')
    if status != 200 or field.count() == 0:
        pytest.fail(
            f"the password-change ticket page GET {ticket} answered {status}; expected 200 and an "
            f'HTML form with input name="{TICKET_PASSWORD_FIELD}" (and "{TICKET_CONFIRM_FIELD}")\n'
            f"{seen(page)}"
        )
    form = page.locator("form").filter(
        has=page.locator(f'input[name="{TICKET_PASSWORD_FIELD}"]')
    ).first
    form.locator(f'input[name="{TICKET_PASSWORD_FIELD}"]').fill(password)
    confirm = form.locator(f'input[name="{TICKET_CONFIRM_FIELD}"]')
    if confirm.count():
        confirm.fill(password)
    submit(form)
    try:
        expect(page.get_by_text(TICKET_SUCCESS_TEXT).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    except AssertionError:
        pytest.fail(
            f'after submitting the ticket form, expected a page showing "{TICKET_SUCCESS_TEXT}"\n'
            f"{seen(page)}"
        )


def log_in(page: Page, emulator: Emulator, navigations: Navigations, email: str, password: str) -> None:
    """From the app's login button to submitting the emulator's login form."""
    page.goto(APP_URL, timeout=PAGE_TIMEOUT_MS)
    button = page.get_by_role("button", name=LOGIN_BUTTON)
    try:
        expect(button).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    except AssertionError:
        pytest.fail(f'the app shows no "{LOGIN_BUTTON}" button\n{seen(page, navigations)}')
    button.click()
    try:
        page.wait_for_url(lambda url: url.startswith(emulator.domain), timeout=PAGE_TIMEOUT_MS)
        email_field = page.locator(f'form input[name="{LOGIN_EMAIL_FIELD}"]').first
        expect(email_field).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    except (PlaywrightTimeoutError, AssertionError):
        pytest.fail(
            f"st.login did not lead to the emulator's login page ({emulator.domain}/authorize) "
            f'with an input name="{LOGIN_EMAIL_FIELD}"\n{seen(page, navigations)}'
        )
    form = page.locator("form").filter(has=page.locator(f'input[name="{LOGIN_EMAIL_FIELD}"]')).first
    form.locator(f'input[name="{LOGIN_EMAIL_FIELD}"]').fill(email)
    form.locator(f'input[name="{LOGIN_PASSWORD_FIELD}"]').fill(password)
    submit(form)


def sign_in_with_google(
    page: Page, emulator: Emulator, navigations: Navigations, email: str, name: str
) -> None:
    """From the app's login button through "Continue with Google" to submitting the page that
    stands in for Google."""
    page.goto(APP_URL, timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name=LOGIN_BUTTON).click()
    google = page.get_by_role("button", name=GOOGLE_BUTTON)
    try:
        page.wait_for_url(lambda url: url.startswith(emulator.domain), timeout=PAGE_TIMEOUT_MS)
        expect(google).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    except (PlaywrightTimeoutError, AssertionError):
        pytest.fail(
            f"the emulator's login page shows no \"{GOOGLE_BUTTON}\" button, though a "
            f"google-oauth2 connection is enabled for the app\n{seen(page, navigations)}"
        )
    google.click()
    try:
        page.wait_for_url(
            lambda url: url.startswith(emulator.domain + GOOGLE_STAND_IN_PATH),
            timeout=PAGE_TIMEOUT_MS,
        )
    except PlaywrightTimeoutError:
        pytest.fail(
            f'"{GOOGLE_BUTTON}" did not lead to the page standing in for Google '
            f"({emulator.domain}{GOOGLE_STAND_IN_PATH})\n{seen(page, navigations)}"
        )
    form = page.locator("form").filter(has=page.locator(f'input[name="{GOOGLE_EMAIL_FIELD}"]')).first
    form.locator(f'input[name="{GOOGLE_EMAIL_FIELD}"]').fill(email)
    form.locator(f'input[name="{GOOGLE_NAME_FIELD}"]').fill(name)
    submit(form)


def denied_at_callback(navigations: Navigations) -> list[str]:
    """The redirects to the app's callback that carry Auth0's `error=access_denied`."""
    callback = f"{APP_URL}/oauth2callback"
    return [
        url
        for url in navigations.urls
        if url.startswith(callback)
        and urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("error")
        == ["access_denied"]
    ]


def app_state(page: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> str | None:
    """Waits until the browser is back on the app and the app has rendered; returns
    "logged in", "logged out", or None when that did not happen in time."""
    logged_in = page.get_by_role("heading", name=LOGGED_IN_HEADING, exact=True)
    logged_out = page.get_by_role("heading", name=LOGGED_OUT_HEADING, exact=True)
    try:
        page.wait_for_url(lambda url: url.startswith(APP_URL), timeout=timeout_ms)
        expect(logged_in.or_(logged_out).first).to_be_visible(timeout=timeout_ms)
    except (PlaywrightTimeoutError, AssertionError):
        return None
    return "logged in" if logged_in.count() else "logged out"


def shown_claims(page: Page) -> dict[str, object]:
    """The `key: value` lines app.py shows for st.user (values JSON)."""
    text = page.locator(".st-key-claims").inner_text(timeout=PAGE_TIMEOUT_MS)
    claims: dict[str, object] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            try:
                claims[key.strip()] = json.loads(value)
            except json.JSONDecodeError:
                claims[key.strip()] = value
    return claims


def test_invited_admin_sets_password_logs_in_sees_roles_and_logs_out(
    browser: Browser,
    emulator: Emulator,
    mgmt: ManagementApi,
    streamlit_app: StreamlitApp,
    artifacts: Path,
) -> None:
    admin = mgmt.user_by_email(ADMIN_EMAIL)
    context = browser.new_context()
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    navigations = Navigations(page)
    try:
        with screenshot_on_failure(page, artifacts, "admin"):
            set_password_via_ticket_page(page, mgmt, admin["user_id"], ADMIN_PASSWORD)

            log_in(page, emulator, navigations, ADMIN_EMAIL, ADMIN_PASSWORD)
            state = app_state(page)
            assert state == "logged in", (
                f"the invited admin did not get into the app (state: {state})\n"
                f"{seen(page, navigations, streamlit_app)}"
            )
            page.screenshot(path=str(artifacts / "logged-in.png"), full_page=True)
            claims = shown_claims(page)
            assert claims.get("email") == ADMIN_EMAIL, (
                f"the app shows email {claims.get('email')!r}, expected {ADMIN_EMAIL!r}; "
                f"st.user: {claims}\n{seen(page, navigations)}"
            )

            # Independent checks: report both rather than stop at the first.
            problems = []
            roles = claims.get(ROLES_CLAIM)
            if not (isinstance(roles, list) and "admin" in roles):
                problems.append(
                    f"the roles claim {ROLES_CLAIM!r} is {roles!r}, expected a list with 'admin' "
                    f"(set by the post-login Action from app_metadata.roles); st.user: {claims}"
                )

            page.get_by_role("button", name=LOGOUT_BUTTON).click()
            try:
                expect(page.get_by_role("button", name=LOGIN_BUTTON)).to_be_visible(
                    timeout=PAGE_TIMEOUT_MS
                )
                page.screenshot(path=str(artifacts / "logged-out.png"), full_page=True)
            except AssertionError:
                problems.append(
                    f'after st.logout() the app shows no "{LOGIN_BUTTON}" button (not logged out)\n'
                    f"{seen(page, navigations, streamlit_app)}"
                )
            assert not problems, "\n\n".join(problems)
    finally:
        context.close()


def test_uninvited_user_is_denied_by_the_post_login_action(
    browser: Browser,
    emulator: Emulator,
    mgmt: ManagementApi,
    streamlit_app: StreamlitApp,
    artifacts: Path,
) -> None:
    mgmt.call(
        "POST",
        "/api/v2/users",
        {
            "connection": CONNECTION,
            "email": STRANGER_EMAIL,
            "password": STRANGER_PASSWORD,
            "email_verified": True,
        },
        expect=201,
    )
    context = browser.new_context()
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    navigations = Navigations(page)
    try:
        with screenshot_on_failure(page, artifacts, "stranger"):
            log_in(page, emulator, navigations, STRANGER_EMAIL, STRANGER_PASSWORD)
            # Where the login ends: Streamlit answers a callback with an error by redirecting
            # to the app, logged out. Not getting back to the app at all is recorded, not fatal:
            # the assertions below say what matters.
            state = app_state(page)
            page.screenshot(path=str(artifacts / "stranger.png"), full_page=True)
            what_was_seen = seen(page, navigations, streamlit_app)

            streamlit_cookies = [
                c["name"] for c in context.cookies() if c["name"].startswith("_streamlit_user")
            ]
            assert state != "logged in" and STRANGER_EMAIL not in page_text(page, limit=100_000), (
                f"the uninvited user {STRANGER_EMAIL} got into the app (state: {state}): the "
                "post-login Action must deny a first login of a user without app_metadata.invited "
                "or roles, ending it with a redirect to the callback carrying error=access_denied\n"
                f"{what_was_seen}"
            )
            assert not streamlit_cookies, (
                f"Streamlit set its login cookies {streamlit_cookies} for the uninvited user\n"
                f"{what_was_seen}"
            )

            assert denied_at_callback(navigations), (
                f"no redirect to {APP_URL}/oauth2callback with error=access_denied (Auth0's "
                f"outcome of api.access.deny)\n{what_was_seen}"
            )
            assert state == "logged out", (
                f'after the denial the app should show "{LOGGED_OUT_HEADING}" (state: {state})\n'
                f"{what_was_seen}"
            )
    finally:
        context.close()


def test_google_stranger_is_denied_on_first_login_and_gets_in_once_invited(
    browser: Browser,
    emulator: Emulator,
    mgmt: ManagementApi,
    streamlit_app: StreamlitApp,
    artifacts: Path,
) -> None:
    context = browser.new_context()
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    navigations = Navigations(page)
    try:
        with screenshot_on_failure(page, artifacts, "google-stranger"):
            sign_in_with_google(
                page, emulator, navigations, GOOGLE_STRANGER_EMAIL, GOOGLE_STRANGER_NAME
            )
            state = app_state(page)
            page.screenshot(path=str(artifacts / "google-stranger.png"), full_page=True)
            what_was_seen = seen(page, navigations, streamlit_app)
            assert state == "logged out", (
                f"the Google stranger {GOOGLE_STRANGER_EMAIL} was not turned away (state: "
                f"{state}): anyone with a Google account reaches the post-login Action, which "
                f"must deny an uninvited first login\n{what_was_seen}"
            )
            assert denied_at_callback(navigations), (
                f"no redirect to the callback with error=access_denied\n{what_was_seen}"
            )
            # Auth0 creates a social user on their first login, before the Actions run.
            user = mgmt.user_by_email(GOOGLE_STRANGER_EMAIL, connection=GOOGLE_CONNECTION)
            identity = user["identities"][0]
            assert (identity["provider"], identity["isSocial"], user["logins_count"]) == (
                "google-oauth2",
                True,
                1,
            ), f"the Google user as the Management API returns it: {user}"

            # An administrator invites them, as the dashboard's admin page does.
            mgmt.call(
                "PATCH",
                f"/api/v2/users/{urllib.parse.quote(user['user_id'])}",
                {"app_metadata": {"invited": True, "roles": ["viewer"]}},
            )
            navigations.urls.clear()
            sign_in_with_google(
                page, emulator, navigations, GOOGLE_STRANGER_EMAIL, GOOGLE_STRANGER_NAME
            )
            state = app_state(page)
            assert state == "logged in", (
                f"the invited Google user did not get in (state: {state})\n"
                f"{seen(page, navigations, streamlit_app)}"
            )
            claims = shown_claims(page)
            assert (claims.get("email"), claims.get("sub"), claims.get(ROLES_CLAIM)) == (
                GOOGLE_STRANGER_EMAIL,
                user["user_id"],
                ["viewer"],
            ), f"st.user: {claims}"
    finally:
        context.close()
