"""The example pipelines of examples/github-actions, executed: each workflow's jobs run step by
step (runner.py) against two emulated tenants at once, dev and prod, each with its own
credentials, and the outcomes are checked in the tenants themselves (their request logs and
state), in what the workflows posted through `gh`, and in the files they left.

The scenarios of a team's day: a pull request with a change (comment with the change, the
saved plans applied at merge), one without (the comment says "No changes" and is updated in
place), a saved plan gone stale before the merge (refused, nothing written, re-planned for
review), drift found at night (an issue opened, then updated; the job fails), and the deploy
whose start command renders the app's secrets from the environment.
"""

from __future__ import annotations

import re
import stat
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from conftest import COMMAND_TIMEOUT_S, GITHUB_TOKEN, REPOSITORY, Stubs, Tenants, clean_env
from runner import Runner, WorkflowRun

WORKFLOWS = Path("examples/github-actions/.github/workflows")
MARKER = "<!-- tenantform-plan -->"
GITHUB_COMMENT_LIMIT = 65_536

PR_NUMBER = 7
PR_HEAD_SHA = "1111111111111111111111111111111111111111"
MERGE_SHA = "2222222222222222222222222222222222222222"
PLAN_RUN_ID = "9001"

DEV_NAME_BEFORE = "Acme Dashboard (dev)"
DEV_NAME_AFTER = "Acme Dashboard (development)"


def workflow(name: str) -> Path:
    return Path(__file__).resolve().parents[2] / WORKFLOWS / name


def github(event_name: str, sha: str, event: dict[str, Any]) -> dict[str, Any]:
    """The `github` context of a run: the scenario's substitution table for `${{ github.* }}`."""
    return {
        "token": GITHUB_TOKEN,
        "repository": REPOSITORY,
        "server_url": "https://github.com",
        "event_name": event_name,
        "sha": sha,
        "event": event,
    }


def pull_request_run(runner: Runner, tenants: Tenants) -> WorkflowRun:
    return runner.run(
        workflow("tenantform-plan.yml"),
        github=github("pull_request", PR_HEAD_SHA, {"pull_request": {"number": PR_NUMBER}}),
        vars=tenants.vars(),
        secrets=tenants.secrets(),
        run_id=PLAN_RUN_ID,
    )


def merge_run(runner: Runner, tenants: Tenants, stubs: Stubs) -> WorkflowRun:
    # What GitHub answers the find-plans job: the merge commit's pull request, then that pull
    # request's successful plan run.
    stubs.respond(
        [
            {
                "match": rf"^api repos/{REPOSITORY}/commits/{MERGE_SHA}/pulls ",
                "stdout": f"{PR_HEAD_SHA}\n",
            },
            {
                "match": rf"^run list --workflow tenantform-plan\.yml --commit {PR_HEAD_SHA} --status success ",
                "stdout": f"{PLAN_RUN_ID}\n",
            },
        ]
    )
    return runner.run(
        workflow("tenantform-apply.yml"),
        github=github("push", MERGE_SHA, {}),
        vars=tenants.vars(),
        secrets=tenants.secrets(),
        run_id="9002",
    )


def change_dev_name(repo: Path) -> None:
    """The pull request's change: dev's friendly name."""
    dev = repo / "tenants" / "dev.yaml"
    text = dev.read_text()
    assert f"friendly_name: {DEV_NAME_BEFORE}" in text
    dev.write_text(
        text.replace(f"friendly_name: {DEV_NAME_BEFORE}", f"friendly_name: {DEV_NAME_AFTER}")
    )


def summary_lines(body: str) -> dict[str, str]:
    """The comment's summary line of each tenant file, by file."""
    lines = re.findall(r"^- \*\*(tenants/[\w-]+\.yaml)\*\*(?: \(`[^`]*`\))?: (.*)$", body, re.M)
    return dict(lines)


def friendly_name(emulator) -> str:
    return emulator.api("GET", "tenants/settings")["friendly_name"]


def assert_no_secret(tenants: Tenants, *texts: str) -> None:
    for secret in (tenants.dev.client_secret, tenants.prod.client_secret):
        for text in texts:
            assert secret not in text, "a client secret was printed or posted"


def run_texts(run: WorkflowRun) -> list[str]:
    texts = []
    for job in run.jobs.values():
        texts.append(job.log())
        texts.append(job.summary)
    for directory in run.artifacts.values():
        texts.extend(p.read_text() for p in directory.rglob("*") if p.is_file())
    return texts


