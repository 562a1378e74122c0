"""examples/gitlab-ci/.gitlab-ci.yml, executed (gitlab.py) against the same two emulated
tenants, in the example repository of examples/github-actions: the merge request's note and
saved plans, their apply on the default branch (prod only when played), and the scheduled
drift job. The GitLab API is the recording `curl` stub; jq and unzip are the real ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Stubs, Tenants, clean_env
from gitlab import GitLabPipeline
from test_workflows import (
    DEV_NAME_AFTER,
    MARKER,
    MERGE_SHA,
    PR_HEAD_SHA,
    PR_NUMBER,
    assert_no_secret,
    change_dev_name,
    friendly_name,
    summary_lines,
)

GITLAB_CI = REPO / "examples" / "gitlab-ci" / ".gitlab-ci.yml"
API = "https://gitlab.example.com/api/v4"
PROJECT = "42"


@pytest.fixture
def pipeline(tmp_path: Path, repo: Path, tenants: Tenants, stubs: Stubs) -> GitLabPipeline:
    home = tmp_path / "gitlab-home"
    home.mkdir()
    system_path = [
        d
        for d in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
        if d and not (Path(d) / "tenantform").exists()
    ]
    return GitLabPipeline(
        path=GITLAB_CI,
        repository=repo,
        scratch=tmp_path / "gitlab",
        base_env=clean_env(
            HOME=str(home),
            STUB_DIR=str(stubs.directory),
            PATH=os.pathsep.join([str(stubs.bin), *system_path]),
        ),
        tenantform=tenants.binary,
    )


def project_variables(tenants: Tenants, **predefined: str) -> dict[str, str]:
    """The project's CI/CD variables and the pipeline's predefined ones."""
    return {
        **tenants.vars(),
        **tenants.secrets(),
        "GITLAB_API_TOKEN": "glpat-stub-not-real",
        "CI_API_V4_URL": API,
        "CI_PROJECT_ID": PROJECT,
        "CI_DEFAULT_BRANCH": "main",
        "CI_PIPELINE_URL": "https://gitlab.example.com/acme/dashboard/-/pipelines/77",
        **predefined,
    }


def curl_calls(stubs: Stubs, method: str) -> list[dict]:
    return [c for c in stubs.calls("curl") if method in c["args"]]


def test_gitlab_merge_request_note_then_the_default_branch_applies_the_saved_plan(
    pipeline: GitLabPipeline, tenants: Tenants, stubs: Stubs, repo: Path, tmp_path: Path
):
    tenants.apply_files()
    change_dev_name(repo)
    marks = {"dev": tenants.dev.mark(), "prod": tenants.prod.mark()}
    merge_request = project_variables(
        tenants,
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_IID=str(PR_NUMBER),
        CI_COMMIT_SHA=PR_HEAD_SHA,
    )
    notes = f"{API}/projects/{PROJECT}/merge_requests/{PR_NUMBER}/notes"
    stubs.respond([{"command": "curl", "match": rf"{notes}\?per_page=100$", "stdout": "[]"}])

    [validate] = pipeline.run_job("validate", merge_request)
    assert validate.status == "success", validate.output
    [plan] = pipeline.run_job("plan", merge_request)

    assert plan.status == "success", plan.output
    posted = curl_calls(stubs, "POST")
    assert [c["args"][-1] for c in posted] == [notes], stubs.calls("curl")
    assert not curl_calls(stubs, "PUT")
    body = posted[0]["bodies"]["body"]
    assert body.startswith(MARKER)
    summary = summary_lines(body)
    assert summary["tenants/dev.yaml"].startswith("Plan: 0 to create, 1 to update, 0 to delete"), (
        body
    )
    assert summary["tenants/prod.yaml"].startswith("No changes"), body
    assert sorted(p.name for p in plan.artifacts) == ["plan-comment.md", "plans"]
    assert tenants.dev.writes_since(marks["dev"]) == []
    # Apply jobs are not part of a merge request pipeline.
    assert pipeline.run_job("apply:dev", merge_request)[0].status == "skipped"

    # The next push finds its note among the others (real jq over GitLab's answer) and edits it.
    stubs.clear()
    existing = [{"id": 98, "body": "LGTM"}, {"id": 99, "body": f"{MARKER}\nan older plan"}]
    stubs.respond(
        [{"command": "curl", "match": rf"{notes}\?per_page=100$", "stdout": json.dumps(existing)}]
    )
    [again] = pipeline.run_job("plan", merge_request)
    assert again.status == "success", again.output
    assert not curl_calls(stubs, "POST")
    assert [c["args"][-1] for c in curl_calls(stubs, "PUT")] == [f"{notes}/99"]

    # The merge: the default branch's pipeline finds the merge request and downloads its plan
    # job's artifacts (GitLab answers with a zip of them).
    archive = tmp_path / "artifacts.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in plan.artifacts:
            for file in [path] if path.is_file() else sorted(path.rglob("*")):
                zipped.write(file, file.relative_to(plan.workspace))
    stubs.clear()
    stubs.respond(
        [
            {
                "command": "curl",
                "match": rf"{API}/projects/{PROJECT}/repository/commits/{MERGE_SHA}/merge_requests$",
                "stdout": json.dumps([{"iid": PR_NUMBER}]),
            },
            {
                "command": "curl",
                "match": rf"/jobs/artifacts/refs%2Fmerge-requests%2F{PR_NUMBER}%2Fhead/download\?job=plan$",
                "output_file": str(archive),
            },
        ]
    )
    main = project_variables(
        tenants, CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="main", CI_COMMIT_SHA=MERGE_SHA
    )
    [dev] = pipeline.run_job("apply:dev", main)
    assert dev.status == "success", dev.output
    assert friendly_name(tenants.dev) == DEV_NAME_AFTER
    assert tenants.dev.writes_since(marks["dev"]) == ["PATCH /api/v2/tenants/settings"]
    # prod waits for someone to press play.
    assert pipeline.run_job("apply:prod", main)[0].status == "manual"
    [prod] = pipeline.run_job("apply:prod", main, play=True)
    assert prod.status == "success", prod.output
    assert tenants.prod.writes_since(marks["prod"]) == []
    assert_no_secret(tenants, plan.output, dev.output, prod.output, body)


def test_gitlab_stale_saved_plan_is_refused_and_planned_again(
    pipeline: GitLabPipeline, tenants: Tenants, stubs: Stubs, repo: Path, tmp_path: Path
):
    tenants.apply_files()
    change_dev_name(repo)
    plans = tmp_path / "saved"
    made = tenants.tenantform(
        "plan", "tenants/dev.yaml", "--out", str(plans / "plans" / "dev.plan.json")
    )
    assert made.returncode == 0, made.stdout + made.stderr
    archive = tmp_path / "artifacts.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(plans / "plans" / "dev.plan.json", "plans/dev.plan.json")
    tenants.dev.api("PATCH", "tenants/settings", {"friendly_name": "Renamed in the dashboard"})
    mark = tenants.dev.mark()
    stubs.respond(
        [
            {
                "command": "curl",
                "match": r"/merge_requests$",
                "stdout": json.dumps([{"iid": PR_NUMBER}]),
            },
            {"command": "curl", "match": r"/download\?job=plan$", "output_file": str(archive)},
        ]
    )
    main = project_variables(
        tenants, CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="main", CI_COMMIT_SHA=MERGE_SHA
    )

    [dev] = pipeline.run_job("apply:dev", main)

    assert dev.status == "failed", dev.output
    assert "changed since the plan was made" in dev.output
    assert "the saved plan of dev was not applied" in dev.output
    assert "Renamed in the dashboard" in dev.output and DEV_NAME_AFTER in dev.output
    assert tenants.dev.writes_since(mark) == []
    assert friendly_name(tenants.dev) == "Renamed in the dashboard"


def test_gitlab_scheduled_drift_opens_an_issue_and_fails(
    pipeline: GitLabPipeline, tenants: Tenants, stubs: Stubs
):
    tenants.apply_files()
    tenants.prod.api("PATCH", "tenants/settings", {"friendly_name": "Renamed in the dashboard"})
    stubs.respond([{"command": "curl", "match": r"--get .*/issues$", "stdout": "[]"}])
    schedule = project_variables(tenants, CI_PIPELINE_SOURCE="schedule", CI_COMMIT_BRANCH="main")

    jobs = {job.name: job for job in pipeline.run_job("drift", schedule)}

    assert jobs["drift: [dev]"].status == "success", jobs["drift: [dev]"].output
    assert jobs["drift: [prod]"].status == "failed", jobs["drift: [prod]"].output
    created = curl_calls(stubs, "POST")
    assert len(created) == 1, stubs.calls("curl")
    args = created[0]["args"]
    assert "title=Drift in the prod Auth0 tenant" in args and "labels=tenantform-drift" in args
    description = created[0]["bodies"]["description"]
    assert "Renamed in the dashboard" in description and "friendly_name" in description


def test_gitlab_job_scripts_pass_shellcheck():
    """Each job's lines as the runner runs them (before_script, then script) in one bash."""
    spec = yaml.safe_load(GITLAB_CI.read_text())
    before = spec["default"]["before_script"]
    scripts = {
        name: job["script"]
        for name, job in spec.items()
        if isinstance(job, dict) and "script" in job
    }
    assert sorted(scripts) == [".apply", "drift", "plan", "validate"]
    for name, lines in scripts.items():
        checked = subprocess.run(
            ["shellcheck", "--shell=bash", "-"],
            input="\n".join(["set -eo pipefail", *before, *lines]) + "\n",
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, f"{name}:\n{checked.stdout}"
