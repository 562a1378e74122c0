"""APIs (`/resource-servers`) and the grants that let an application call them
(`/client-grants`), through the SDK."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.errors import NotFoundError
from conftest import CLIENT_ID, Emulator


def test_the_tenant_has_auth0s_management_api(emulator: Emulator, mgmt: Auth0) -> None:
    [system] = mgmt.resource_servers.list(identifiers=[emulator.audience]).items

    assert system.name == "Auth0 Management API"
    assert system.is_system is True
    # The recorded catalogue of Management API scopes.
    assert len(system.scopes) == 132
    assert "create:user_tickets" in {s.value for s in system.scopes}


def test_an_api_is_created_updated_and_deleted(mgmt: Auth0, unique: str) -> None:
    identifier = f"https://reports-{unique}.example/api"
    created = mgmt.resource_servers.create(
        identifier=identifier,
        name=f"Reports {unique}",
        scopes=[{"value": "read:reports", "description": "Read reports"}],
    )

    assert len(created.id) == 24
    # Auth0's defaults for an API created without them.
    assert created.signing_alg == "RS256"
    assert created.token_lifetime == 86400
    assert created.allow_offline_access is False

    updated = mgmt.resource_servers.update(created.id, token_lifetime=3600)
    assert updated.token_lifetime == 3600
    assert [s.value for s in mgmt.resource_servers.get(created.id).scopes] == ["read:reports"]

    assert mgmt.resource_servers.with_raw_response.delete(created.id).status_code == 204
    with pytest.raises(NotFoundError):
        mgmt.resource_servers.get(created.id)


def test_a_grant_gives_an_application_scopes_on_an_api(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    identifier = f"https://granted-{unique}.example/api"
    mgmt.resource_servers.create(
        identifier=identifier,
        name=f"Granted {unique}",
        scopes=[{"value": "read:reports"}, {"value": "write:reports"}],
    )
    app = mgmt.clients.create(name=f"Worker {unique}", app_type="non_interactive")

    grant = mgmt.client_grants.create(
        client_id=app.client_id, audience=identifier, scope=["read:reports"]
    )
    assert grant.id.startswith("cgr_")
    assert (grant.client_id, grant.audience, grant.scope) == (
        app.client_id,
        identifier,
        ["read:reports"],
    )

    [listed] = mgmt.client_grants.list(client_id=app.client_id, audience=identifier).items
    assert listed.id == grant.id

    # PATCH replaces the scope list (TestClientGrantManager_Update.yaml).
    updated = mgmt.client_grants.update(grant.id, scope=["write:reports"])
    assert updated.scope == ["write:reports"]
    assert mgmt.client_grants.get(grant.id).scope == ["write:reports"]

    assert mgmt.client_grants.with_raw_response.delete(grant.id).status_code == 204
    with pytest.raises(NotFoundError) as missing:
        mgmt.client_grants.get(grant.id)
    assert missing.value.body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The grant does not exist.",
        "errorCode": "inexistent_client_grant",
    }
    # Deleting it again still answers 204 (TestClientGrantManager_Delete.yaml).
    assert mgmt.client_grants.with_raw_response.delete(grant.id).status_code == 204


def test_the_grant_list_pages_with_checkpoints(emulator: Emulator, mgmt: Auth0) -> None:
    mark = emulator.mark()
    every = list(mgmt.client_grants.list(take=1))

    assert CLIENT_ID in {g.client_id for g in every}
    requests = [r for r in emulator.since(mark) if r["path"] == "/api/v2/client-grants"]
    assert len(requests) == len(every)
    assert all("from=" in r["query"] for r in requests[1:])
