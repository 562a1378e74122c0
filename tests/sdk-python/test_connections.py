"""The dedicated database connection (`/connections`) through the SDK: create, get, update its
options, enable applications, list by name, delete."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.errors import ConflictError, NotFoundError
from conftest import Emulator


def test_a_database_connection_gets_auth0s_default_options(mgmt: Auth0, unique: str) -> None:
    created = mgmt.connections.create(
        name=f"dashboard-users-{unique}", strategy="auth0", options={"disable_signup": True}
    )

    assert created.id.startswith("con_")
    assert created.strategy == "auth0"
    assert created.enabled_clients == []
    # What Auth0 adds to a database connection's options (TestAccConnection.yaml).
    assert created.options["disable_signup"] is True
    assert created.options["brute_force_protection"] is True
    assert created.options["passwordPolicy"] == "good"
    assert created.options["strategy_version"] == 2

    fetched = mgmt.connections.get(created.id)
    assert fetched.name == f"dashboard-users-{unique}"
    assert fetched.options == created.options


def test_a_second_connection_with_the_same_name_is_a_conflict(mgmt: Auth0, unique: str) -> None:
    mgmt.connections.create(name=f"twice-{unique}", strategy="auth0")
    with pytest.raises(ConflictError) as refused:
        mgmt.connections.create(name=f"twice-{unique}", strategy="auth0")

    assert refused.value.status_code == 409
    assert refused.value.body == {
        "statusCode": 409,
        "error": "Conflict",
        "message": "A connection with the same name already exists",
        "errorCode": "connection_conflict",
    }


def test_an_options_update_replaces_the_whole_options_object(mgmt: Auth0, unique: str) -> None:
    created = mgmt.connections.create(
        name=f"replaced-{unique}",
        strategy="auth0",
        options={"disable_signup": True, "requires_username": True},
    )
    assert created.options["requires_username"] is True

    updated = mgmt.connections.update(
        created.id, options={"disable_signup": True, "brute_force_protection": False}
    )

    assert updated.options["brute_force_protection"] is False
    # Not sent, so gone: PATCH replaces options (TestAccConnection.yaml).
    assert "requires_username" not in updated.options
    assert "passwordPolicy" not in updated.options
    assert mgmt.connections.get(created.id).options == updated.options


def test_applications_are_enabled_through_the_clients_endpoint(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    connection = mgmt.connections.create(name=f"enabled-{unique}", strategy="auth0")
    dashboard = mgmt.clients.create(name=f"Dashboard {unique}", app_type="regular_web")
    other = mgmt.clients.create(name=f"Other {unique}", app_type="regular_web")

    mark = emulator.mark()
    mgmt.connections.clients.update(
        connection.id,
        request=[
            {"client_id": dashboard.client_id, "status": True},
            {"client_id": other.client_id, "status": True},
        ],
    )
    mgmt.connections.clients.update(
        connection.id, request=[{"client_id": other.client_id, "status": False}]
    )

    [first, second] = emulator.since(mark)
    assert (first["method"], first["status"]) == ("PATCH", 204)
    assert second["status"] == 204
    enabled = [c.client_id for c in mgmt.connections.clients.get(connection.id)]
    assert enabled == [dashboard.client_id]


def test_the_checkpoint_list_finds_a_connection_by_name_and_pages_with_next(
    emulator: Emulator, mgmt: Auth0, unique: str
) -> None:
    names = [f"listed-{unique}-{n}" for n in range(3)]
    for name in names:
        mgmt.connections.create(name=name, strategy="auth0")

    [found] = mgmt.connections.list(name=names[1]).items
    assert found.name == names[1]

    mark = emulator.mark()
    every = [c.name for c in mgmt.connections.list(take=2)]
    for name in ["Username-Password-Authentication", *names]:
        assert name in every
    pages = [r for r in emulator.since(mark) if r["path"] == "/api/v2/connections"]
    # take=2: one request per two connections, each after the first carrying the `from` the
    # previous answer's `next` gave; the last page has no `next`, so nothing follows it.
    assert len(pages) == (len(every) + 1) // 2
    assert all("from=" in p["query"] for p in pages[1:])


def test_a_deleted_connection_answers_202_then_is_gone(mgmt: Auth0, unique: str) -> None:
    created = mgmt.connections.create(name=f"deleted-{unique}", strategy="auth0")

    deleted = mgmt.connections.with_raw_response.delete(created.id)
    assert deleted.status_code == 202
    with pytest.raises(NotFoundError) as missing:
        mgmt.connections.get(created.id)
    assert missing.value.body["errorCode"] == "inexistent_connection"
    # A second delete of the missing connection is still a success (TestConnectionManager_Delete).
    assert mgmt.connections.with_raw_response.delete(created.id).status_code == 204
