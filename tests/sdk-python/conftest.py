"""Fixtures of the auth0-python suite: Auth0's own Python SDK (auth0-python, pinned in
.ci/requirements-sdk.txt) pointed at `tenantform emulate`, as an admin page or a script of the
runbook's world uses it with an M2M token.

Run from the repository root:

    TENANTFORM_BIN=target/debug/tenantform .ci-venv/bin/python -m pytest tests/sdk-python -q

The SDK speaks plain HTTP to the emulator without a proxy: the Authentication API client takes
`protocol="http"` and the Management API client (`auth0.management.Auth0`) takes a `base_url`.
When the SDK and the emulator disagree, the emulator is wrong. Nothing is written outside
pytest's temporary directories (the CLI's rate-limit cache goes to a temporary directory of the
session).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import emulated
import pytest
from auth0.authentication import GetToken
from auth0.management import Auth0
from emulated import tenantform_bin

# The M2M application every test authenticates as (the emulator creates it with every
# Management API scope, like the runbook's "[App Name] M2M" with the scopes it lists).
CLIENT_ID = "sdk-python-m2m"
CLIENT_SECRET = "sdk-python-secret-7a1c93e05b"


class Emulator(emulated.Emulator):
    """One `tenantform emulate` (tests/python_support) authenticated to as CLIENT_ID, through
    the SDK."""

    @property
    def host(self) -> str:
        """`127.0.0.1:PORT`: what the SDK calls the domain."""
        return self.domain.removeprefix("http://")

    @property
    def audience(self) -> str:
        return f"{self.domain}/api/v2/"

    def token(self) -> str:
        """An M2M access token through the SDK's client-credentials grant."""
        answer = GetToken(
            self.host, CLIENT_ID, client_secret=CLIENT_SECRET, protocol="http"
        ).client_credentials(self.audience)
        return answer["access_token"]

    def management(self) -> Auth0:
        return Auth0(base_url=f"{self.domain}/api/v2", token=self.token())


def start_emulator(request: pytest.FixtureRequest, directory: Path, *args: str) -> Emulator:
    emulator = Emulator(directory, CLIENT_ID, CLIENT_SECRET)
    request.addfinalizer(emulator.stop)
    emulator.start(tenantform_bin(), *args)
    return emulator


@pytest.fixture(scope="session")
def emulator(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    """The tenant most tests share (each test names what it creates uniquely). Actions build
    instantly: the SDK has no deploy retry of its own, so a build time would only add waits."""
    return start_emulator(
        request, tmp_path_factory.mktemp("sdk") / "emulator", "--action-build-ms", "0"
    )


@pytest.fixture(scope="session")
def mgmt(emulator: Emulator) -> Auth0:
    """The Management API client as an admin page makes it: a token from the client-credentials
    grant, then `Auth0(base_url=..., token=...)`."""
    return emulator.management()


@pytest.fixture
def unique() -> str:
    """A short suffix that keeps the names one test creates apart from another's."""
    return uuid.uuid4().hex[:8]
