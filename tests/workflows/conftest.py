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
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from runner import Runner

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "github-actions"
STUB = Path(__file__).resolve().parent / "stub.py"
STARTUP_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 120.0

# The repository the simulated runs belong to.
REPOSITORY = "acme/dashboard"
GITHUB_TOKEN = "ghs_stub-token-not-real"


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


# Where every command a test runs keeps tenantform's rate-limit cache (src/api/rate_limit_cache.rs),
# which would otherwise be the user's ~/.cache/tenantform: one temporary directory per session.
CACHE_DIR_VAR = "TENANTFORM_CACHE_DIR"
CACHE_DIR = Path(tempfile.mkdtemp(prefix="tenantform-workflows-cache-"))


def user_cache_files() -> list[Path]:
    """The cache files tenantform writes when TENANTFORM_CACHE_DIR is not set."""
    files = [Path.home() / ".cache" / "tenantform" / "rate-limits.json"]
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        files.append(Path(xdg) / "tenantform" / "rate-limits.json")
    return files


def file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir():
    """The session's cache directory, removed at the end."""
    yield CACHE_DIR
    shutil.rmtree(CACHE_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def user_cache_untouched():
    """Fails the test after which the user's rate-limit cache was created or changed."""
    before = {path: file_state(path) for path in user_cache_files()}
    yield
    after = {path: file_state(path) for path in user_cache_files()}
    assert after == before, (
        "a command the test ran wrote the user's tenantform cache: every environment a test "
        f"gives a command must come from clean_env ({CACHE_DIR_VAR})"
    )


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without anything that could point a command at a tenant or
    make it think it runs on GitHub, with the session's cache directory, plus `extra`."""
    dropped = ("AUTH0_", "TENANTFORM_", "GITHUB_", "RUNNER_", "STREAMLIT_", "GH_", "DEV_", "PROD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["NO_COLOR"] = "1"
    env[CACHE_DIR_VAR] = str(CACHE_DIR)
    env.update(extra)
    return env


@dataclass
class Emulator:
    """One `tenantform emulate` process: a tenant with its own M2M credentials and request log."""

    name: str
    directory: Path
    client_id: str
    client_secret: str
    domain: str = ""
    process: subprocess.Popen | None = None
    _token: str | None = field(default=None, repr=False)

    @property
    def request_log(self) -> Path:
        return self.directory / "requests.jsonl"

    def start(self, binary: Path, *options: str) -> None:
        """Starts the emulator with `options` (e.g. `--rate-limit free`) added."""
        self.directory.mkdir(parents=True)
        stdout = self.directory / "stdout.log"
        self.process = subprocess.Popen(
            [
                str(binary),
                "emulate",
                "--listen",
                "127.0.0.1:0",
                "--client-id",
                self.client_id,
                "--client-secret",
                self.client_secret,
                "--request-log",
                str(self.request_log),
                "--action-build-ms",
                "0",
                *options,
            ],
            stdin=subprocess.DEVNULL,
            stdout=stdout.open("wb"),
            stderr=(self.directory / "stderr.log").open("wb"),
            env=clean_env(),
            start_new_session=True,
        )
        # Readiness: the process prints its domain once it listens.
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in stdout.read_text().splitlines():
                if line.startswith("AUTH0_DOMAIN="):
                    self.domain = line.split("=", 1)[1]
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        pytest.fail(
            f"emulator {self.name} did not start: {stdout.read_text()}"
            f"{(self.directory / 'stderr.log').read_text()}"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

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

    def requests(self) -> list[dict[str, Any]]:
        if not self.request_log.exists():
            return []
        return [json.loads(line) for line in self.request_log.read_text().splitlines() if line]

    def mark(self) -> int:
        return len(self.requests())

    def writes_since(self, mark: int) -> list[str]:
        """Requests after `mark` that change something in the tenant, as `METHOD path`. The
        token endpoint and the apply lock (an API, `/resource-servers`, that only exists while
        an apply runs) change nothing a tenant file manages, so they are left out."""
        return [
            f"{r['method']} {r['path']}"
            for r in self.requests()[mark:]
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
