"""Fixtures of the auth0-python suite: Auth0's own Python SDK (auth0-python, pinned in
.ci/requirements-sdk.txt) pointed at `tenantform emulate`, as an admin page or a script of the
runbook's world uses it with an M2M token.

Run from the repository root:

    TENANTFORM_BIN=target/debug/tenantform .ci-venv/bin/python -m pytest tests/sdk-python -q

The SDK speaks plain HTTP to the emulator without a proxy: the Authentication API client takes
`protocol="http"` and the Management API client (`auth0.management.Auth0`) takes a `base_url`.
When the SDK and the emulator disagree, the emulator is wrong. Nothing is written outside
pytest's temporary directories.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from auth0.authentication import GetToken
from auth0.management import Auth0

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 30.0
# The M2M application every test authenticates as (the emulator creates it with every
# Management API scope, like the runbook's "[App Name] M2M" with the scopes it lists).
CLIENT_ID = "sdk-python-m2m"
CLIENT_SECRET = "sdk-python-secret-7a1c93e05b"


def tenantform_bin() -> Path:
    """The CLI under test: $TENANTFORM_BIN, else what `cargo build` makes."""
    binary = Path(os.environ.get("TENANTFORM_BIN") or REPO / "target" / "debug" / "tenantform")
    if not binary.is_absolute():
        binary = REPO / binary
    if not os.access(binary, os.X_OK):
        pytest.fail(
            f"tenantform binary not found at {binary}: build it (cargo build) or set TENANTFORM_BIN"
        )
    return binary


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without anything that could point the emulator elsewhere."""
    dropped = ("AUTH0_", "TENANTFORM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


@dataclass
class Emulator:
    """One `tenantform emulate` process on a free port, with its request log."""

    directory: Path
    extra_args: tuple[str, ...] = ()
    domain: str = ""
    process: subprocess.Popen | None = None

    @property
    def request_log(self) -> Path:
        return self.directory / "requests.jsonl"

    @property
    def host(self) -> str:
        """`127.0.0.1:PORT`: what the SDK calls the domain."""
        return self.domain.removeprefix("http://")

    @property
    def audience(self) -> str:
        return f"{self.domain}/api/v2/"

    def start(self, binary: Path) -> None:
        self.directory.mkdir(parents=True)
        stdout = self.directory / "stdout.log"
        stderr = self.directory / "stderr.log"
        cache = self.directory / "cache"
        self.process = subprocess.Popen(
            [
                str(binary),
                "emulate",
                "--listen",
                "127.0.0.1:0",
                "--color",
                "never",
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--request-log",
                str(self.request_log),
                *self.extra_args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=stdout.open("wb"),
            stderr=stderr.open("wb"),
            env=clean_env(TENANTFORM_CACHE_DIR=str(cache)),
            start_new_session=True,
        )
        # Readiness: the process prints its domain once it listens.
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in stdout.read_text().splitlines():
                if line.startswith("AUTH0_DOMAIN="):
                    self.domain = line.split("=", 1)[1].strip()
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"tenantform emulate did not start:\n{stdout.read_text()}{stderr.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    # --- what reached the tenant ---

    def requests(self) -> list[dict[str, Any]]:
        if not self.request_log.exists():
            return []
        return [json.loads(line) for line in self.request_log.read_text().splitlines() if line]

    def mark(self) -> int:
        return len(self.requests())

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.requests()[mark:]

    def token(self) -> str:
        """An M2M access token through the SDK's client-credentials grant."""
        answer = GetToken(
            self.host, CLIENT_ID, client_secret=CLIENT_SECRET, protocol="http"
        ).client_credentials(self.audience)
        return answer["access_token"]

    def management(self) -> Auth0:
        return Auth0(base_url=f"{self.domain}/api/v2", token=self.token())


def start_emulator(request: pytest.FixtureRequest, directory: Path, *args: str) -> Emulator:
    emulator = Emulator(directory, tuple(args))
    request.addfinalizer(emulator.stop)
    emulator.start(tenantform_bin())
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
