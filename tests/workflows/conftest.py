"""Fixtures of the workflow-execution test: two emulated tenants (`tenantform emulate`, one per
tenant file of examples/github-actions, each with its own credentials), a copy of the example
repository, recording stubs for the commands the workflows call out to, and the runner.

Run from the repository root:

    TENANTFORM_BIN=target/debug/tenantform .ci-venv/bin/python -m pytest tests/workflows -q

Needs PyYAML and pytest (.ci/requirements-workflows.txt); nothing is written into the repository
or the user's home (the CLI's rate-limit cache goes to a temporary directory of the session).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import emulated
import pytest
# CACHE_DIR, file_state and user_cache_files are here for test_cache_dir.py.
from emulated import CACHE_DIR, REPO, clean_env, file_state, tenantform_bin, user_cache_files
from runner import Runner

EXAMPLE = REPO / "examples" / "github-actions"
STUB = Path(__file__).resolve().parent / "stub.py"
COMMAND_TIMEOUT_S = 120.0

# The repository the simulated runs belong to.
REPOSITORY = "acme/dashboard"
GITHUB_TOKEN = "ghs_stub-token-not-real"


class Emulator(emulated.Emulator):
    """One `tenantform emulate` (tests/python_support): a tenant with its own M2M credentials
    and request log."""

    def __init__(self, name: str, directory: Path, client_id: str, client_secret: str):
        super().__init__(directory, client_id, client_secret, name=name)
        self._token: str | None = None

    def start(self, binary: Path, *options: str) -> None:
        """Starts the emulator with `options` (e.g. `--rate-limit free`) added; Actions build
        at once."""
        super().start(binary, "--action-build-ms", "0", *options)

    # --- the Management API, for what a person does in the dashboard and to read the state ---

    def api(self, method: str, path: str, body: Any = None) -> Any:
        if self._token is None:
            self._token = self._request(
                "POST",
                "/oauth/token",
                {
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "audience": f"{self.domain}/api/v2/",
                },
            )["access_token"]
        return self._request(method, f"/api/v2/{path.lstrip('/')}", body, self._token)

    def _request(self, method: str, path: str, body: Any, token: str | None = None) -> Any:
        request = urllib.request.Request(
            self.domain + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    # --- the request log: what reached the tenant ---

    def writes_since(self, mark: int) -> list[str]:
        """Requests after `mark` that change something in the tenant, as `METHOD path`. The
        token endpoint and the apply lock (an API, `/resource-servers`, that only exists while
        an apply runs) change nothing a tenant file manages, so they are left out."""
        return [
            f"{r['method']} {r['path']}"
            for r in self.since(mark)
            if r["method"] != "GET"
            and r["path"] != "/oauth/token"
            and not r["path"].startswith("/api/v2/resource-servers")
        ]


@dataclass
class Stubs:
    """The recording `gh`, `npx`, `streamlit`, `curl` and `apt-get` (see stub.py)."""

    directory: Path

    @property
    def bin(self) -> Path:
        return self.directory / "bin"

    def respond(self, responses: list[dict[str, Any]]) -> None:
        (self.directory / "responses.json").write_text(json.dumps(responses))

    def calls(self, command: str = "gh") -> list[dict[str, Any]]:
        log = self.directory / "calls.jsonl"
        if not log.exists():
            return []
        calls = [json.loads(line) for line in log.read_text().splitlines() if line]
        return [c for c in calls if c["command"] == command]

    def clear(self) -> None:
        (self.directory / "calls.jsonl").unlink(missing_ok=True)


@dataclass
class Tenants:
    """The example repository's two tenants, emulated, and the tables a run's `${{ }}`
    expressions are evaluated over."""

    dev: Emulator
    prod: Emulator
    binary: Path
    repo: Path

    def vars(self) -> dict[str, str]:
        return {"DEV_AUTH0_DOMAIN": self.dev.domain, "PROD_AUTH0_DOMAIN": self.prod.domain}

    def secrets(self, **extra: str) -> dict[str, str]:
        return {
            "DEV_AUTH0_CLIENT_ID": self.dev.client_id,
            "DEV_AUTH0_CLIENT_SECRET": self.dev.client_secret,
            "PROD_AUTH0_CLIENT_ID": self.prod.client_id,
            "PROD_AUTH0_CLIENT_SECRET": self.prod.client_secret,
            **extra,
        }

    def credentials_env(self) -> dict[str, str]:
        """What a person running tenantform by hand exports for both files."""
        return clean_env(**self.vars(), **self.secrets())

    def tenantform(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binary), *args],
            cwd=cwd or self.repo,
            env=self.credentials_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    def apply_files(self) -> None:
        """Makes both tenants match the repository's files (the state before a pull request)."""
        for tenant in ("dev", "prod"):
            done = self.tenantform("apply", f"tenants/{tenant}.yaml", "--auto-approve")
            assert done.returncode == 0, f"baseline apply of {tenant}:\n{done.stdout}{done.stderr}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example repository as actions/checkout would give it (a copy a test may edit)."""
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def tenants(tmp_path: Path, repo: Path):
    binary = tenantform_bin()
    # Different credentials per tenant: a workflow that gave dev's to prod's file would fail.
    dev = Emulator("dev", tmp_path / "emulator-dev", "dev-tenantform-m2m", "dev-secret-5f1c0a9e7d")
    prod = Emulator(
        "prod", tmp_path / "emulator-prod", "prod-tenantform-m2m", "prod-secret-93b2e4d8c6"
    )
    started = []
    try:
        for emulator in (dev, prod):
            emulator.start(binary)
            started.append(emulator)
        yield Tenants(dev=dev, prod=prod, binary=binary, repo=repo)
    finally:
        for emulator in started:
            emulator.stop()


@pytest.fixture
def stubs(tmp_path: Path) -> Stubs:
    stubs = Stubs(tmp_path / "stubs")
    stubs.bin.mkdir(parents=True)
    for command in ("gh", "npx", "streamlit", "curl", "apt-get"):
        wrapper = stubs.bin / command
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STUB}" {command} "$@"\n')
        wrapper.chmod(0o755)
    return stubs


@pytest.fixture
def runner(tmp_path: Path, repo: Path, tenants: Tenants, stubs: Stubs) -> Runner:
    home = tmp_path / "home"
    home.mkdir()
    # The machine's PATH without any tenantform of its own: only the install step provides it.
    system_path = [
        d
        for d in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
        if d and not (Path(d) / "tenantform").exists()
    ]
    base_env = clean_env(
        HOME=str(home),
        STUB_DIR=str(stubs.directory),
        PATH=os.pathsep.join([str(stubs.bin), *system_path]),
    )
    return Runner(
        repository=repo,
        scratch=tmp_path / "runner",
        base_env=base_env,
        tenantform=tenants.binary,
    )
