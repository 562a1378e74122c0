"""A small, strict stand-in for the GitHub Actions runner: it executes a workflow's jobs as
GitHub does, for what the example workflows use, and refuses anything else.

- `run:` steps run in order with `bash --noprofile --norc -eo pipefail` (GitHub's default
  shell), in the job's workspace, with the workflow, job and step `env:`, and fresh
  `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH` and `GITHUB_STEP_SUMMARY` files whose contents are
  read back after each step as the runner does.
- `${{ ... }}` expressions and `if:` conditions are evaluated over explicit contexts: `github`,
  `vars` and `secrets` come from the scenario's table; `env`, `matrix`, `needs` and `steps` are
  built as the run goes. A context value the table does not have is an error, not an empty
  string, so a workflow cannot silently depend on something the test never set.
- `uses:` steps are simulated by `ACTIONS` below (checkout copies the repository snapshot,
  upload/download-artifact copy files between the jobs and runs, the install action puts the
  tenantform under test on the PATH); any other action is an error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

STEP_TIMEOUT_S = 120
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


class WorkflowError(Exception):
    """The workflow uses something this runner does not simulate, or refers to a value the
    scenario did not provide."""


# --- expressions -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_*][A-Za-z0-9_-]*)*))"
)

_MISSING = object()


class Strict(dict):
    """A context whose missing keys are an error (the scenario's table must say)."""

    def __init__(self, name: str, values: dict[str, Any]):
        super().__init__(values)
        self.name = name


@dataclass
class Status:
    """What the status functions see: whether a previous step (or needed job) failed."""

    failed: bool = False
    cancelled: bool = False


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise WorkflowError(f"cannot parse expression at {text[pos:]!r} in {text!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def _loose_equal(a: Any, b: Any) -> bool:
    # GitHub compares strings case-insensitively and coerces mixed types to numbers.
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is not type(b):
        try:
            return float(a if a is not None else 0) == float(b if b is not None else 0)
        except (TypeError, ValueError):
            return False
    return a == b


def _lookup(contexts: dict[str, Any], dotted: str) -> Any:
    head, *rest = dotted.split(".")
    if head not in contexts:
        raise WorkflowError(f"unknown context `{head}` in `{dotted}`")
    value: Any = contexts[head]
    strict = isinstance(value, Strict)
    for part in rest:
        if strict and isinstance(value, dict):
            if part not in value:
                raise WorkflowError(f"`{dotted}`: the scenario's `{head}` table has no `{part}`")
            value = value[part]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = None
    return value


class _Parser:
    def __init__(self, text: str, contexts: dict[str, Any], status: Status):
        self.tokens = _tokens(text)
        self.text = text
        self.pos = 0
        self.contexts = contexts
        self.status = status

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (op is not None and token != ("op", op)):
            raise WorkflowError(f"expected {op or 'a value'} in {self.text!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise WorkflowError(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if _truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.eq()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.eq()
            value = right if _truthy(value) else value
        return value

    def eq(self) -> Any:
        value = self.unary()
        token = self.peek()
        if token in (("op", "=="), ("op", "!=")):
            self.take()
            right = self.unary()
            equal = _loose_equal(value, right)
            return equal if token[1] == "==" else not equal
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not _truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if (kind, text) == ("op", "("):
            value = self.or_()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "name":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek() == ("op", "("):
                return self.call(text)
            return _lookup(self.contexts, text)
        raise WorkflowError(f"unexpected {text!r} in {self.text!r}")

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        while self.peek() != ("op", ")"):
            args.append(self.or_())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        functions: dict[str, Callable[..., Any]] = {
            "success": lambda: not self.status.failed and not self.status.cancelled,
            "failure": lambda: self.status.failed,
            "always": lambda: True,
            "cancelled": lambda: self.status.cancelled,
            "contains": lambda a, b: str(b).lower() in str(a).lower(),
            "startsWith": lambda a, b: str(a).lower().startswith(str(b).lower()),
        }
        if name not in functions:
            raise WorkflowError(f"function {name}() is not simulated")
        return functions[name](*args)


def evaluate(expression: str, contexts: dict[str, Any], status: Status | None = None) -> Any:
    return _Parser(expression, contexts, status or Status()).parse()


_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate(value: Any, contexts: dict[str, Any]) -> Any:
    """Replaces every `${{ expr }}` in a string (recursively in lists and maps)."""
    if isinstance(value, str):
        return _EXPRESSION.sub(lambda m: _as_text(evaluate(m.group(1), contexts)), value)
    if isinstance(value, list):
        return [interpolate(v, contexts) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, contexts) for k, v in value.items()}
    return value


_STATUS_FUNCTION = re.compile(r"\b(success|failure|always|cancelled)\s*\(")


def condition(text: Any, contexts: dict[str, Any], status: Status) -> bool:
    """An `if:`: without a status function it means `success() && (...)`, as on GitHub."""
    if text is None:
        return status.failed is False and not status.cancelled
    if isinstance(text, bool):
        return text and not status.failed
    expression = str(text).strip()
    match = re.fullmatch(r"\$\{\{(.*)\}\}", expression, re.S)
    if match:
        expression = match.group(1)
    if not _STATUS_FUNCTION.search(expression):
        expression = f"success() && ({expression})"
    return _truthy(evaluate(expression, contexts, status))


# --- the runner ------------------------------------------------------------------------------


@dataclass
class StepResult:
    name: str
    id: str | None
    ran: bool
    outcome: str  # success | failure | skipped
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class JobResult:
    key: str
    result: str  # success | failure | skipped
    steps: list[StepResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    workspace: Path | None = None
    definition: dict[str, Any] = field(default_factory=dict)
    # `environment:` and `concurrency:` as GitHub evaluates them for this job (matrix included).
    environment: Any = None
    concurrency: Any = None

    def step(self, key: str) -> StepResult:
        for step in self.steps:
            if key in (step.id, step.name):
                return step
        raise KeyError(f"no step {key!r} in job {self.key}: {[s.name for s in self.steps]}")

    def log(self) -> str:
        """Every step's output, for failure messages."""
        parts = []
        for step in self.steps:
            parts.append(f"--- {step.name} ({step.outcome})\n{step.stdout}{step.stderr}")
        return "\n".join(parts)


@dataclass
class WorkflowRun:
    run_id: str
    jobs: dict[str, JobResult]
    artifacts: dict[str, Path]

    def job(self, key: str) -> JobResult:
        if key not in self.jobs:
            raise KeyError(f"no job {key!r}: {list(self.jobs)}")
        return self.jobs[key]


@dataclass
class Runner:
    """Runs workflows of one simulated repository. `runs` keeps every run's artifacts, so a
    later run can download an earlier one's (by `run-id`)."""

    repository: Path  # the checked-out snapshot (what actions/checkout gives)
    scratch: Path
    base_env: dict[str, str]
    tenantform: Path
    runs: dict[str, WorkflowRun] = field(default_factory=dict)
    _counter: int = 0
    _defaults: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        workflow: Path,
        *,
        github: dict[str, Any],
        vars: dict[str, str],
        secrets: dict[str, str],
        run_id: str,
    ) -> WorkflowRun:
        spec = yaml.safe_load(workflow.read_text())
        workflow_env = spec.get("env") or {}
        artifacts: dict[str, Path] = {}
        run = WorkflowRun(run_id=run_id, jobs={}, artifacts=artifacts)
        self.runs[run_id] = run
        github = {**github, "run_id": run_id}
        # The default variables of a runner that the workflows read as $GITHUB_*.
        self._defaults = {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_REPOSITORY": github["repository"],
            "GITHUB_SERVER_URL": github["server_url"],
            "GITHUB_SHA": github["sha"],
        }
        job_results: dict[str, list[JobResult]] = {}
        for job_id in _job_order(spec["jobs"]):
            job = spec["jobs"][job_id]
            needs = _as_list(job.get("needs"))
            needed = [r for n in needs for r in job_results[n]]
            needs_context = Strict(
                "needs",
                {
                    n: {"result": _combined(job_results[n]), "outputs": _outputs(job_results[n])}
                    for n in needs
                },
            )
            results = []
            for matrix in _matrix(job):
                key = job_id if not matrix else f"{job_id} ({', '.join(map(str, matrix.values()))})"
                contexts: dict[str, Any] = {
                    "github": Strict("github", github),
                    "vars": Strict("vars", vars),
                    "secrets": Strict("secrets", secrets),
                    "matrix": Strict("matrix", matrix),
                    "needs": needs_context,
                    "env": {},
                    "steps": {},
                    "runner": {"temp": ""},
                }
                status = Status(failed=any(r.result != "success" for r in needed))
                if not condition(job.get("if"), contexts, status):
                    result = JobResult(
                        key=key,
                        result="skipped",
                        definition=job,
                        outputs={k: "" for k in job.get("outputs") or {}},
                    )
                else:
                    result = self._job(key, job, workflow_env, contexts, run, artifacts)
                run.jobs[key] = result
                results.append(result)
            job_results[job_id] = results
        return run

    def _job(
        self,
        key: str,
        job: dict[str, Any],
        workflow_env: dict[str, Any],
        contexts: dict[str, Any],
        run: WorkflowRun,
        artifacts: dict[str, Path],
    ) -> JobResult:
        self._counter += 1
        home = self.scratch / f"job-{self._counter}"
        workspace = home / "workspace"
        temp = home / "temp"
        tools = home / "tools"
        for directory in (workspace, temp, tools):
            directory.mkdir(parents=True)
        contexts["runner"] = {"temp": str(temp)}
        env = {k: _as_text(v) for k, v in interpolate(workflow_env, contexts).items()}
        contexts["env"] = dict(env)
        env.update({k: _as_text(v) for k, v in interpolate(job.get("env") or {}, contexts).items()})
        contexts["env"] = dict(env)
        result = JobResult(
            key=key,
            result="success",
            workspace=workspace,
            definition=job,
            environment=interpolate(job.get("environment"), contexts),
            concurrency=interpolate(job.get("concurrency"), contexts),
        )
        job_env: dict[str, str] = {}
        path_additions: list[str] = []
        status = Status()
        for index, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or f"step {index + 1}"
            step_id = step.get("id")
            if not condition(step.get("if"), contexts, status):
                outcome = StepResult(name=name, id=step_id, ran=False, outcome="skipped")
                result.steps.append(outcome)
                if step_id:
                    contexts["steps"][step_id] = {
                        "outcome": "skipped",
                        "conclusion": "skipped",
                        "outputs": {},
                    }
                continue
            step_env = dict(env)
            step_env.update(job_env)
            contexts["env"] = dict(step_env)
            step_env.update(
                {k: _as_text(v) for k, v in interpolate(step.get("env") or {}, contexts).items()}
            )
            contexts["env"] = dict(step_env)
            files = {
                "GITHUB_OUTPUT": temp / f"output-{index}",
                "GITHUB_ENV": temp / f"env-{index}",
                "GITHUB_PATH": temp / f"path-{index}",
                "GITHUB_STEP_SUMMARY": temp / f"summary-{index}",
            }
            for path in files.values():
                path.write_text("")
            process_env = {
                **self.base_env,
                **self._defaults,
                **step_env,
                **{k: str(v) for k, v in files.items()},
                "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(temp),
                "GITHUB_RUN_ID": run.run_id,
            }
            process_env["PATH"] = os.pathsep.join(path_additions + [self.base_env["PATH"]])
            if "run" in step:
                outcome = self._run_step(
                    name, step_id, step, contexts, process_env, workspace, temp, index
                )
            elif "uses" in step:
                outcome = self._uses_step(
                    name, step_id, step, contexts, workspace, tools, path_additions, run, artifacts
                )
            else:
                raise WorkflowError(f"step {name!r} has neither run nor uses")
            outcome.env = step_env
            outcome.outputs = _read_key_values(files["GITHUB_OUTPUT"])
            job_env.update(_read_key_values(files["GITHUB_ENV"]))
            path_additions = [
                line for line in files["GITHUB_PATH"].read_text().splitlines() if line
            ] + path_additions
            result.summary += files["GITHUB_STEP_SUMMARY"].read_text()
            result.steps.append(outcome)
            if step_id:
                contexts["steps"][step_id] = {
                    "outcome": outcome.outcome,
                    "conclusion": outcome.outcome,
                    "outputs": dict(outcome.outputs),
                }
            if outcome.outcome == "failure" and not step.get("continue-on-error"):
                status.failed = True
                result.result = "failure"
        contexts["env"] = dict(env)
        result.outputs = {
            k: _as_text(v) for k, v in interpolate(job.get("outputs") or {}, contexts).items()
        }
        return result

    def _run_step(self, name, step_id, step, contexts, env, workspace, temp, index) -> StepResult:
        if step.get("shell") not in (None, "bash"):
            raise WorkflowError(f"step {name!r}: shell {step['shell']!r} is not simulated")
        script = temp / f"step-{index}.sh"
        script.write_text(interpolate(step["run"], contexts))
        cwd = workspace / step.get("working-directory", ".")
        completed = subprocess.run(
            [*BASH, str(script)],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_S,
        )
        return StepResult(
            name=name,
            id=step_id,
            ran=True,
            outcome="success" if completed.returncode == 0 else "failure",
            stdout=completed.stdout,
            stderr=completed.stderr,
        )

    def _uses_step(
        self, name, step_id, step, contexts, workspace, tools, path_additions, run, artifacts
    ) -> StepResult:
        action = step["uses"].split("@")[0]
        inputs = interpolate(step.get("with") or {}, contexts)
        simulate = ACTIONS.get(action)
        if simulate is None:
            raise WorkflowError(f"action {step['uses']!r} is not simulated")
        message = simulate(self, inputs, workspace, tools, path_additions, run, artifacts)
        return StepResult(
            name=name,
            id=step_id,
            ran=True,
            outcome="success" if message is None else "failure",
            stderr=message or "",
        )


# --- simulated actions: each returns None on success, else the error it would print ----------


def _checkout(runner: Runner, inputs, workspace: Path, *_rest) -> str | None:
    shutil.copytree(runner.repository, workspace, dirs_exist_ok=True)
    return None


def _install(runner: Runner, inputs, workspace, tools: Path, path_additions: list[str], *_rest):
    tool = str(inputs.get("tool", ""))
    if tool.split("@")[0] != "tenantform":
        raise WorkflowError(f"install-action of {tool!r} is not simulated")
    (tools / "tenantform").symlink_to(runner.tenantform)
    path_additions.insert(0, str(tools))
    return None


def _upload(runner: Runner, inputs, workspace: Path, tools, path_additions, run, artifacts):
    name = inputs.get("name", "artifact")
    source = workspace / str(inputs["path"])
    stored = runner.scratch / "artifacts" / run.run_id / name
    files = (
        [p for p in source.rglob("*") if p.is_file()]
        if source.is_dir()
        else ([source] if source.is_file() else [])
    )
    if not files:
        if inputs.get("if-no-files-found", "warn") == "error":
            return f"no files were found with the provided path: {inputs['path']}"
        return None
    if source.is_dir():
        shutil.copytree(source, stored)
    else:
        stored.mkdir(parents=True)
        shutil.copy2(source, stored / source.name)
    artifacts[name] = stored
    return None


def _download(runner: Runner, inputs, workspace: Path, tools, path_additions, run, artifacts):
    name = inputs["name"]
    run_id = str(inputs.get("run-id") or run.run_id)
    if run_id != run.run_id and not inputs.get("github-token"):
        return "downloading from another run needs github-token"
    source_run = runner.runs.get(run_id)
    if source_run is None or name not in source_run.artifacts:
        return f"unable to find an artifact named {name!r} in run {run_id}"
    shutil.copytree(
        source_run.artifacts[name], workspace / str(inputs.get("path", ".")), dirs_exist_ok=True
    )
    return None


ACTIONS: dict[str, Callable[..., str | None]] = {
    "actions/checkout": _checkout,
    "taiki-e/install-action": _install,
    "actions/upload-artifact": _upload,
    "actions/download-artifact": _download,
}


# --- helpers ---------------------------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _job_order(jobs: dict[str, Any]) -> list[str]:
    order: list[str] = []
    while len(order) < len(jobs):
        ready = [
            j
            for j in jobs
            if j not in order and all(n in order for n in _as_list(jobs[j].get("needs")))
        ]
        if not ready:
            raise WorkflowError("jobs have a cycle in `needs`")
        order.extend(ready)
    return order


def _matrix(job: dict[str, Any]) -> list[dict[str, Any]]:
    matrix = (job.get("strategy") or {}).get("matrix")
    if not matrix:
        return [{}]
    combos: list[dict[str, Any]] = [{}]
    for key, values in matrix.items():
        if key in ("include", "exclude") or not isinstance(values, list):
            raise WorkflowError(f"matrix `{key}` is not simulated")
        combos = [{**c, key: v} for c in combos for v in values]
    return combos


def _combined(results: list[JobResult]) -> str:
    if any(r.result == "failure" for r in results):
        return "failure"
    if all(r.result == "skipped" for r in results):
        return "skipped"
    return "success"


def _outputs(results: list[JobResult]) -> dict[str, str]:
    # A matrix job's outputs are those of its last run to set them, as on GitHub.
    merged: dict[str, str] = {}
    for result in results:
        merged.update({k: v for k, v in result.outputs.items() if v != ""})
    for result in results:
        for k in result.outputs:
            merged.setdefault(k, "")
    return merged


def _read_key_values(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as GITHUB_OUTPUT and GITHUB_ENV hold."""
    values: dict[str, str] = {}
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        elif line.strip():
            raise WorkflowError(f"malformed line in {path.name}: {line!r}")
        i += 1
    return values
