"""Tenant settings (`/tenants/settings`) through the SDK. Their own emulator: the settings are
one per tenant."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.errors import BadRequestError
from conftest import Emulator, start_emulator


@pytest.fixture(scope="module")
def settings_mgmt(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Auth0:
    tenant: Emulator = start_emulator(request, tmp_path_factory.mktemp("sdk-tenant") / "emulator")
    return tenant.management()


def test_invite_only_turns_off_application_connections(settings_mgmt: Auth0) -> None:
    before = settings_mgmt.tenants.settings.get()
    # A new tenant's defaults.
    assert before.flags.enable_client_connections is True
    assert (before.session_lifetime, before.idle_session_lifetime) == (168, 72)
    assert before.enabled_locales == ["en"]

    answer = settings_mgmt.tenants.settings.with_raw_response.update(
        flags={"enable_client_connections": False}, friendly_name="Acme Reporting"
    )

    assert answer.status_code == 200
    # PATCH answers the whole settings: the flags not sent are kept.
    assert answer.data.flags.enable_client_connections is False
    assert answer.data.flags.enable_sso == before.flags.enable_sso
    after = settings_mgmt.tenants.settings.get()
    assert after.flags.enable_client_connections is False
    assert after.friendly_name == "Acme Reporting"
    assert after.session_lifetime == before.session_lifetime


def test_a_setting_of_the_wrong_type_is_refused(settings_mgmt: Auth0) -> None:
    with pytest.raises(BadRequestError) as refused:
        settings_mgmt.tenants.settings.update(request_options={"additional_body_parameters": {"friendly_name": 42}})

    assert refused.value.body["errorCode"] == "invalid_body"
    assert refused.value.body["message"].startswith("Payload validation error: ")
    assert "friendly_name" in refused.value.body["message"]
