"""What the three Python suites (tests/browser, tests/sdk-python, tests/workflows) share: the
tenantform binary under test, the clean environment every command they start gets (with the
session's TENANTFORM_CACHE_DIR, so the user's ~/.cache/tenantform is never written, and the
guard that checks it was not), and `tenantform emulate` started on a free port, read and stopped.

Each suite's pytest.ini puts this directory on sys.path (`pythonpath = ../python_support`) and
loads this module as a plugin (`-p emulated`), which makes the cache fixtures below apply to
every test; its conftest imports what it builds on.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# `tenantform emulate` listens within a second; generous for a loaded CI machine.
EMULATOR_STARTUP_TIMEOUT_S = 60.0
# What `tenantform emulate` prints once it listens, one `NAME=value` line each.
EMULATOR_VARIABLES = ("AUTH0_DOMAIN", "AUTH0_M2M_CLIENT_ID", "AUTH0_M2M_CLIENT_SECRET")


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


# --- the environment of every command a test starts ---------------------------------------------

# Where every command keeps tenantform's rate-limit cache (src/api/rate_limit_cache.rs), which
# would otherwise be the user's ~/.cache/tenantform: one temporary directory per session.
CACHE_DIR_VAR = "TENANTFORM_CACHE_DIR"
CACHE_DIR = Path(tempfile.mkdtemp(prefix="tenantform-pytest-cache-"))

# Variables that could point a command at another tenant (AUTH0_*, the example pipelines'
# DEV_*/PROD_*, the tenant files' MAILGUN_*, ADMIN_EMAIL and STAGING_HOST), make it think it
# runs on GitHub (GITHUB_*, RUNNER_*, GH_*), reconfigure Streamlit, or set tenantform's own.
DROPPED_PREFIXES = (
    "AUTH0_",
    "TENANTFORM_",
    "MAILGUN_",
    "DEV_",
    "PROD_",
    "GITHUB_",
    "RUNNER_",
    "GH_",
    "STREAMLIT_",
)
DROPPED_NAMES = ("ADMIN_EMAIL", "STAGING_HOST")


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without what DROPPED_PREFIXES and DROPPED_NAMES name, without
    colours, with the session's cache directory, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED_NAMES
    }
    env["NO_COLOR"] = "1"
    env[CACHE_DIR_VAR] = str(CACHE_DIR)
    env.update(extra)
    return env


def check_clean(env: dict[str, str], what: str) -> None:
    """Fails when `env`, given to `what`, does not come from clean_env."""
    assert env.get(CACHE_DIR_VAR) == str(CACHE_DIR), f"{what}: env does not come from clean_env"


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


def user_cache_state() -> dict[Path, tuple[int, int] | None]:
    return {path: file_state(path) for path in user_cache_files()}


USER_CACHE_WRITTEN = (
    "a command the test ran wrote the user's tenantform cache: every environment a test "
    f"gives a command must come from clean_env ({CACHE_DIR_VAR})"
)


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir():
    """The session's cache directory, removed at the end; fails the session if the user's
    cache changed over it (which covers what session fixtures do when they are torn down)."""
    before = user_cache_state()
    yield CACHE_DIR
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    assert user_cache_state() == before, USER_CACHE_WRITTEN


@pytest.fixture(autouse=True)
def user_cache_untouched():
    """Fails the test after which the user's rate-limit cache was created or changed."""
    before = user_cache_state()
    yield
    assert user_cache_state() == before, USER_CACHE_WRITTEN


# --- processes ------------------------------------------------------------------------------------


def stop_process(process: subprocess.Popen) -> None:
    """Stops a process started with `start_new_session=True` with its whole process group:
    SIGTERM, then SIGKILL if it has not exited within 15 s."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


class Emulator:
    """One `tenantform emulate` on a free port, its output and request log in `directory`: the
    domain and M2M credentials it printed. Given credentials are the M2M application's
    (`--client-id`, `--client-secret`); else the emulator makes them up."""

    def __init__(
        self,
        directory: Path,
        client_id: str = "",
        client_secret: str = "",
        name: str = "emulator",
    ):
        self.directory = directory
        self.client_id = client_id
        self.client_secret = client_secret
        self.name = name
        self.domain = ""
        self.process: subprocess.Popen | None = None

    @property
    def request_log(self) -> Path:
        return self.directory / "requests.jsonl"

    @property
    def stdout_path(self) -> Path:
        return self.directory / "stdout.log"

    @property
    def stderr_path(self) -> Path:
        return self.directory / "stderr.log"

    def start(self, binary: Path, *args: str) -> None:
        """Starts the emulator with `args` (e.g. `--rate-limit free`) added; returns once it
        printed its domain and credentials, fails the test with its output if it does not."""
        self.directory.mkdir(parents=True)
        command = [str(binary), "emulate", "--listen", "127.0.0.1:0", "--color", "never"]
        if self.client_id:
            command += ["--client-id", self.client_id, "--client-secret", self.client_secret]
        command += ["--request-log", str(self.request_log), *args]
        env = clean_env()
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + EMULATOR_STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            printed = self.stdout_path.read_text(errors="replace")
            # Only whole lines: a value may still be on its way.
            lines = printed[: printed.rfind("\n") + 1].splitlines()
            values = dict(line.split("=", 1) for line in lines if "=" in line)
            if all(values.get(name) for name in EMULATOR_VARIABLES):
                self.domain = values["AUTH0_DOMAIN"].strip()
                self.client_id = values["AUTH0_M2M_CLIENT_ID"].strip()
                self.client_secret = values["AUTH0_M2M_CLIENT_SECRET"].strip()
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"{self.name} (tenantform emulate) did not start:\n{self.output()}")

    def output(self) -> str:
        """Both streams, for failure messages, without the client secret."""
        stdout = re.sub(
            r"(?m)^AUTH0_M2M_CLIENT_SECRET=.*$",
            "AUTH0_M2M_CLIENT_SECRET=***",
            self.stdout_path.read_text(errors="replace"),
        )
        return f"--- stdout ---\n{stdout}\n--- stderr ---\n{self.stderr_path.read_text(errors='replace')}"

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)

    # --- the request log: what reached the tenant ---

    def requests(self) -> list[dict[str, Any]]:
        if not self.request_log.exists():
            return []
        return [json.loads(line) for line in self.request_log.read_text().splitlines() if line]

    def mark(self) -> int:
        return len(self.requests())

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.requests()[mark:]
