"""A small, strict stand-in for a GitLab runner, for what examples/gitlab-ci/.gitlab-ci.yml uses:
`default` and `extends`, `variables`, `rules` (`if:` comparisons of variables joined by `&&`;
`changes:` is taken as matched, the scenarios always change tenants/), `when: manual` (the test
plays such a job), `parallel: matrix`, and `artifacts: paths` kept after a successful job.

A job's `before_script` and `script` lines run in one `bash -eo pipefail` in a fresh copy of the
repository, with the scenario's predefined `CI_*` variables and project variables. The cache
is restored with the tenantform under test installed where the job's `cargo install --root
.cargo-bin` puts it, so `cargo` itself never runs.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from runner import BASH, STEP_TIMEOUT_S, WorkflowError


@dataclass
class GitLabJob:
    name: str
    status: str  # success | failed | manual | skipped
    output: str = ""
    workspace: Path | None = None
    artifacts: list[Path] = field(default_factory=list)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_COMPARISON = re.compile(r'^\s*(\$\w+)\s*(==|!=)\s*("[^"]*"|\$\w+)\s*$')


def _rule_matches(expression: str, variables: dict[str, str]) -> bool:
    def value(term: str) -> str:
        return variables.get(term[1:], "") if term.startswith("$") else term.strip('"')

    for clause in expression.split("&&"):
        match = _COMPARISON.match(clause)
        if not match:
            raise WorkflowError(f"rule `{expression}` is not simulated")
        left, op, right = match.groups()
        if (value(left) == value(right)) != (op == "=="):
            return False
    return True


@dataclass
class GitLabPipeline:
    path: Path
    repository: Path
    scratch: Path
    base_env: dict[str, str]
    tenantform: Path
    _counter: int = 0

    def __post_init__(self) -> None:
        self.spec = yaml.safe_load(self.path.read_text())

    def job_definition(self, name: str) -> dict[str, Any]:
        job = self.spec[name]
        for parent in (
            [job["extends"]] if isinstance(job.get("extends"), str) else job.get("extends", [])
        ):
            job = _deep_merge(self.spec[parent], {k: v for k, v in job.items() if k != "extends"})
        return job

    def run_job(
        self, name: str, variables: dict[str, str], *, play: bool = False
    ) -> list[GitLabJob]:
        """Runs the job `name` (each of its matrix jobs) as a pipeline with `variables` would.
        A manual job runs only when `play` (a person pressed play)."""
        job = self.job_definition(name)
        env = {**{k: str(v) for k, v in (self.spec.get("variables") or {}).items()}, **variables}
        rule = next((r for r in job.get("rules", []) if _rule_matches(r["if"], env)), None)
        if rule is None:
            return [GitLabJob(name=name, status="skipped")]
        if rule.get("when") == "manual" and not play:
            return [GitLabJob(name=name, status="manual")]
        matrices: list[dict[str, str]] = []
        for entry in (job.get("parallel") or {}).get("matrix", []):
            keys = list(entry)
            lists = [v if isinstance(v, list) else [v] for v in entry.values()]
            matrices.extend(dict(zip(keys, map(str, combo))) for combo in itertools.product(*lists))
        matrices = matrices or [{}]
        results = []
        for matrix in matrices:
            key = name if not matrix else f"{name}: [{', '.join(matrix.values())}]"
            results.append(
                self._run(
                    key,
                    job,
                    {
                        **env,
                        **{k: str(v) for k, v in (job.get("variables") or {}).items()},
                        **matrix,
                    },
                )
            )
        return results

    def _run(self, key: str, job: dict[str, Any], variables: dict[str, str]) -> GitLabJob:
        self._counter += 1
        workspace = self.scratch / f"gitlab-job-{self._counter}"
        shutil.copytree(self.repository, workspace)
        # The cache: tenantform already installed by an earlier pipeline.
        installed = workspace / ".cargo-bin" / "bin"
        installed.mkdir(parents=True)
        (installed / "tenantform").symlink_to(self.tenantform)
        default = self.spec.get("default") or {}
        lines = list(job.get("before_script", default.get("before_script", []))) + list(
            job["script"]
        )
        script = workspace.parent / f"gitlab-job-{self._counter}.sh"
        script.write_text("\n".join(lines) + "\n")
        completed = subprocess.run(
            [*BASH, str(script)],
            cwd=workspace,
            env={**self.base_env, **variables, "CI": "true", "GITLAB_CI": "true"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_S,
        )
        status = "success" if completed.returncode == 0 else "failed"
        artifacts = []
        if status == "success":
            for pattern in (job.get("artifacts") or {}).get("paths", []):
                artifacts.extend(workspace.glob(pattern.rstrip("/")))
        return GitLabJob(
            name=key,
            status=status,
            output=completed.stdout + completed.stderr,
            workspace=workspace,
            artifacts=artifacts,
        )
