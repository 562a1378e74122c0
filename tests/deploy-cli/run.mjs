// Auth0's own Deploy CLI (a0deploy, pinned in package.json) against `tenantform emulate`, as a
// user would run it: the emulator behind a local TLS proxy (a0deploy only speaks HTTPS), with a
// certificate made for this run and trusted through NODE_EXTRA_CA_CERTS (TLS checks stay on).
//
//   (cd tests/deploy-cli && npm ci) && node tests/deploy-cli/run.mjs     # Node 20.19+
//
// TENANTFORM_BIN names the tenantform binary (default target/debug/tenantform). Scenarios:
//   1. import tenant/tenant.yaml; the Management API then shows the Action built, deployed and
//      bound to post-login, the clients, the grant, the connection and the tenant flags;
//   2. export the tenant with a0deploy and import that export back: exit 0, nothing changes;
//   3. `tenantform export` of the same tenant loads with `tenantform validate`.
// One summary line per scenario, then `N passed, N failed`; exit 1 on any failure, with the
// output of the command that failed (secrets masked) and the emulator's request log kept.

import fs from 'node:fs';
import path from 'node:path';

import {
  EMULATED_KINDS, Failure, a0deploy, check, deploy as runDeploy, deployConfig, here, log,
  makeCertificate, managementAudience, newSecret, repo, run, startEmulator, startProxy,
  stopEmulator, tenantformBin, tenantformEnv, workDir, writeConfig,
} from './emulated.mjs';

const bin = tenantformBin('target/debug/tenantform');

const ACTION = 'Deploy CLI Post-Login';
const WEB_APP = 'Deploy CLI Web App';
const BACKEND = 'Deploy CLI Backend';
const CONNECTION = 'deploy-cli-users';
const CONFIG_FILES = ['a0deploy-config.json', 'a0deploy-config-emulated.json'];

function deploy(ctx, args, what, configFile = ctx.configFile) {
  return runDeploy(args, what, { configFile, certFile: ctx.certFile });
}

// --- the Management API, read directly from the emulator ---------------------------------------

async function managementToken(ctx) {
  const answer = await fetch(`${ctx.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ctx.clientId,
      client_secret: ctx.clientSecret,
      audience: ctx.audience,
    }),
  });
  const body = await answer.json();
  if (answer.status !== 200 || !body.access_token) {
    throw new Error(`POST /oauth/token answered ${answer.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

async function api(ctx, pathAndQuery) {
  const answer = await fetch(`${ctx.origin}/api/v2${pathAndQuery}`, {
    headers: { authorization: `Bearer ${ctx.token}` },
  });
  const text = await answer.text();
  if (answer.status !== 200) throw new Failure(`GET /api/v2${pathAndQuery} answered ${answer.status}: ${text}`);
  return JSON.parse(text);
}

// The tenant as a0deploy manages it, resources keyed by name, without what the server keeps
// for itself: timestamps, build status, version and binding ids (a0deploy deploys every Action
// on every import and replaces the bindings, which makes new ones on Auth0 too), and secrets.
async function snapshot(ctx) {
  const byName = (items, name = (x) => x.name) => Object.fromEntries(items.map((x) => [name(x), x]));
  const clients = (await api(ctx, '/clients?per_page=100')).filter((c) => !c.global);
  const clientName = Object.fromEntries(clients.map((c) => [c.client_id, c.name]));
  const connections = await api(ctx, '/connections?per_page=100');
  const enabledClients = {};
  for (const c of connections) {
    enabledClients[c.name] = (await api(ctx, `/connections/${c.id}/clients`)).clients
      .map((e) => clientName[e.client_id] ?? e.client_id)
      .sort();
  }
  const grants = (await api(ctx, '/client-grants?per_page=100')).map(({ id, ...g }) => g);
  const actions = (await api(ctx, '/actions/actions?per_page=100')).actions.map((a) => ({
    id: a.id,
    name: a.name,
    code: a.code,
    runtime: a.runtime,
    dependencies: a.dependencies,
    supported_triggers: a.supported_triggers,
    secrets: (a.secrets ?? []).map((x) => x.name),
    all_changes_deployed: a.all_changes_deployed,
    deployed_code: a.deployed_version?.code,
  }));
  const bindings = (await api(ctx, '/actions/triggers/post-login/bindings')).bindings.map((b) => ({
    display_name: b.display_name,
    action: b.action?.name,
  }));
  return {
    clients: byName(clients.map(({ client_secret, signing_keys, ...c }) => c)),
    grants: byName(grants, (g) => `${clientName[g.client_id] ?? g.client_id} -> ${g.audience}`),
    connections: byName(connections),
    enabledClients,
    actions: byName(actions),
    bindings,
    settings: await api(ctx, '/tenants/settings'),
  };
}

// What `before` had that `after` changed or lost; resources added or removed count too (depth
// 2, e.g. /clients/<name>). Fields added inside a resource are Auth0 completing what was sent
// (a database connection's `authentication_methods` gain `signup_behavior`, `email_otp` and
// `phone_otp` once they are sent, as recorded): listed apart.
function differences(before, after, where = '', added = []) {
  if (JSON.stringify(before) === JSON.stringify(after)) return { changed: [], added };
  const depth = where.split('/').length - 1;
  if (before === undefined && depth > 2) {
    added.push(where);
    return { changed: [], added };
  }
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before)) {
    const changed = [];
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      changed.push(...differences(before[k], after[k], `${where}/${k}`, added).changed);
    }
    return { changed, added };
  }
  return { changed: [`${where || '/'}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`], added };
}

