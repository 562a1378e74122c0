"""The email provider (a singleton, `/emails/provider`) and email templates through the SDK.
Their own emulator: the provider is one per tenant, so these tests must not share it."""

from __future__ import annotations

import pytest
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError
from auth0.management.errors import ConflictError, NotFoundError
from conftest import Emulator, start_emulator

MAILGUN_KEY = "key-sdk-python-mailgun-0c5e"


@pytest.fixture(scope="module")
def tenant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    return start_emulator(request, tmp_path_factory.mktemp("sdk-email") / "emulator")


@pytest.fixture(scope="module")
def email_mgmt(tenant: Emulator) -> Auth0:
    return tenant.management()


def test_the_mailgun_provider_is_configured_and_its_key_never_read_back(
    tenant: Emulator, email_mgmt: Auth0
) -> None:
    with pytest.raises(NotFoundError) as missing:
        email_mgmt.emails.provider.get()
    assert missing.value.body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "There is not a configured email provider",
        "errorCode": "inexistent_email_provider",
    }

    mark = tenant.mark()
    created = email_mgmt.emails.provider.create(
        name="mailgun",
        credentials={"api_key": MAILGUN_KEY, "domain": "mg.example.com", "region": "eu"},
        default_from_address="noreply@example.com",
    )
    # Enabled unless said otherwise; the key is taken and never answered (TestAccEmail.yaml).
    assert created.enabled is True
    assert (created.credentials.domain, created.credentials.region) == ("mg.example.com", "eu")
    assert MAILGUN_KEY not in created.model_dump_json()
    [request] = tenant.since(mark)
    assert (request["status"], request["body"]["credentials"]["api_key"]) == (201, "[SECRET]")

    read = email_mgmt.emails.provider.get(
        fields="name,enabled,default_from_address,credentials,settings", include_fields=True
    )
    assert (read.name, read.default_from_address) == ("mailgun", "noreply@example.com")
    assert MAILGUN_KEY not in read.model_dump_json()

    disabled = email_mgmt.emails.provider.update(enabled=False)
    assert disabled.enabled is False
    assert disabled.credentials.domain == "mg.example.com"


def test_a_template_is_created_once_then_updated(email_mgmt: Auth0) -> None:
    # An unconfigured template is a 404 (the SDK has no typed error for it here).
    with pytest.raises(ApiError) as missing:
        email_mgmt.email_templates.get("reset_email")
    assert missing.value.status_code == 404
    assert missing.value.body["message"] == "The template does not exist."

    created = email_mgmt.email_templates.create(
        template="reset_email",
        body="<p>Set your password: {{ url }}</p>",
        from_="noreply@example.com",
        subject="Welcome to the dashboard",
        syntax="liquid",
        result_url="http://localhost:8501",
        url_lifetime_in_seconds=432000,
        enabled=True,
    )
    assert (created.template, created.from_, created.result_url) == (
        "reset_email",
        "noreply@example.com",
        "http://localhost:8501",
    )
    assert created.url_lifetime_in_seconds == 432000

    with pytest.raises(ConflictError) as twice:
        email_mgmt.email_templates.create(
            template="reset_email",
            body="again",
            from_="noreply@example.com",
            subject="again",
            syntax="liquid",
            enabled=True,
        )
    assert twice.value.body == {
        "statusCode": 409,
        "error": "Conflict",
        "message": "Template reset_email already exists.",
    }

    updated = email_mgmt.email_templates.update("reset_email", enabled=False)
    assert updated.enabled is False
    assert updated.subject == "Welcome to the dashboard"
    assert email_mgmt.email_templates.get("reset_email").enabled is False
