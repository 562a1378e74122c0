// tenantform and Auth0's Deploy CLI (a0deploy, pinned in package.json) side by side on one
// emulated tenant at Auth0's `free` rate limit (burst 2, 2 requests/s): the export of a large
// tenant (1,000 applications, 500 M2M grants, 50 database connections each enabled for 10
// applications: benches/runs.rs's) and of the example tenant (tenants/dev.yaml).
//
//   (cd tests/deploy-cli && npm ci) && cargo build --release && node tests/deploy-cli/bench.mjs
//
// TENANTFORM_BIN names the tenantform binary (default target/release/tenantform). Takes a few
// minutes; not part of CI. docs/benchmarks.md says what each figure means.
//
// Per tenant: `tenantform emulate --state` without limits is seeded with `tenantform apply
// --auto-approve` and stopped (it saves the tenant), then started again on that state with
// `--rate-limit free`. Then, one after the other with a pause between for the bucket to
// refill: `tenantform export`, `tenantform plan` of the seeded file (in sync), and `a0deploy
// export --format yaml` through the TLS proxy. Requests to /api/v2/ and 429s are counted from
// the emulator's request log (--request-log), wall time is the command's, start to exit.
// Prints a table per run, then a markdown table like issue 12's.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  EMULATED_KINDS, Failure, a0deploy, check, deploy, deployConfig, log, makeCertificate, newSecret,
  repo, run, startEmulator, startProxy, stopEmulator, tenantformBin, tenantformEnv, workDir,
  writeConfig,
} from './emulated.mjs';

const bin = tenantformBin('target/release/tenantform');
const PRESET = 'free';
// Longer than any preset takes to refill its burst (free: 2 tokens at 2/s; enterprise: 50 at
// 16/s, crates/auth0-emulator/src/options.rs): every measured run starts from a full bucket.
const REFILL_MS = 4_000;
// a0deploy waits out 429s with its SDK's back-off: a large export at `free` takes minutes.
const RUN_TIMEOUT_MS = 900_000;

const APPLICATIONS = 1_000;
const GRANTS = 500;
const CONNECTIONS = 50;
const ENABLED_PER_CONNECTION = 10;

// The same file as benches/runs.rs's tenant_yaml(applications, grants, connections):
// `applications` M2M applications, the first `grants` granted the Management API, and
// `connections` database connections each enabled for ENABLED_PER_CONNECTION applications.
function tenantYaml(applications, grants, connections) {
  const app = (index) => `app-${String(index).padStart(5, '0')}`;
  const lines = ['applications:'];
  for (let index = 0; index < applications; index += 1) {
    const number = String(index).padStart(5, '0');
    lines.push(
      `  ${app(index)}:`,
      `    name: Benchmark App ${number}`,
      '    app_type: non_interactive',
      '    grant_types: [client_credentials]',
    );
  }
  lines.push('grants:');
  for (let index = 0; index < grants; index += 1) {
    lines.push(`  - application: ${app(index)}`, '    audience: management-api', '    scopes: [read:users]');
  }
  lines.push('connections:');
  for (let index = 0; index < connections; index += 1) {
    const enabled = [];
    for (let offset = 0; offset < ENABLED_PER_CONNECTION; offset += 1) {
      enabled.push(app((index * ENABLED_PER_CONNECTION + offset) % applications));
    }
    lines.push(
      `  bench-users-${String(index).padStart(3, '0')}:`,
      '    disable_signup: true',
      `    enabled_applications: [${enabled.join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The Management API requests (/api/v2/, not the token endpoint) in the request log.
function managementRequests(requestLog) {
  if (!fs.existsSync(requestLog)) return [];
  return fs
    .readFileSync(requestLog, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.path.startsWith('/api/v2/'));
}

// /api/v2/connections/con_x1/clients -> /api/v2/connections/{id}/clients
const pathShape = (p) =>
  `/api/v2/${p
    .slice('/api/v2/'.length)
    .split('/')
    .map((segment, i) => (i > 0 && /[0-9]/.test(segment) ? '{id}' : segment))
    .join('/')}`;

// Runs `command` after a refill pause, then counts what it sent from the request log.
async function measured(emulator, command) {
  await pause(REFILL_MS);
  const before = managementRequests(emulator.requestLog).length;
  const result = await command();
  const sent = managementRequests(emulator.requestLog).slice(before);
  // Answers other than success and 429 (an export that met errors measures less than it
  // should): listed with the run's figures.
  const failures = {};
  for (const entry of sent.filter((e) => e.status !== 429 && (e.status < 200 || e.status > 299))) {
    const key = `${entry.status} ${entry.method} ${pathShape(entry.path)}`;
    failures[key] = (failures[key] ?? 0) + 1;
  }
  return {
    requests: sent.length,
    refused: sent.filter((entry) => entry.status === 429).length,
    seconds: result.ms / 1000,
    failures,
  };
}

function tenantformRun(args, env) {
  return async () => {
    const result = await run(bin, [...args, '--no-progress', '--color', 'never'], { env, timeoutMs: RUN_TIMEOUT_MS });
    if (result.code !== 0) throw new Failure(`tenantform ${args[0]} exited with ${result.code}`, result.output);
    return result;
  };
}

// Seeds a tenant from `file` on an emulator without limits, saved to `state` when it stops.
async function seed(work, name, file, env) {
  const state = path.join(work, `${name}-state.json`);
  const emulator = await startEmulator(bin, path.join(work, `${name}-seed-requests.jsonl`), ['--state', state]);
  try {
    const applied = await run(bin, ['apply', file, '--auto-approve', '--no-progress', '--color', 'never'], {
      env: { ...env, ...tenantformEnv(emulator) },
      timeoutMs: RUN_TIMEOUT_MS,
    });
    if (applied.code !== 0) throw new Failure(`tenantform apply (seeding ${name}) exited with ${applied.code}`, applied.output);
  } finally {
    await stopEmulator(emulator);
  }
  return state;
}

// Seeds, restarts at the preset, measures the three runs.
async function benchTenant(work, certificate, tenant) {
  const state = await seed(work, tenant.name, tenant.file, tenant.env);
  const emulator = await startEmulator(bin, path.join(work, `${tenant.name}-requests.jsonl`), [
    '--state',
    state,
    '--rate-limit',
    PRESET,
  ]);
  const proxy = await startProxy(emulator.origin, certificate);
  try {
    const env = { ...tenant.env, ...tenantformEnv(emulator) };
    const exported = path.join(work, `${tenant.name}-tenantform-export.yaml`);
    const tenantformExport = await measured(emulator, tenantformRun(['export', '--out', exported], env));
    check(
      fs.readFileSync(exported, 'utf8').includes(tenant.marker),
      `tenantform's export of ${tenant.name} lacks ${tenant.marker}`,
    );
    const plan = await measured(emulator, tenantformRun(['plan', tenant.file, '--detailed-exitcode'], env));

    const configFile = path.join(work, `${tenant.name}-a0deploy-config.json`);
    writeConfig(configFile, deployConfig(emulator, proxy, { AUTH0_INCLUDED_ONLY: EMULATED_KINDS }));
    const out = path.join(work, `${tenant.name}-a0deploy-export`);
    const deployExport = await measured(emulator, () =>
      deploy(['export', '--format', 'yaml', '--output_folder', out], `export (${tenant.name})`, {
        configFile,
        certFile: certificate.certFile,
        timeoutMs: RUN_TIMEOUT_MS,
      }),
    );
    check(
      fs.readFileSync(path.join(out, 'tenant.yaml'), 'utf8').includes(tenant.marker),
      `a0deploy's export of ${tenant.name} lacks ${tenant.marker}`,
    );
    fs.rmSync(configFile, { force: true });
    return { tenantformExport, plan, deployExport };
  } finally {
    proxy.close();
    await stopEmulator(emulator);
  }
}