def test_pull_request_with_a_change_comments_it_and_the_merge_applies_the_saved_plan(
    runner: Runner, tenants: Tenants, stubs: Stubs, repo: Path
):
    tenants.apply_files()
    change_dev_name(repo)
    marks = {"dev": tenants.dev.mark(), "prod": tenants.prod.mark()}

    run = pull_request_run(runner, tenants)

    job = run.job("plan")
    assert job.result == "success", job.log()
    # Changes to review are not a failure of the job: the plan step records exit code 2.
    assert job.step("plan").outputs == {"exitcode": "2"}, job.log()
    calls = stubs.calls("gh")
    posted = [c for c in calls if c["args"][:2] == ["pr", "comment"]]
    assert [c["args"][2] for c in posted] == [str(PR_NUMBER)], calls
    assert not [c for c in calls if "PATCH" in c["args"]], "no earlier comment to update"
    body = posted[0]["bodies"]["body"]
    assert body.startswith(MARKER), body[:200]
    assert len(body) < GITHUB_COMMENT_LIMIT
    summary = summary_lines(body)
    assert summary["tenants/dev.yaml"].startswith("Plan: 0 to create, 1 to update, 0 to delete"), (
        body
    )
    assert summary["tenants/prod.yaml"].startswith("No changes"), body
    assert "friendly_name" in body and DEV_NAME_AFTER in body and DEV_NAME_BEFORE in body
    assert posted[0]["env_set"] == ["GH_REPO", "GH_TOKEN"]
    assert posted[0]["GH_REPO"] == REPOSITORY
    # The run's summary got the same plan; the artifact holds one saved plan per tenant.
    assert MARKER in job.summary and DEV_NAME_AFTER in job.summary
    assert sorted(p.name for p in run.artifacts["tenantform-plans"].iterdir()) == [
        "dev.plan.json",
        "prod.plan.json",
    ]
    # Planning wrote nothing to either tenant.
    assert tenants.dev.writes_since(marks["dev"]) == []
    assert tenants.prod.writes_since(marks["prod"]) == []
    assert_no_secret(tenants, *run_texts(run), body)

    stubs.clear()
    merge = merge_run(runner, tenants, stubs)

    assert merge.job("find-plans").outputs == {"run-id": PLAN_RUN_ID}, merge.job("find-plans").log()
    dev_job, prod_job = merge.job("apply (dev)"), merge.job("apply (prod)")
    assert dev_job.result == "success", dev_job.log()
    assert prod_job.result == "success", prod_job.log()
    assert dev_job.step("apply").ran and not dev_job.step("Plan again and stop for review").ran
    # Each tenant's job has its environment (its secrets, prod's reviewers) and its own queue.
    assert (dev_job.environment, prod_job.environment) == ("dev", "prod")
    assert dev_job.concurrency == {"group": "tenantform-apply-dev", "cancel-in-progress": False}
    assert prod_job.concurrency == {"group": "tenantform-apply-prod", "cancel-in-progress": False}
    # The saved plan reached the tenant: one tenant-settings update on dev, nothing on prod.
    assert friendly_name(tenants.dev) == DEV_NAME_AFTER
    assert tenants.dev.writes_since(marks["dev"]) == ["PATCH /api/v2/tenants/settings"]
    assert tenants.prod.writes_since(marks["prod"]) == []
    assert friendly_name(tenants.prod) == "Acme Dashboard"
    assert_no_secret(tenants, *run_texts(merge))


def test_pull_request_without_a_change_says_no_changes_in_the_comment_it_updates(
    runner: Runner, tenants: Tenants, stubs: Stubs
):
    tenants.apply_files()
    # An earlier push of this pull request left the comment 4242.
    stubs.respond(
        [{"match": rf"^api repos/{REPOSITORY}/issues/{PR_NUMBER}/comments ", "stdout": "4242\n"}]
    )

    run = pull_request_run(runner, tenants)

    job = run.job("plan")
    assert job.result == "success", job.log()
    assert job.step("plan").outputs == {"exitcode": "0"}, job.log()
    calls = stubs.calls("gh")
    assert not [c for c in calls if c["args"][:2] == ["pr", "comment"]], "updated, not posted again"
    updated = [c for c in calls if c["args"][:3] == ["api", "--method", "PATCH"]]
    assert [c["args"][3] for c in updated] == [f"repos/{REPOSITORY}/issues/comments/4242"], calls
    body = updated[0]["bodies"]["body"]
    assert body.startswith(MARKER)
    summary = summary_lines(body)
    assert sorted(summary) == ["tenants/dev.yaml", "tenants/prod.yaml"], body
    assert all(line.startswith("No changes") for line in summary.values()), body