// --- scenarios ---------------------------------------------------------------------------------

async function importTenant(ctx) {
  const result = await deploy(ctx, ['import', '--input_file', path.join(here, 'tenant', 'tenant.yaml')], 'import');

  const actions = (await api(ctx, `/actions/actions?actionName=${encodeURIComponent(ACTION)}`)).actions;
  check(actions.length === 1, `GET /actions/actions finds ${actions.length} Actions named '${ACTION}'`);
  const action = actions[0];
  check(action.all_changes_deployed === true, `the Action's all_changes_deployed is ${action.all_changes_deployed}`);
  check(action.deployed_version?.deployed === true, `the Action has no deployed version: ${JSON.stringify(action.deployed_version)}`);
  check(
    action.supported_triggers?.some((t) => t.id === 'post-login'),
    `the Action's triggers are ${JSON.stringify(action.supported_triggers)}`,
  );
  check(
    action.secrets?.some((s) => s.name === 'ALLOWED_DOMAIN') && action.secrets.every((s) => s.value === undefined),
    `the Action's secrets read back as ${JSON.stringify(action.secrets?.map((s) => s.name))} (names only expected)`,
  );
  const bindings = (await api(ctx, '/actions/triggers/post-login/bindings')).bindings;
  check(
    bindings.some((b) => b.action?.id === action.id),
    `post-login is bound to ${JSON.stringify(bindings.map((b) => b.action?.name))}, not to '${ACTION}'`,
  );

  const clients = await api(ctx, '/clients?per_page=100');
  const web = clients.find((c) => c.name === WEB_APP);
  const backend = clients.find((c) => c.name === BACKEND);
  check(web?.app_type === 'regular_web', `client '${WEB_APP}' is ${JSON.stringify(web?.app_type)}, not regular_web`);
  check(web.callbacks?.includes('http://localhost:8501/oauth2callback'), `client '${WEB_APP}' has callbacks ${JSON.stringify(web.callbacks)}`);
  check(backend?.app_type === 'non_interactive', `client '${BACKEND}' is ${JSON.stringify(backend?.app_type)}, not non_interactive`);
  const grants = await api(ctx, `/client-grants?client_id=${backend.client_id}`);
  check(
    grants.some((g) => g.audience === ctx.audience && g.scope?.includes('read:users')),
    `client '${BACKEND}' has grants ${JSON.stringify(grants.map((g) => [g.audience, g.scope]))}`,
  );

  const connections = await api(ctx, `/connections?name=${CONNECTION}`);
  check(connections.length === 1, `GET /connections?name=${CONNECTION} finds ${connections.length}`);
  const connection = connections[0];
  check(connection.strategy === 'auth0', `connection '${CONNECTION}' has strategy ${connection.strategy}`);
  check(connection.options?.disable_signup === true, `connection '${CONNECTION}' has disable_signup ${connection.options?.disable_signup}`);
  const enabled = (await api(ctx, `/connections/${connection.id}/clients`)).clients.map((c) => c.client_id);
  check(enabled.includes(web.client_id), `connection '${CONNECTION}' is not enabled for '${WEB_APP}'`);

  const settings = await api(ctx, '/tenants/settings');
  check(settings.friendly_name === 'Deploy CLI Test', `the tenant's friendly_name is ${JSON.stringify(settings.friendly_name)}`);
  check(
    settings.flags?.enable_client_connections === false,
    `the tenant's flags.enable_client_connections is ${settings.flags?.enable_client_connections}`,
  );
  return `Action deployed (version ${action.deployed_version.number}) and bound to post-login; clients, grant, connection, flags present (a0deploy ${(result.ms / 1000).toFixed(1)} s)`;
}

