"""Fixtures of the browser test: an emulated tenant made by `tenantform apply`, the app's files
made by `tenantform render`, Streamlit serving app.py with them, and Debian's Chromium driven
by Playwright.

Run from the repository root:

    TENANTFORM_BIN=target/debug/tenantform .ci-venv/bin/python -m pytest tests/browser -q

Needs `/usr/bin/chromium` (Debian's `chromium` package) and the packages of
`.ci/requirements-browser.txt`. Nothing is written into the repository except screenshots
under `target/browser-artifacts/`, nor into the user's home (the CLI's rate-limit cache goes to
a temporary directory of the session).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values
from emulated import REPO, Emulator, check_clean, clean_env, stop_process, tenantform_bin

APP = Path(__file__).resolve().parent / "app.py"
ARTIFACTS = REPO / "target" / "browser-artifacts"

# tenants/dev.yaml registers http://localhost:8501/oauth2callback, so Streamlit must be there.
STREAMLIT_PORT = 8501
APP_URL = f"http://localhost:{STREAMLIT_PORT}"
# The local environment of tenants/dev.yaml, with a Google connection added by a tenant file of
# the test's own (written beside it in the copy): what the social case signs in through.
TENANT_FILE = "tenants/browser-test.yaml"
ENVIRONMENT = "local"
CONNECTION = "reporting-dashboard-users"
GOOGLE_CONNECTION = "google-oauth2"
BROWSER_TEST_TENANT = f"""\
# tenants/dev.yaml with "Continue with Google" for the dashboard (Auth0's development keys).
extends: [dev.yaml]

connections:
  {GOOGLE_CONNECTION}:
    strategy: google-oauth2
    scopes: [email, profile]
    enabled_applications: [dashboard]