def test_a_stale_saved_plan_is_refused_at_merge_nothing_is_written_and_it_is_planned_again(
    runner: Runner, tenants: Tenants, stubs: Stubs, repo: Path
):
    tenants.apply_files()
    change_dev_name(repo)
    run = pull_request_run(runner, tenants)
    assert run.job("plan").result == "success", run.job("plan").log()
    # Between the plan and the merge, someone renames the dev tenant in the dashboard.
    tenants.dev.api("PATCH", "tenants/settings", {"friendly_name": "Renamed in the dashboard"})
    marks = {"dev": tenants.dev.mark(), "prod": tenants.prod.mark()}

    merge = merge_run(runner, tenants, stubs)

    dev_job = merge.job("apply (dev)")
    assert dev_job.result == "failure", dev_job.log()
    apply = dev_job.step("apply")
    assert apply.outcome == "failure"
    assert "changed since the plan was made" in apply.stderr + apply.stdout, dev_job.log()
    # Nothing reached the tenant: no write in its request log, the dashboard's name stays.
    assert tenants.dev.writes_since(marks["dev"]) == []
    assert friendly_name(tenants.dev) == "Renamed in the dashboard"
    # The job planned again, for review, and stopped.
    replan = dev_job.step("Plan again and stop for review")
    assert replan.ran and replan.outcome == "failure"
    assert "Renamed in the dashboard" in replan.stdout and DEV_NAME_AFTER in replan.stdout, (
        dev_job.log()
    )
    assert MARKER in dev_job.summary and "Renamed in the dashboard" in dev_job.summary
    # prod's saved plan (no changes) was current: its job went ahead, untouched by dev's refusal.
    prod_job = merge.job("apply (prod)")
    assert prod_job.result == "success", prod_job.log()
    assert tenants.prod.writes_since(marks["prod"]) == []


def test_drift_opens_an_issue_then_updates_it_and_fails_the_nightly_job(
    runner: Runner, tenants: Tenants, stubs: Stubs
):
    tenants.apply_files()
    # Someone adds a callback to prod's dashboard application by hand.
    clients = tenants.prod.api("GET", "clients?fields=client_id,name&include_fields=true")
    dashboard = next(c for c in clients if c["name"] == "Acme Dashboard")
    tenants.prod.api(
        "PATCH",
        f"clients/{dashboard['client_id']}",
        {"callbacks": ["https://dashboard.acme.example/oauth2callback", "https://evil.example/cb"]},
    )
    marks = {"dev": tenants.dev.mark(), "prod": tenants.prod.mark()}

    def nightly(run_id: str) -> WorkflowRun:
        return runner.run(
            workflow("tenantform-drift.yml"),
            github=github("schedule", MERGE_SHA, {}),
            vars=tenants.vars(),
            secrets=tenants.secrets(),
            run_id=run_id,
        )

    # First night: no drift issue is open.
    run = nightly("9101")
    prod_job, dev_job = run.job("drift (prod)"), run.job("drift (dev)")
    assert prod_job.result == "failure", prod_job.log()
    assert prod_job.step("plan").outputs == {"exitcode": "2"}
    assert prod_job.step("Open or update the drift issue").outcome == "failure"  # the red run
    assert dev_job.result == "success", dev_job.log()
    assert dev_job.step("plan").outputs == {"exitcode": "0"}
    created = [c for c in stubs.calls("gh") if c["args"][:2] == ["issue", "create"]]
    assert len(created) == 1, stubs.calls("gh")
    args = created[0]["args"]
    assert args[args.index("--title") + 1] == "Drift in the prod Auth0 tenant"
    assert args[args.index("--label") + 1] == "tenantform-drift"
    body = created[0]["bodies"]["body"]
    assert "https://evil.example/cb" in body and "callbacks" in body, body
    assert not [
        c for c in stubs.calls("gh") if c["args"][:2] in (["issue", "close"], ["issue", "edit"])
    ]

    # Second night: prod's issue is open (12) and still drifting; dev has an old one (11) and
    # is in line again.
    stubs.clear()
    stubs.respond(
        [
            {
                "match": "^issue list ",
                "env": {"TITLE": "Drift in the prod Auth0 tenant"},
                "stdout": "12\n",
            },
            {
                "match": "^issue list ",
                "env": {"TITLE": "Drift in the dev Auth0 tenant"},
                "stdout": "11\n",
            },
        ]
    )
    run = nightly("9102")
    assert run.job("drift (prod)").result == "failure"
    calls = [
        c["args"][:3]
        for c in stubs.calls("gh")
        if c["args"][0] == "issue" and c["args"][1] != "list"
    ]
    assert sorted(calls) == [
        ["issue", "close", "11"],
        ["issue", "comment", "12"],
        ["issue", "edit", "12"],
    ], calls
    edited = next(c for c in stubs.calls("gh") if c["args"][:2] == ["issue", "edit"])
    assert "https://evil.example/cb" in edited["bodies"]["body"]
    # The nightly job only reads.
    assert tenants.dev.writes_since(marks["dev"]) == []
    assert tenants.prod.writes_since(marks["prod"]) == []
    assert_no_secret(tenants, *run_texts(run))


