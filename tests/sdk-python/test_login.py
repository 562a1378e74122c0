"""A user invited through the SDK signs in, and the SDK's Authentication API client exchanges
the code and verifies the ID token against the tenant's JWKS: the password the Management API
took is the one the login checks, and a blocked user is turned away. Its own emulator: its
logins run no Action bound by another test."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier
from conftest import Emulator, start_emulator

CALLBACK = "http://localhost:8501/oauth2callback"
PASSWORD = "Dashboard-Passw0rd!"


class LoginForm(HTMLParser):
    """The fields of the page's `#login` form (the hidden ones carry the authorize request)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._inside = attributes.get("id") == "login"
            if self._inside:
                self.action = attributes.get("action")
        elif tag == "input" and self._inside and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@pytest.fixture(scope="module")
def tenant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    return start_emulator(request, tmp_path_factory.mktemp("sdk-login") / "emulator")


@pytest.fixture(scope="module")
def dashboard(tenant: Emulator):
    """The runbook's setup: a regular web application on a dedicated, invite-only database
    connection."""
    mgmt = tenant.management()
    app = mgmt.clients.create(
        name="Reporting Dashboard",
        app_type="regular_web",
        callbacks=[CALLBACK],
        token_endpoint_auth_method="client_secret_post",
        jwt_configuration={"alg": "RS256"},
    )
    connection = mgmt.connections.create(
        name="dashboard-users", strategy="auth0", options={"disable_signup": True}
    )
    mgmt.connections.clients.update(connection.id, request=[{"client_id": app.client_id, "status": True}])
    return mgmt, app, connection.name


def sign_in(tenant: Emulator, client_id: str, email: str, password: str) -> requests.Response:
    """Opens the login page of an authorization request and submits its form."""
    session = requests.Session()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "scope": "openid profile email",
            "state": "sdk-state",
        }
    )
    page = session.get(f"{tenant.domain}/authorize?{query}", timeout=30)
    assert page.status_code == 200, page.text
    form = LoginForm()
    form.feed(page.text)
    assert form.action == "/u/login"
    return session.post(
        f"{tenant.domain}{form.action}",
        data={**form.fields, "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_an_invited_user_signs_in_and_the_sdk_verifies_the_id_token(tenant: Emulator, dashboard) -> None:
    mgmt, app, connection = dashboard
    user = mgmt.users.create(
        connection=connection, email="analyst@example.com", password=PASSWORD, email_verified=True
    )

    answer = sign_in(tenant, app.client_id, "analyst@example.com", PASSWORD)

    assert answer.status_code == 302
    redirect = urlsplit(answer.headers["location"])
    assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == CALLBACK
    params = parse_qs(redirect.query)
    assert params["state"] == ["sdk-state"]

    tokens = GetToken(
        tenant.host, app.client_id, client_secret=app.client_secret, protocol="http"
    ).authorization_code(params["code"][0], CALLBACK)
    assert tokens["token_type"] == "Bearer"

    verifier = TokenVerifier(
        signature_verifier=AsymmetricSignatureVerifier(f"{tenant.domain}/.well-known/jwks.json"),
        issuer=f"{tenant.domain}/",
        audience=app.client_id,
    )
    claims = verifier.verify(tokens["id_token"])
    assert claims["sub"] == user.user_id
    assert claims["email"] == "analyst@example.com"
    assert claims["email_verified"] is True
    # The login is counted on the user.
    assert mgmt.users.get(user.user_id).logins_count == 1


def test_a_blocked_user_gets_no_code(tenant: Emulator, dashboard) -> None:
    mgmt, app, connection = dashboard
    user = mgmt.users.create(connection=connection, email="leaver@example.com", password=PASSWORD)
    mgmt.users.update(user.user_id, blocked=True)

    answer = sign_in(tenant, app.client_id, "leaver@example.com", PASSWORD)

    assert answer.status_code == 401
    assert "location" not in answer.headers
    assert mgmt.users.get(user.user_id).logins_count is None


def test_a_code_is_refused_with_the_wrong_secret(tenant: Emulator, dashboard) -> None:
    mgmt, app, connection = dashboard
    mgmt.users.create(connection=connection, email="typo@example.com", password=PASSWORD)
    answer = sign_in(tenant, app.client_id, "typo@example.com", PASSWORD)
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]

    with pytest.raises(Auth0Error) as refused:
        GetToken(
            tenant.host, app.client_id, client_secret="not-the-secret", protocol="http"
        ).authorization_code(code, CALLBACK)
    assert (refused.value.status_code, refused.value.error_code, refused.value.message) == (
        401,
        "access_denied",
        "Unauthorized",
    )