const cell = (m) => `${m.requests} requests, ${m.refused} 429s, ${m.seconds.toFixed(1)} s`;

async function main() {
  for (const [what, file] of [['tenantform', bin], ['a0deploy', a0deploy]]) {
    if (!fs.existsSync(file)) {
      log(`no ${what} at ${file}: build it (cargo build --release) / run \`npm ci\` in tests/deploy-cli`);
      return 1;
    }
  }
  const work = workDir('tenantform-bench-');
  const mailgunKey = newSecret();
  const largeFile = path.join(work, 'large.yaml');
  fs.writeFileSync(largeFile, tenantYaml(APPLICATIONS, GRANTS, CONNECTIONS));
  const tenants = [
    {
      name: 'large',
      label: `${APPLICATIONS.toLocaleString('en')} applications, ${GRANTS} M2M grants, ${CONNECTIONS} DB connections each enabled for ${ENABLED_PER_CONNECTION} apps`,
      file: largeFile,
      env: {},
      marker: `Benchmark App ${String(APPLICATIONS - 1).padStart(5, '0')}`,
    },
    {
      name: 'example',
      label: 'example tenant (tenants/dev.yaml)',
      file: path.join(repo, 'tenants', 'dev.yaml'),
      env: { MAILGUN_API_KEY: mailgunKey },
      marker: 'reporting-dashboard-users',
    },
  ];
  const versions = [
    (await run(bin, ['--version'])).output.trim(),
    `a0deploy ${(await run(a0deploy, ['--version'])).output.trim()}`,
    `node ${process.version}`,
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'})`,
  ];
  log(`${new Date().toISOString().slice(0, 10)}; ${versions.join('; ')}; rate limit ${PRESET}`);
  const results = [];
  let failed = false;
  try {
    const certificate = makeCertificate(work);
    for (const tenant of tenants) {
      const started = Date.now();
      const result = await benchTenant(work, certificate, tenant);
      results.push([tenant, result]);
      for (const [run, m] of Object.entries(result)) {
        for (const [what, count] of Object.entries(m.failures)) log(`${tenant.name} ${run}: ${count} x ${what}`);
      }
      log(`${tenant.name}: tenantform export ${cell(result.tenantformExport)}; tenantform plan ${cell(result.plan)}; a0deploy export ${cell(result.deployExport)} [${((Date.now() - started) / 1000).toFixed(0)} s with seeding]`);
    }
  } catch (error) {
    failed = true;
    log(`FAIL: ${error.message}`);
    if (error.output) log(`---- output ----\n${error.output.trimEnd()}\n---- end of output ----`);
    if (!(error instanceof Failure)) log(error.stack);
  }
  if (!failed) {
    log('');
    log(`| tenant (rate limit \`${PRESET}\`) | tenantform | Deploy CLI |`);
    log('|---|---|---|');
    for (const [tenant, result] of results) {
      log(`| ${tenant.label}: export | ${cell(result.tenantformExport)} | ${cell(result.deployExport)} |`);
      log(`| same tenant, plan (in sync) | ${cell(result.plan)} | — |`);
    }
    fs.rmSync(work, { recursive: true, force: true });
  } else {
    // The a0deploy configs and the emulator's state hold the client secret: they do not
    // outlive the run.
    for (const tenant of tenants) {
      fs.rmSync(path.join(work, `${tenant.name}-a0deploy-config.json`), { force: true });
      fs.rmSync(path.join(work, `${tenant.name}-state.json`), { force: true });
    }
    log(`the emulator's request logs and the exports are kept in ${work}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
