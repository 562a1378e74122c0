"""Applications (`/clients`) through the SDK: create, get, update, list page by page, delete."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.errors import BadRequestError, NotFoundError
from conftest import CLIENT_ID, Emulator

# What Auth0 gives an application created with a name only (TestAccClientConfig.yaml).
CREATE_DEFAULT_GRANT_TYPES = ["authorization_code", "implicit", "refresh_token", "client_credentials"]


def test_a_created_application_has_auth0s_defaults_and_a_secret(mgmt: Auth0, unique: str) -> None:
    created = mgmt.clients.create(
        name=f"Reporting Dashboard {unique}",
        app_type="regular_web",
        callbacks=["http://localhost:8501/oauth2callback"],
    )

    assert len(created.client_id) == 32
    assert created.client_secret and len(created.client_secret) >= 48
    assert created.grant_types == CREATE_DEFAULT_GRANT_TYPES
    assert created.is_first_party is True
    assert created.oidc_conformant is False
    assert created.jwt_configuration.lifetime_in_seconds == 36000
    assert created.refresh_token.rotation_type == "non-rotating"
    assert created.refresh_token.token_lifetime == 2592000

    fetched = mgmt.clients.get(created.client_id)
    assert fetched.name == f"Reporting Dashboard {unique}"
    assert fetched.app_type == "regular_web"
    assert fetched.callbacks == ["http://localhost:8501/oauth2callback"]
    assert fetched.client_secret == created.client_secret


def test_an_update_replaces_the_arrays_it_sends_and_keeps_the_rest(mgmt: Auth0, unique: str) -> None:
    created = mgmt.clients.create(
        name=f"Dashboard {unique}",
        app_type="regular_web",
        callbacks=["http://localhost:8501/oauth2callback", "https://old.example/oauth2callback"],
        allowed_logout_urls=["http://localhost:8501"],
    )

    updated = mgmt.clients.update(
        created.client_id,
        callbacks=["https://dashboard.example/oauth2callback"],
        token_endpoint_auth_method="client_secret_basic",
        jwt_configuration={"alg": "RS256"},
    )

    assert updated.callbacks == ["https://dashboard.example/oauth2callback"]
    assert updated.allowed_logout_urls == ["http://localhost:8501"]
    assert updated.token_endpoint_auth_method == "client_secret_basic"
    assert updated.jwt_configuration.alg == "RS256"
    assert mgmt.clients.get(created.client_id).callbacks == ["https://dashboard.example/oauth2callback"]


def test_an_http_login_uri_is_refused_with_auth0s_validation_message(mgmt: Auth0, unique: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        mgmt.clients.create(name=f"Local {unique}", initiate_login_uri="http://localhost:8501")

    assert refused.value.status_code == 400
    assert refused.value.body["errorCode"] == "invalid_body"
    assert "on property initiate_login_uri" in refused.value.body["message"]
    names = [c.name for c in mgmt.clients.list(per_page=100)]
    assert f"Local {unique}" not in names


def test_the_list_pages_with_page_per_page_and_totals(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    for n in range(3):
        mgmt.clients.create(name=f"Paged {unique} {n}")
    everything = [c.client_id for c in mgmt.clients.list(per_page=100).items]
    total = len(everything)
    assert total >= 5  # the global client, the M2M client and the three above

    mark = emulator.mark()
    first = mgmt.clients.list(page=0, per_page=2, include_totals=True)
    assert (first.response.start, first.response.limit, first.response.total) == (0, 2, total)
    assert [c.client_id for c in first.items] == everything[:2]

    second = first.next_page()
    assert second.response.start == 2
    assert [c.client_id for c in second.items] == everything[2:4]

    # Iterating walks every page: the SDK stops at the first empty one.
    walked = [c.client_id for c in mgmt.clients.list(per_page=2)]
    assert walked == everything
    pages = [
        parse_qs(r["query"])["page"][0]
        for r in emulator.since(mark)
        if r["path"] == "/api/v2/clients"
    ]
    last = (total - 1) // 2
    assert pages == ["0", "1"] + [str(p) for p in range(last + 2)]


def test_a_deleted_application_is_gone(emulator: Emulator, mgmt: Auth0, unique: str) -> None:
    created = mgmt.clients.create(name=f"Short-lived {unique}")

    deleted = mgmt.clients.with_raw_response.delete(created.client_id)
    assert deleted.status_code == 204

    with pytest.raises(NotFoundError) as missing:
        mgmt.clients.get(created.client_id)
    assert missing.value.body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The client does not exist",
        "errorCode": "inexistent_client",
    }


def test_the_list_filters_by_type_and_the_global_flag(mgmt: Auth0, unique: str) -> None:
    web = mgmt.clients.create(name=f"Filtered web {unique}", app_type="regular_web")

    m2m = [c.client_id for c in mgmt.clients.list(app_type="non_interactive", per_page=100)]
    assert CLIENT_ID in m2m
    assert web.client_id not in m2m
    [only] = mgmt.clients.list(is_global=True).items
    # Every tenant's global client (TestAccDataClients.yaml filters the same way).
    assert (only.name, only.global_) == ("All Applications", True)


def test_a_rotated_secret_replaces_the_old_one_at_the_token_endpoint(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    app = mgmt.clients.create(name=f"Rotated M2M {unique}", app_type="non_interactive")
    mgmt.client_grants.create(client_id=app.client_id, audience=emulator.audience, scope=["read:users"])

    rotated = mgmt.clients.rotate_secret(app.client_id)

    assert rotated.client_id == app.client_id
    assert rotated.client_secret and rotated.client_secret != app.client_secret
    token = GetToken(emulator.host, app.client_id, client_secret=rotated.client_secret, protocol="http")
    assert token.client_credentials(emulator.audience)["scope"] == "read:users"
    stale = GetToken(emulator.host, app.client_id, client_secret=app.client_secret, protocol="http")
    with pytest.raises(Auth0Error) as refused:
        stale.client_credentials(emulator.audience)
    assert refused.value.status_code == 401