def test_deploy_renders_as_the_start_command_does_then_deploys(
    runner: Runner, tenants: Tenants, stubs: Stubs, repo: Path, tmp_path: Path
):
    tenants.apply_files()
    # The dashboard application's credentials, as the PaaS service's variables hold them.
    clients = tenants.prod.api(
        "GET", "clients?fields=client_id,client_secret,name&include_fields=true"
    )
    dashboard = next(c for c in clients if c["name"] == "Acme Dashboard")
    app_secrets = {
        "STREAMLIT_AUTH_CLIENT_ID": dashboard["client_id"],
        "STREAMLIT_AUTH_CLIENT_SECRET": dashboard["client_secret"],
        "STREAMLIT_AUTH_COOKIE_SECRET": "c" * 64,
        "RAILWAY_TOKEN": "railway-token-not-real",
    }

    def deploy(conclusion: str, run_id: str) -> WorkflowRun:
        return runner.run(
            workflow("deploy.yml"),
            github=github(
                "workflow_run",
                MERGE_SHA,
                {"workflow_run": {"conclusion": conclusion, "head_sha": MERGE_SHA}},
            ),
            vars=tenants.vars(),
            secrets=tenants.secrets(**app_secrets),
            run_id=run_id,
        )

    # After a failed apply nothing is deployed.
    assert deploy("failure", "9201").job("deploy").result == "skipped"
    assert stubs.calls("npx") == []

    job = deploy("success", "9202").job("deploy")
    assert job.result == "success", job.log()
    check = job.workspace.parent / "temp" / "start-check" / ".streamlit" / "secrets.toml"
    assert tomllib.loads(check.read_text())["auth"]["auth0"]["client_id"] == dashboard["client_id"]
    deployed = stubs.calls("npx")
    assert [c["args"] for c in deployed] == [
        ["--yes", "@railway/cli@4", "up", "--ci", "--service", "dashboard"]
    ]
    assert deployed[0]["env_set"] == ["RAILWAY_TOKEN"]

    # On the PaaS: the Procfile's start command, with the service's variables, renders the
    # secrets and starts Streamlit (a stub here) on $PORT.
    procfile = (repo / "Procfile").read_text()
    command = next(
        line[len("web:") :].strip() for line in procfile.splitlines() if line.startswith("web:")
    )
    service = tmp_path / "service"
    subprocess.run(["cp", "-r", str(repo), str(service)], check=True)
    # The image's PATH: tenantform (the build installed it) and the stand-in for Streamlit.
    image_bin = tmp_path / "image-bin"
    image_bin.mkdir()
    (image_bin / "tenantform").symlink_to(tenants.binary)
    mark = tenants.prod.mark()
    started = subprocess.run(
        ["bash", "-c", command],
        cwd=service,
        env=clean_env(
            PATH=f"{stubs.bin}:{image_bin}:/usr/bin:/bin",
            STUB_DIR=str(stubs.directory),
            PORT="8080",
            AUTH0_DOMAIN=tenants.prod.domain,
            **{k: v for k, v in app_secrets.items() if k.startswith("STREAMLIT_")},
        ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert started.returncode == 0, started.stdout + started.stderr
    assert [c["args"] for c in stubs.calls("streamlit")] == [
        ["run", "app.py", "--server.port", "8080", "--server.address", "0.0.0.0"]
    ]
    secrets_file = service / ".streamlit" / "secrets.toml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    auth = tomllib.loads(secrets_file.read_text())["auth"]
    assert auth["redirect_uri"] == "https://dashboard.acme.example/oauth2callback"
    assert auth["cookie_secret"] == "c" * 64
    assert auth["auth0"]["client_id"] == dashboard["client_id"]
    assert auth["auth0"]["client_secret"] == dashboard["client_secret"]
    assert (
        auth["auth0"]["server_metadata_url"]
        == f"{tenants.prod.domain}/.well-known/openid-configuration"
    )
    # Rendering from the environment needs no tenant: not one request reached it.
    assert tenants.prod.mark() == mark
    assert_no_secret(tenants, started.stdout, started.stderr, job.log())
