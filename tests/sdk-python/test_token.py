"""The client-credentials grant through the SDK's Authentication API client (`GetToken`), and
what the Management API does with the token it gives (or with none)."""

from __future__ import annotations

import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.errors import ForbiddenError, UnauthorizedError
from conftest import CLIENT_ID, CLIENT_SECRET, Emulator


def test_client_credentials_gives_a_bearer_token_for_a_day(emulator: Emulator) -> None:
    mark = emulator.mark()
    answer = GetToken(
        emulator.host, CLIENT_ID, client_secret=CLIENT_SECRET, protocol="http"
    ).client_credentials(emulator.audience)

    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 86400
    # A JWT, carrying the scopes of the client's grant on the Management API.
    assert answer["access_token"].count(".") == 2
    scopes = answer["scope"].split()
    for scope in ("read:users", "create:users", "update:users", "create:user_tickets"):
        assert scope in scopes
    # The SDK posts JSON with the secret in the body (client_secret_post); the emulator logs
    # the request but never the secret.
    [request] = emulator.since(mark)
    assert (request["method"], request["path"], request["status"]) == ("POST", "/oauth/token", 200)
    assert CLIENT_SECRET not in str(request)


@pytest.mark.parametrize(
    ("client_id", "client_secret"),
    [(CLIENT_ID, "not-the-secret"), ("no-such-client", CLIENT_SECRET)],
    ids=["wrong secret", "unknown client"],
)
def test_wrong_credentials_are_refused_with_an_oauth_error(
    emulator: Emulator, client_id: str, client_secret: str
) -> None:
    """401 with an OAuth-shaped body, which the SDK turns into its Auth0Error; Auth0 does not
    say which half of the pair was wrong (crates/auth0-emulator/ERRORS.md)."""
    client = GetToken(emulator.host, client_id, client_secret=client_secret, protocol="http")
    with pytest.raises(Auth0Error) as refused:
        client.client_credentials(emulator.audience)

    assert refused.value.status_code == 401
    assert refused.value.error_code == "access_denied"
    assert refused.value.message == "Unauthorized"


def test_an_audience_the_tenant_does_not_have_is_refused(emulator: Emulator) -> None:
    client = GetToken(emulator.host, CLIENT_ID, client_secret=CLIENT_SECRET, protocol="http")
    with pytest.raises(Auth0Error) as refused:
        client.client_credentials("https://no-such-api.example/")

    assert refused.value.status_code == 403
    assert refused.value.error_code == "access_denied"
    assert refused.value.message == "Service not enabled within domain: https://no-such-api.example/"


def test_the_management_api_refuses_a_forged_token(emulator: Emulator) -> None:
    forged = Auth0(base_url=f"{emulator.domain}/api/v2", token="eyJhbGciOiJIUzI1NiJ9.e30.x")
    with pytest.raises(UnauthorizedError) as refused:
        forged.clients.get(CLIENT_ID)

    assert refused.value.status_code == 401
    assert refused.value.body == {
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Invalid token",
    }


def test_a_token_with_the_runbooks_minimum_scopes_cannot_manage_applications(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    """The runbook's admin M2M application is granted only what user management needs: its
    token reads users, and the API names the scope a refused call lacks."""
    admin = mgmt.clients.create(name=f"Dashboard Admin M2M {unique}", app_type="non_interactive")
    minimum = ["create:users", "read:users", "update:users", "create:user_tickets"]
    mgmt.client_grants.create(client_id=admin.client_id, audience=emulator.audience, scope=minimum)

    answer = GetToken(
        emulator.host, admin.client_id, client_secret=admin.client_secret, protocol="http"
    ).client_credentials(emulator.audience)
    assert sorted(answer["scope"].split()) == sorted(minimum)
    limited = Auth0(base_url=f"{emulator.domain}/api/v2", token=answer["access_token"])

    # Allowed: inviting a user and reading it back (the admin page's table).
    invited = limited.users.create(
        connection="Username-Password-Authentication",
        email=f"invited-{unique}@example.com",
        password=f"Invite-{unique}-Pw1!",
    )
    assert limited.users.get(invited.user_id).email == f"invited-{unique}@example.com"
    with pytest.raises(ForbiddenError) as refused:
        limited.clients.create(name=f"not allowed {unique}")
    assert refused.value.status_code == 403
    assert refused.value.body["message"] == "Insufficient scope, expected any of: create:clients"
    assert refused.value.body["errorCode"] == "insufficient_scope"


def test_an_application_without_a_grant_gets_no_management_token(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    """The runbook's step 4, "Select Auth0 Management API", forgotten: the token endpoint
    refuses with 403 (the status and text auth0-python's issue #173 quotes from Auth0)."""
    app = mgmt.clients.create(name=f"Ungranted M2M {unique}", app_type="non_interactive")
    client = GetToken(emulator.host, app.client_id, client_secret=app.client_secret, protocol="http")
    with pytest.raises(Auth0Error) as refused:
        client.client_credentials(emulator.audience)

    assert refused.value.status_code == 403
    assert refused.value.error_code == "access_denied"
    assert refused.value.message.startswith(f'Client is not authorized to access "{emulator.audience}".')