async function exportAndReimport(ctx) {
  const out = path.join(ctx.work, 'a0deploy-export');
  await deploy(ctx, ['export', '--format', 'yaml', '--output_folder', out], 'export', ctx.emulatedConfigFile);
  const exported = path.join(out, 'tenant.yaml');
  check(fs.existsSync(exported), `a0deploy export wrote no ${exported}`);

  const before = await snapshot(ctx);
  await deploy(ctx, ['import', '--input_file', exported], 'import of its own export', ctx.emulatedConfigFile);
  const after = await snapshot(ctx);
  const { changed, added } = differences(before, after);
  if (changed.length > 0) {
    throw new Failure(`importing the export changed the tenant:\n  ${changed.slice(0, 30).join('\n  ')}`);
  }
  const completed = added.length > 0 ? ` (${added.length} fields filled in by the server, as Auth0 does)` : '';
  if (process.env.DEPLOY_CLI_VERBOSE) log(`fields added on re-import:\n  ${added.join('\n  ')}`);
  return `a0deploy export, then import of that export: exit 0, tenant unchanged${completed}`;
}

async function tenantformExport(ctx) {
  const file = path.join(ctx.work, 'tenantform-export.yaml');
  const env = tenantformEnv(ctx);
  const exported = await run(bin, ['export', '--out', file, '--no-progress', '--color', 'never'], { env });
  if (exported.code !== 0) throw new Failure(`tenantform export exited with ${exported.code}`, exported.output);
  const validated = await run(bin, ['validate', file, '--color', 'never'], { env: {} });
  if (validated.code !== 0) throw new Failure(`tenantform validate exited with ${validated.code}`, validated.output);
  const text = fs.readFileSync(file, 'utf8');
  check(text.includes(ACTION) && text.includes(CONNECTION), "tenantform's export lacks the Action or the connection");
  return "tenantform export of the tenant a0deploy made loads with tenantform validate";
}

// --- main --------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(a0deploy)) {
    log(`FAIL setup: no ${path.relative(repo, a0deploy)}: run \`npm ci\` in ${path.relative(repo, here)}`);
    log('0 passed, 1 failed');
    return 1;
  }
  const work = workDir('tenantform-deploy-cli-');
  const started = Date.now();
  let emulator;
  let proxy;
  let failed = 0;
  let passed = 0;
  try {
    emulator = await startEmulator(bin, path.join(work, 'requests.jsonl'));
    const certificate = makeCertificate(work);
    proxy = await startProxy(emulator.origin, certificate);
    const audience = managementAudience(emulator);
    const config = deployConfig(emulator, proxy, {
      AUTH0_KEYWORD_REPLACE_MAPPINGS: { MGMT_AUDIENCE: audience, ACTION_SECRET: newSecret() },
    });
    const configFile = path.join(work, CONFIG_FILES[0]);
    writeConfig(configFile, config);
    // An export reads every resource kind a0deploy knows; the emulator has the ones below.
    const emulatedConfigFile = path.join(work, CONFIG_FILES[1]);
    writeConfig(emulatedConfigFile, { ...config, AUTH0_INCLUDED_ONLY: EMULATED_KINDS });
    const ctx = {
      work,
      origin: emulator.origin,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      audience,
      configFile,
      emulatedConfigFile,
      certFile: certificate.certFile,
    };
    ctx.token = await managementToken(ctx);
    const version = await run(a0deploy, ['--version']);
    log(`a0deploy ${version.output.trim()} -> https://${config.AUTH0_DOMAIN} (TLS proxy) -> ${emulator.origin} (tenantform emulate)`);

    const scenarios = [
      ['import a YAML tenant', importTenant],
      ['export, re-import', exportAndReimport],
      ['tenantform export + validate', tenantformExport],
    ];
    for (const [name, scenario] of scenarios) {
      const t0 = Date.now();
      try {
        const detail = await scenario(ctx);
        passed += 1;
        log(`PASS ${name}: ${detail} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
      } catch (error) {
        failed += 1;
        log(`FAIL ${name}: ${error.message} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
        if (error.output) log(`---- output ----\n${error.output.trimEnd()}\n---- end of output ----`);
        if (!(error instanceof Failure)) log(error.stack);
      }
    }
  } catch (error) {
    failed += 1;
    log(`FAIL setup: ${error.message}`);
  } finally {
    if (proxy) proxy.close();
    if (emulator) await stopEmulator(emulator);
  }
  if (failed > 0 && emulator) {
    log(`the emulator's request log and the exports are kept in ${work}`);
    if (emulator?.output.length) log(`---- emulator output ----\n${emulator.output.join('\n')}\n---- end ----`);
    // The a0deploy configs hold the client secret: they do not outlive the run.
    for (const file of CONFIG_FILES) fs.rmSync(path.join(work, file), { force: true });
  } else if (failed === 0 || !emulator) {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`deploy-cli: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
