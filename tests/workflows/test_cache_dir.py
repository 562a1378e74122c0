"""The suite keeps tenantform's rate-limit cache out of the user's home: a command run with
clean_env's environment writes it under the session's temporary directory."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import (
    CACHE_DIR,
    COMMAND_TIMEOUT_S,
    Emulator,
    clean_env,
    file_state,
    tenantform_bin,
    user_cache_files,
)


def test_a_plan_writes_its_rate_limit_cache_in_the_session_directory(tmp_path: Path, repo: Path):
    # With a burst of 1 every read empties the bucket, so the run ends before a token is back
    # and tells the next one when it will be: the cache file is written.
    emulator = Emulator("limited", tmp_path / "emulator", "cache-test-m2m", "cache-secret-41d7")
    emulator.start(tenantform_bin(), "--rate-limit", "2/1")
    user_files = {path: file_state(path) for path in user_cache_files()}
    try:
        done = subprocess.run(
            [str(tenantform_bin()), "plan", "tenants/dev.yaml"],
            cwd=repo,
            env=clean_env(
                DEV_AUTH0_DOMAIN=emulator.domain,
                DEV_AUTH0_CLIENT_ID=emulator.client_id,
                DEV_AUTH0_CLIENT_SECRET=emulator.client_secret,
            ),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    finally:
        emulator.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    cache = json.loads((CACHE_DIR / "rate-limits.json").read_text())
    assert emulator.domain in cache["origins"]
    assert {path: file_state(path) for path in user_cache_files()} == user_files
