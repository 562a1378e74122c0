"""Roles (`/roles`) through the SDK, with Auth0's status codes for them (200 on create and
delete, not 201 and 204)."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.errors import NotFoundError


def test_a_role_is_created_found_by_name_updated_and_deleted(mgmt: Auth0, unique: str) -> None:
    created = mgmt.roles.with_raw_response.create(name=f"Dashboard Admin {unique}")
    # 200, not 201 (TestRoleManager_List.yaml). Without a description, the answer has none
    # and reads show "" (TestAccRole.yaml).
    assert created.status_code == 200
    role = created.data
    assert role.id.startswith("rol_")
    assert role.type == "tenant"
    assert role.description is None
    assert mgmt.roles.get(role.id).description == ""

    found = mgmt.roles.list(name_filter=f"Dashboard Admin {unique}")
    assert [r.id for r in found.items] == [role.id]
    assert found.response.total == 1

    updated = mgmt.roles.update(role.id, description="Invites and blocks users")
    assert (updated.name, updated.description) == (f"Dashboard Admin {unique}", "Invites and blocks users")

    deleted = mgmt.roles.with_raw_response.delete(role.id)
    assert deleted.status_code == 200  # with the body {} (TestRoleManager_Delete.yaml)
    with pytest.raises(NotFoundError) as missing:
        mgmt.roles.get(role.id)
    assert missing.value.body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The role does not exist.",
    }