"""
ADMIN_EMAIL = "admin@acme.example"

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Generous: a cold CI machine imports Streamlit (pandas, pyarrow) for the first time.
STARTUP_TIMEOUT_S = 180.0
COMMAND_TIMEOUT_S = 300.0
HTTP_TIMEOUT_S = 30.0


def excerpt(text: str, limit: int = 1500) -> str:
    text = text.strip()
    return text if len(text) <= limit else f"...{text[-limit:]}"


class Process:
    """A background process whose output goes to files (nothing to block on), stopped with
    its whole process group."""

    def __init__(self, name: str, args: list[str], cwd: Path, env: dict[str, str], logs: Path):
        self.name = name
        self.args = args
        self.stdout_path = logs / f"{name}.stdout.log"
        self.stderr_path = logs / f"{name}.stderr.log"
        check_clean(env, name)
        self._stdout = self.stdout_path.open("wb")
        self._stderr = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,
        )

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def output(self) -> str:
        """Both streams, for failure messages."""
        return (
            f"--- {self.name} stdout ---\n{excerpt(self.stdout())}\n"
            f"--- {self.name} stderr ---\n{excerpt(self.stderr_path.read_text(errors='replace'))}"
        )

    def exited(self) -> int | None:
        return self.proc.poll()

    def stop(self) -> None:
        stop_process(self.proc)
        self._stdout.close()
        self._stderr.close()


def run(args: list[Any], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Runs a command to completion; a failure says what it printed."""
    args = [str(a) for a in args]
    check_clean(env, args[0])
    try:
        result = subprocess.run(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"`{' '.join(args)}` did not finish in {COMMAND_TIMEOUT_S:.0f}s: {e}")
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` exited {result.returncode}\n"
            f"--- stdout ---\n{excerpt(result.stdout)}\n--- stderr ---\n{excerpt(result.stderr)}"
        )
    return result


@dataclass
class Tenant:
    """The tenant after `apply`, and the app directory `render` wrote."""

    config_dir: Path
    app_dir: Path
    env_file: dict[str, str | None]


@dataclass
class StreamlitApp:
    url: str
    process: Process


class ManagementApi:
    """A minimal Management API client: a client_credentials token, JSON in and out."""

    def __init__(self, domain: str, client_id: str, client_secret: str):
        self.domain = domain.rstrip("/")
        status, body = self._request(
            "POST",
            "/oauth/token",
            urllib.parse.urlencode(
                {
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "audience": f"{self.domain}/api/v2/",
                }
            ).encode(),
            {"content-type": "application/x-www-form-urlencoded"},
        )
        if status != 200:
            pytest.fail(f"POST {self.domain}/oauth/token answered {status}: {excerpt(body)}")
        self.token = json.loads(body)["access_token"]

    def _request(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str]:
        request = urllib.request.Request(
            self.domain + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        headers = {"authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        status, text = self._request(method, path, data, headers)
        if status != expect:
            pytest.fail(f"{method} {path} answered {status} (expected {expect}): {excerpt(text)}")
        return json.loads(text) if text else None

    def user_by_email(self, email: str, connection: str = CONNECTION) -> dict[str, Any]:
        query = urllib.parse.urlencode({"email": email})
        users = self.call("GET", f"/api/v2/users-by-email?{query}")
        for user in users:
            if any(i.get("connection") == connection for i in user.get("identities", [])):
                return user
        pytest.fail(f"no user {email} in connection {connection}: {users}")


def port_in_use(port: int) -> bool:
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            try:
                if s.connect_ex((address, port)) == 0:
                    return True
            except OSError:
                pass
    return False


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def emulator(request: pytest.FixtureRequest, work_dir: Path) -> Emulator:
    """`tenantform emulate` on a free port (tests/python_support), with the M2M credentials
    it made up."""
    emulator = Emulator(work_dir / "emulator")
    request.addfinalizer(emulator.stop)
    emulator.start(tenantform_bin())
    return emulator


@pytest.fixture(scope="session")
def tenant(emulator: Emulator, work_dir: Path) -> Tenant:
    """`apply` tenants/dev.yaml plus a Google connection to the emulator, then `render` its
    local environment, both from a copy of the tenant files so nothing is written into the
    repository."""
    config_dir = work_dir / "config"
    for name in ("tenants", "actions", "emails"):
        shutil.copytree(REPO / name, config_dir / name)
    (config_dir / TENANT_FILE).write_text(BROWSER_TEST_TENANT)
    env = clean_env(
        AUTH0_DOMAIN=emulator.domain,
        AUTH0_M2M_CLIENT_ID=emulator.client_id,
        AUTH0_M2M_CLIENT_SECRET=emulator.client_secret,
        MAILGUN_API_KEY="browser-test-dummy-mailgun-key",
        ADMIN_EMAIL=ADMIN_EMAIL,
    )
    binary = tenantform_bin()
    common = ["--color", "never", "--no-progress"]
    run([binary, "apply", TENANT_FILE, "--auto-approve", *common], cwd=config_dir, env=env)
    app_dir = work_dir / "app"
    app_dir.mkdir()
    run(
        [binary, "render", TENANT_FILE, "--env", ENVIRONMENT, "--out-dir", app_dir, *common],
        cwd=config_dir,
        env=env,
    )
    secrets = app_dir / ".streamlit" / "secrets.toml"
    env_path = app_dir / ".env"
    for path in (secrets, env_path):
        if not path.is_file():
            pytest.fail(f"tenantform render wrote no {path}")
    return Tenant(config_dir=config_dir, app_dir=app_dir, env_file=dotenv_values(env_path))


@pytest.fixture(scope="session")
def mgmt(tenant: Tenant) -> ManagementApi:
    """The Management API as the dashboard's admin page uses it: with the M2M credentials
    `render` wrote into `.env` (the dashboard-admin application and its grant)."""
    env = tenant.env_file
    for name in ("AUTH0_DOMAIN", "AUTH0_M2M_CLIENT_ID", "AUTH0_M2M_CLIENT_SECRET"):
        if not env.get(name):
            pytest.fail(f"the rendered .env has no {name}: {sorted(env)}")
    return ManagementApi(
        env["AUTH0_DOMAIN"], env["AUTH0_M2M_CLIENT_ID"], env["AUTH0_M2M_CLIENT_SECRET"]
    )


@pytest.fixture(scope="session")
def streamlit_app(request: pytest.FixtureRequest, tenant: Tenant, work_dir: Path) -> StreamlitApp:
    """`streamlit run app.py` in the rendered app directory, on the registered port 8501."""
    if port_in_use(STREAMLIT_PORT):
        pytest.fail(
            f"port {STREAMLIT_PORT} is already in use: the tenant's callback is {APP_URL}/oauth2callback, "
            "so the test's Streamlit must listen there; stop whatever serves it"
        )
    process = Process(
        "streamlit",
        [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.port", str(STREAMLIT_PORT),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
        ],
        cwd=tenant.app_dir,
        env=clean_env(STREAMLIT_BROWSER_GATHER_USAGE_STATS="false"),
        logs=work_dir,
    )
    request.addfinalizer(process.stop)
    health = f"http://127.0.0.1:{STREAMLIT_PORT}/_stcore/health"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = "no answer"
    while True:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                if response.status == 200:
                    break
                last = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        if process.exited() is not None:
            pytest.fail(f"streamlit exited {process.exited()}\n{process.output()}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"streamlit was not healthy at {health} within {STARTUP_TIMEOUT_S:.0f}s "
                f"(last: {last})\n{process.output()}"
            )
        time.sleep(0.25)
    return StreamlitApp(url=APP_URL, process=process)


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest):
    """Debian's Chromium, headless, through Playwright (its own browser download is not used)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    request.addfinalizer(playwright.stop)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=STARTUP_TIMEOUT_S * 1000
    )
    request.addfinalizer(browser.close)
    return browser


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
