// Tests of the post-login Actions runtime. Run: node --test crates/auth0-emulator/actions-runtime/
// The runtime tests spawn `node runtime.js` with a JSON request on stdin, as the Rust side does.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RUNTIME = path.join(__dirname, 'runtime.js');
const REPO = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE_ACTION = path.join(REPO, 'actions', 'post-login-verification.js');
const NOW = 1767225600000; // 2026-01-01T00:00:00.000Z, the default clock of `tenantform actions test`

// Runs the runtime; resolves {status, stdout, stderr, response, ms}. Fails if it takes > 10 s.
function runRaw(stdin) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [RUNTIME], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runtime did not exit within 10 s; stdout=${stdout} stderr=${stderr}`));
    }, 10000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(stdin);
  });
}

// Runs a request and returns the parsed response, asserting the process contract: exit 0 and
// exactly one JSON document (one line) on stdout.
async function run(req) {
  const r = await runRaw(JSON.stringify(req));
  assert.equal(r.status, 0, `exit status (stderr: ${r.stderr})`);
  assert.ok(r.stdout.endsWith('\n'), 'response ends with a newline');
  assert.equal(r.stdout.trimEnd().split('\n').length, 1, `stdout is one line: ${r.stdout}`);
  return JSON.parse(r.stdout);
}

function action(name, code, extra = {}) {
  return { name, code, secrets: {}, dependencies: [], ...extra };
}

// The post-login event `tenantform actions test` builds for a case that gives only a
// redirect_uri (src/action_tests/event.rs), minus `session` and `security_context`, which the
// tests below add when they need them. A fresh copy each time: tests change it.
function defaultEvent() {
  const now = new Date(NOW).toISOString();
  return {
    tenant: { id: 'emulated' },
    user: {
      user_id: 'auth0|test-user',
      email: 'test-user@example.com',
      email_verified: true,
      name: 'test-user@example.com',
      nickname: 'test-user',
      picture: 'https://cdn.auth0.com/avatars/default.png',
      created_at: now,
      updated_at: now,
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: 'test-user', isSocial: false }],
      app_metadata: {},
      user_metadata: {},
    },
    stats: { logins_count: 1 },
    connection: { id: 'con_test', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} },
    client: { client_id: 'test-client-id', name: 'Test App', metadata: {} },
    request: {
      ip: '127.0.0.1',
      hostname: 'localhost',
      method: 'GET',
      language: 'en',
      user_agent: 'tenantform-actions-test',
      query: {
        client_id: 'test-client-id',
        redirect_uri: 'http://localhost:8501/oauth2callback',
        response_type: 'code',
        scope: 'openid profile email',
        state: 'test-state',
      },
      body: {},
      geoip: {},
    },
    transaction: {
      id: 'test-transaction',
      locale: 'en',
      protocol: 'oidc-basic-profile',
      redirect_uri: 'http://localhost:8501/oauth2callback',
      requested_scopes: ['openid', 'profile', 'email'],
      response_type: ['code'],
      state: 'test-state',
      ui_locales: [],
    },
    authentication: { methods: [{ name: 'pwd', timestamp: now }] },
    authorization: { roles: [] },
  };
}

function request(actions, extra = {}) {
  return {
    trigger: 'post-login',
    actions,
    event: defaultEvent(),
    cache: {},
    node_modules: null,
    now_ms: NOW,
    ...extra,
  };
}

function logMessages(res, level) {
  return res.logs.filter((l) => level === undefined || l.level === level).map((l) => l.message);
}

// ---------------------------------------------------------------------------------------------
// the shipped example Action (its test cases run through `tenantform actions test`, in Rust)

test("the runbook's original deny(code, reason) shows the user the code and is flagged", async () => {
  const code = fs.readFileSync(EXAMPLE_ACTION, 'utf8');
  const original = code.replace(
    'api.access.deny("Access denied: Please contact an administrator for an invitation.")',
    'api.access.deny("not_invited", "Access denied: Please contact an administrator for an invitation.")',
  );
  assert.notEqual(original, code, 'the fixed deny line is present in the Action');
  // The default user has no app_metadata: not invited.
  const res = await run(request([action('Post-Login Verification', original)]));
  assert.equal(res.outcome, 'deny');
  assert.equal(res.deny.reason, 'not_invited');
  const warns = logMessages(res, 'warn');
  assert.equal(warns.length, 1);
  assert.match(warns[0], /called with 2 arguments.*ignored.*error_description="not_invited"/);
});

// ---------------------------------------------------------------------------------------------
// tokens and metadata

test('claims on both tokens, scopes, chaining, restricted claims', async () => {
  const res = await run(request([action('Claims', `
    exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/claims/a', { n: 1 })
        .accessToken.setCustomClaim('https://x/claims/b', [1, 2]);
      api.accessToken.setCustomClaim('plain', 'p');
      api.accessToken.addScope('read:x').accessToken.addScope('write:x').accessToken.removeScope('write:x');
      api.accessToken.removeScope('admin');
      api.idToken.setCustomClaim('sub', 'hijack');
      api.idToken.setCustomClaim('https://tenant.auth0.com/claim', 1);
    };`)]));
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(res.id_token_claims, { 'https://x/claims/a': { n: 1 } });
  assert.deepEqual(res.access_token_claims, { 'https://x/claims/b': [1, 2], plain: 'p' });
  assert.deepEqual(res.access_token_scopes, { add: ['read:x'], remove: ['write:x', 'admin'] });
  const warns = logMessages(res, 'warn');
  assert.equal(warns.length, 2);
  assert.match(warns[0], /'sub' is a claim Auth0 restricts/);
  assert.match(warns[1], /auth0\.com cannot be used as a claim namespace/);
});

test('metadata: set and delete, batched, visible to the next Action only, whole objects returned', async () => {
  const req = request([
    action('First', `
      exports.onExecutePostLogin = async (event, api) => {
        api.user.setAppMetadata('plan', 'gold');
        api.user.setAppMetadata('legacy', null);
        api.user.setAppMetadata('transient', 'x');
        api.user.setAppMetadata('transient', undefined);
        api.user.setUserMetadata('theme', { color: 'dark' });
        // not applied immediately (Auth0: "won't update the metadata immediately")
        console.log('first sees', JSON.stringify(event.user.app_metadata));
      };`),
    action('Second', `
      exports.onExecutePostLogin = async (event, api) => {
        console.log('second sees', JSON.stringify(event.user.app_metadata), JSON.stringify(event.user.user_metadata));
        api.idToken.setCustomClaim('https://x/plan', event.user.app_metadata.plan);
      };`),
  ]);
  req.event.user.app_metadata = { legacy: true, roles: ['admin'] };
  const res = await run(req);
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(logMessages(res), [
    'first sees {"legacy":true,"roles":["admin"]}',
    'second sees {"roles":["admin"],"plan":"gold"} {"theme":{"color":"dark"}}',
  ]);
  assert.deepEqual(res.id_token_claims, { 'https://x/plan': 'gold' });
  assert.deepEqual(res.app_metadata, { roles: ['admin'], plan: 'gold' });
  assert.deepEqual(res.user_metadata, { theme: { color: 'dark' } });
  assert.deepEqual(res.executed, ['First', 'Second']);
});

test('deny stops later Actions and keeps metadata requested before and after the deny', async () => {
  const res = await run(request([
    action('Marker', `exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('seen', 1); };`),
    action('Gate', `
      exports.onExecutePostLogin = async (event, api) => {
        const same = api.access.deny('go away');
        api.user.setUserMetadata('denied_at', 'now');
        console.log('deny returns api:', same === api);
      };`),
    action('Never', `exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('never', 1); };`),
  ]));
  assert.equal(res.outcome, 'deny');
  assert.deepEqual(res.deny, { action: 'Gate', reason: 'go away' });
  assert.equal(res.error, null);
  assert.deepEqual(res.executed, ['Marker', 'Gate']);
  assert.deepEqual(res.app_metadata, { seen: 1 });
  assert.deepEqual(res.user_metadata, { denied_at: 'now' });
  assert.deepEqual(logMessages(res), ['deny returns api: true']);
});

// ---------------------------------------------------------------------------------------------
// failures of the Action

test('a thrown error fails the login, names the Action, stops later Actions, discards metadata', async () => {
  const res = await run(request([
    action('Sets', `exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('a', 1); };`),
    action('Thrower', `exports.onExecutePostLogin = async (event, api) => {\n  throw new Error('boom');\n};`),
    action('Never', 'exports.onExecutePostLogin = async () => {};'),
  ]));
  assert.equal(res.outcome, 'error');
  assert.equal(res.error.action, 'Thrower');
  assert.equal(res.error.kind, 'thrown');
  assert.equal(res.error.message, 'Error: boom (at Thrower.js:2:9)');
  assert.deepEqual(res.executed, ['Sets', 'Thrower']);
  assert.equal(res.app_metadata, null);
  assert.equal(res.deny, null);
});

test('a rejected promise and a synchronous throw are errors of kind thrown', async () => {
  const rejected = await run(request([action('Rejects', `
    exports.onExecutePostLogin = (event, api) => Promise.reject(new TypeError('bad input'));`)]));
  assert.equal(rejected.outcome, 'error');
  assert.deepEqual([rejected.error.kind, rejected.error.action], ['thrown', 'Rejects']);
  assert.match(rejected.error.message, /^TypeError: bad input/);

  const sync = await run(request([action('Sync', `
    exports.onExecutePostLogin = function (event, api) { null.x; };`)]));
  assert.equal(sync.outcome, 'error');
  assert.equal(sync.error.kind, 'thrown');
  assert.equal(sync.error.message, "TypeError: Cannot read properties of null (reading 'x') (at Sync.js:2:63)");

  const nonError = await run(request([action('Str', `exports.onExecutePostLogin = async () => { throw 'just a string'; };`)]));
  assert.equal(nonError.error.message, 'non-Error value thrown: just a string');
});

test('an error thrown from a callback while the Action runs fails the login', async () => {
  const res = await run(request([action('Timer', `
    exports.onExecutePostLogin = async () => {
      setTimeout(() => { throw new Error('late boom'); }, 5);
      await new Promise((r) => setTimeout(r, 200));
    };`)]));
  assert.equal(res.outcome, 'error');
  assert.equal(res.error.kind, 'thrown');
  assert.match(res.error.message, /^Error: late boom/);
});

test('a promise rejection nobody handles fails the Action that left it, not the next one', async () => {
  const res = await run(request([
    action('Floats', "exports.onExecutePostLogin = async () => { Promise.reject(new Error('forgotten')); };"),
    action('Next', 'exports.onExecutePostLogin = async () => {};'),
  ]));
  assert.equal(res.outcome, 'error');
  assert.deepEqual([res.error.action, res.error.kind], ['Floats', 'thrown']);
  assert.match(res.error.message, /^Error: forgotten/);
  assert.deepEqual(res.executed, ['Floats']);
});

test('a syntax error is invalid_code with the message and line', async () => {
  const res = await run(request([action('Broken', 'exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny(;\n};')]));
  assert.equal(res.outcome, 'error');
  assert.deepEqual([res.error.kind, res.error.action], ['invalid_code', 'Broken']);
  assert.equal(res.error.message, "SyntaxError: Unexpected token ';' (Broken.js:2)");
  assert.deepEqual(res.executed, ['Broken']);
});

test('ES module syntax is invalid_code with a hint', async () => {
  const res = await run(request([action('Esm', 'export const onExecutePostLogin = async () => {};')]));
  assert.equal(res.error.kind, 'invalid_code');
  assert.match(res.error.message, /^SyntaxError: Unexpected token 'export'.*Auth0 Actions are CommonJS/);
});

test('a module without onExecutePostLogin is no_handler', async () => {
  const res = await run(request([action('Empty', 'exports.onContinuePostLogin = async () => {};')]));
  assert.equal(res.outcome, 'error');
  assert.deepEqual([res.error.kind, res.error.action], ['no_handler', 'Empty']);
  assert.match(res.error.message, /does not export onExecutePostLogin/);
  const viaModuleExports = await run(request([action('ME', 'module.exports = { onExecutePostLogin() {} };')]));
  assert.equal(viaModuleExports.outcome, 'allow');
});

// ---------------------------------------------------------------------------------------------
// unsupported parts of the API and of the event

for (const [member, call] of [
  ['api.multifactor.enable', "api.multifactor.enable('any')"],
  ['api.redirect.sendUserTo', "api.redirect.sendUserTo('https://example.com')"],
  ['api.authentication.challengeWith', "api.authentication.challengeWith({ type: 'otp' })"],
  ['api.transaction.setMetadata', "api.transaction.setMetadata('k', 'v')"],
]) {
  test(`${member} is unsupported_api naming the member`, async () => {
    const res = await run(request([action('Uses', `exports.onExecutePostLogin = async (event, api) => { ${call}; };`)]));
    assert.equal(res.outcome, 'error');
    assert.deepEqual(res.error, {
      action: 'Uses', kind: 'unsupported_api', message: `${member} is not supported by the tenantform emulator`,
    });
  });
}

test('unsupported_api is reported even when the Action catches it, and for undocumented members', async () => {
  const caught = await run(request([action('Catches', `
    exports.onExecutePostLogin = async (event, api) => {
      try { api.redirect.sendUserTo('https://example.com'); } catch (e) { console.log('caught', e.message); }
    };`)]));
  assert.equal(caught.outcome, 'error');
  assert.equal(caught.error.kind, 'unsupported_api');
  assert.equal(caught.error.message, 'api.redirect.sendUserTo is not supported by the tenantform emulator');

  const unknown = await run(request([action('Typo', `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaims('a', 1); };`)]));
  assert.deepEqual(unknown.error, {
    action: 'Typo', kind: 'unsupported_api', message: "api.idToken.setCustomClaims is not part of Auth0's post-login api object",
  });
});

test('event members: unsupplied documented ones are unsupported_api, not-applicable ones are undefined', async () => {
  const absent = await run(request([action('Optional', `
    exports.onExecutePostLogin = async (event, api) => {
      console.log(typeof event.organization, typeof event.resource_server, typeof event.refresh_token, typeof event.nonsense);
    };`)]));
  assert.equal(absent.outcome, 'allow');
  assert.deepEqual(logMessages(absent), ['undefined undefined undefined undefined']);

  const session = await run(request([action('Session', `exports.onExecutePostLogin = async (event) => { console.log(event.session?.id); };`)]));
  assert.deepEqual(session.error, {
    action: 'Session', kind: 'unsupported_api', message: 'event.session is not supplied by the tenantform emulator',
  });

  const req = request([action('Supplied', `exports.onExecutePostLogin = async (event) => { console.log(event.session.id, event.organization.name); };`)]);
  req.event.session = { id: 'sess_1' };
  req.event.organization = { id: 'org_1', name: 'acme', display_name: 'Acme', metadata: {} };
  const supplied = await run(req);
  assert.equal(supplied.outcome, 'allow');
  assert.deepEqual(logMessages(supplied), ['sess_1 acme']);

  const noUser = request([action('NoUser', 'exports.onExecutePostLogin = async (event) => event.user.email;')]);
  delete noUser.event.user;
  const missingUser = await run(noUser);
  assert.equal(missingUser.error.message, 'event.user is not supplied by the tenantform emulator');
});

test('logging, serialising and awaiting event and api does not trip the guards', async () => {
  const res = await run(request([action('Inspects', `
    const util = require('node:util');
    exports.onExecutePostLogin = async (event, api) => {
      console.log(event);
      console.log(event.user, event.request.query);
      console.log(api);
      console.dir(api.redirect);
      const json = JSON.parse(JSON.stringify(event));
      const clone = structuredClone(event);
      const spread = { ...event };
      const keys = Object.keys(event).sort().join(',');
      console.log('keys', keys);
      console.log('json', 'session' in json, clone.user.email === event.user.email, spread.tenant.id);
      util.inspect(api, { depth: 5 });
      JSON.stringify(api);
      String(api.access.deny === api.access.deny);
      await api;              // then-probing of a non-thenable
      await Promise.resolve(api.idToken);
      return api.accessToken.addScope('x'); // an async function resolving to api probes api.then
    };`)]));
  assert.equal(res.outcome, 'allow', JSON.stringify(res.error));
  const messages = logMessages(res);
  assert.equal(messages.length, 6);
  assert.match(messages[0], /user: \{/);
  assert.match(messages[0], /secrets: \{\}/);
  assert.equal(messages[4], 'keys authentication,authorization,client,connection,request,secrets,stats,tenant,transaction,user');
  assert.equal(messages[5], 'json false true emulated');
  assert.deepEqual(res.access_token_scopes, { add: ['x'], remove: [] });
});

// ---------------------------------------------------------------------------------------------
// secrets and cache

test('each Action sees only its own secrets', async () => {
  const code = "exports.onExecutePostLogin = async (event) => { console.log(JSON.stringify(event.secrets)); };";
  const res = await run(request([
    action('A', code, { secrets: { API_KEY: 'a-key' } }),
    action('B', code, { secrets: { OTHER: 'b-value' } }),
    action('C', code),
  ]));
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(res.logs.map((l) => [l.action, l.message]), [
    ['A', '{"API_KEY":"a-key"}'],
    ['B', '{"OTHER":"b-value"}'],
    ['C', '{}'],
  ]);
});

test('cache: set/get across two runs, shared by the trigger, expiry against now_ms', async () => {
  const writer = action('Writer', `
    exports.onExecutePostLogin = async (event, api) => {
      const hit = api.cache.get('token');
      console.log('hit', hit ? hit.value + '@' + hit.expires_at : 'none');
      if (!hit) {
        const r = api.cache.set('token', 'abc', { ttl: 60000 });
        console.log('set', r.type, r.record.expires_at);
        api.cache.set('short', 's', { ttl: 1000 });
        api.cache.set('day', 'd');
      }
    };`);
  const reader = action('Reader', `
    exports.onExecutePostLogin = async (event, api) => {
      console.log('reader', api.cache.get('token')?.value, api.cache.get('short')?.value);
    };`);
  const first = await run(request([writer, reader]));
  assert.equal(first.outcome, 'allow');
  assert.deepEqual(logMessages(first), ['hit none', `set success ${NOW + 60000}`, 'reader abc s']);
  assert.deepEqual(first.cache, {
    'post-login': {
      token: { value: 'abc', expires_at: NOW + 60000 },
      short: { value: 's', expires_at: NOW + 1000 },
      day: { value: 'd', expires_at: NOW + 24 * 3600 * 1000 },
    },
  });

  // 30 s later: 'token' still cached, 'short' expired (and dropped from the returned cache).
  const second = await run(request([writer, reader], { cache: first.cache, now_ms: NOW + 30000 }));
  assert.deepEqual(logMessages(second), [`hit abc@${NOW + 60000}`, 'reader abc undefined']);
  assert.deepEqual(Object.keys(second.cache['post-login']).sort(), ['day', 'token']);

  // 2 minutes later: 'token' expired too, so the writer sets it again.
  const third = await run(request([writer], { cache: second.cache, now_ms: NOW + 120000 }));
  assert.deepEqual(logMessages(third), ['hit none', `set success ${NOW + 180000}`]);
});

test('cache: delete, and Auth0 limits answered with an error result and a warning', async () => {
  const req = request([action('Limits', `
    exports.onExecutePostLogin = async (event, api) => {
      console.log(JSON.stringify(api.cache.delete('gone')), api.cache.get('gone'));
      console.log(JSON.stringify(api.cache.set('n', 42)));
      console.log(JSON.stringify(api.cache.set('k'.repeat(65), 'v')));
      console.log(JSON.stringify(api.cache.set('big', 'x'.repeat(4097))));
      console.log(api.cache.set('past', 'v', { expires_at: ${NOW - 1} }).type, api.cache.get('past'));
      console.log(api.cache.set('a', 'x'.repeat(4096)).type, JSON.stringify(api.cache.set('b', 'x'.repeat(4096))));
      api.cache.delete('a');
      for (let i = 0; i < 20; i++) api.cache.set('k' + i, 'v');
      console.log(JSON.stringify(api.cache.set('one-too-many', 'v')));
    };`)], { cache: { 'post-login': { gone: { value: 'x', expires_at: NOW + 5000 } } } });
  const res = await run(req);
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(logMessages(res, 'log'), [
    '{"type":"success"} undefined',
    '{"type":"error","code":"INVALID_VALUE"}',
    '{"type":"error","code":"KEY_TOO_LARGE"}',
    '{"type":"error","code":"VALUE_TOO_LARGE"}',
    'success undefined',
    'success {"type":"error","code":"CACHE_FULL"}',
    '{"type":"error","code":"TOO_MANY_ENTRIES"}',
  ]);
  assert.equal(logMessages(res, 'warn').length, 5);
  assert.deepEqual(Object.keys(res.cache['post-login']).sort(), Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
});

// ---------------------------------------------------------------------------------------------
// require()

test('require: a Node built-in works', async () => {
  const res = await run(request([action('Builtin', `
    const crypto = require('crypto');
    const { URL: U } = require('node:url');
    exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/h', crypto.createHash('sha256').update('a').digest('hex').slice(0, 8));
      console.log(new U(event.request.query.redirect_uri).origin);
    };`)]));
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(res.id_token_claims, { 'https://x/h': 'ca978112' });
  assert.deepEqual(logMessages(res), ['http://localhost:8501']);
});

test('require: an undeclared package is missing_dependency (and catchable, like on Auth0)', async () => {
  const res = await run(request([action('Undeclared', `
    const _ = require('lodash');
    exports.onExecutePostLogin = async () => {};`)]));
  assert.equal(res.outcome, 'error');
  assert.equal(res.error.kind, 'missing_dependency');
  assert.equal(res.error.action, 'Undeclared');
  assert.match(res.error.message, /^require\('lodash'\): package 'lodash' is not declared in the dependencies of Action 'Undeclared'/);

  const optional = await run(request([action('Optional', `
    exports.onExecutePostLogin = async () => {
      try { require('lodash/fp'); } catch (e) { console.log(e.code); }
    };`)]));
  assert.equal(optional.outcome, 'allow');
  assert.deepEqual(logMessages(optional), ['MODULE_NOT_FOUND']);
});

test('require: a declared package that is not installed is missing_dependency naming the flag', async () => {
  const deps = { dependencies: [{ name: 'lodash', version: '4.17.21' }] };
  const code = "exports.onExecutePostLogin = async () => { try { require('lodash'); } catch (e) {} };";
  const noDir = await run(request([action('Declared', code, deps)]));
  assert.equal(noDir.outcome, 'error');
  assert.equal(noDir.error.kind, 'missing_dependency');
  assert.match(noDir.error.message, /dependency 'lodash@4\.17\.21' of Action 'Declared' is declared but no node_modules directory was given/);
  assert.match(noDir.error.message, /--actions-node-modules DIR/);

  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-actions-empty-'));
  try {
    const inEmpty = await run(request([action('Declared', code, deps)], { node_modules: empty }));
    assert.equal(inEmpty.error.kind, 'missing_dependency');
    assert.match(inEmpty.error.message, new RegExp(`is declared but it is not installed in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('require: a declared package present in the node_modules directory is loaded', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-actions-deps-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const nm = path.join(root, 'node_modules');
  const pkgDir = path.join(nm, 'fake-greeter');
  fs.mkdirSync(path.join(pkgDir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: 'fake-greeter', version: '1.2.3', main: 'lib/index.js' }));
  fs.writeFileSync(path.join(pkgDir, 'lib', 'index.js'),
    "console.log('fake-greeter loaded'); module.exports = (n) => 'hello ' + n; module.exports.shout = require('./shout');");
  fs.writeFileSync(path.join(pkgDir, 'lib', 'shout.js'), "module.exports = (s) => s.toUpperCase();");
  const code = `
    const greet = require('fake-greeter');
    const shout = require('fake-greeter/lib/shout');
    exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/greeting', shout(greet(event.user.nickname)));
    };`;

  const res = await run(request([action('Greets', code, { dependencies: [{ name: 'fake-greeter', version: '1.2.3' }] })], { node_modules: nm }));
  assert.equal(res.outcome, 'allow', JSON.stringify(res.error));
  assert.deepEqual(res.id_token_claims, { 'https://x/greeting': 'HELLO TEST-USER' });
  assert.deepEqual(res.logs, [{ action: 'Greets', level: 'log', message: 'fake-greeter loaded' }]);

  // The project directory (parent of node_modules) works too; a version mismatch is a warning.
  const other = await run(request([action('Greets', code, { dependencies: [{ name: 'fake-greeter', version: '2.0.0' }] })], { node_modules: root }));
  assert.equal(other.outcome, 'allow', JSON.stringify(other.error));
  assert.deepEqual(logMessages(other, 'warn'), [
    `[tenantform] dependency 'fake-greeter' is declared as 2.0.0 but 1.2.3 is installed in ${nm}; Auth0 would run 2.0.0`,
  ]);
});

// ---------------------------------------------------------------------------------------------
// process contract

test('stdout carries only the response, whatever the Action prints', async () => {
  const r = await runRaw(JSON.stringify(request([action('Noisy', `
    exports.onExecutePostLogin = async (event, api) => {
      console.log('hello %s', 'world', { a: 1 });
      console.info('info'); console.warn('warn'); console.error(new Error('err').message); console.debug('debug');
      process.stdout.write('raw write\\n');
      globalThis.console.log('global console');
      console.table([{ a: 1 }]);
    };`)])));
  assert.equal(r.status, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const res = JSON.parse(lines[0]);
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(res.logs.slice(0, 8).map((l) => [l.level, l.message]), [
    ['log', 'hello world { a: 1 }'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['error', 'err'],
    ['debug', 'debug'],
    ['log', 'raw write'],
    ['log', 'global console'],
    ['log', res.logs[7].message],
  ]);
  assert.match(res.logs[7].message, /│ \(index\) │ a │/);
  assert.ok(res.logs.every((l) => l.action === 'Noisy'));
});

test('pending timers and intervals do not keep the process alive after the Actions finish', async () => {
  const r = await runRaw(JSON.stringify(request([action('Leaves timers', `
    exports.onExecutePostLogin = async (event, api) => {
      setTimeout(() => console.log('never'), 3600 * 1000);
      setInterval(() => {}, 1000);
      new Promise(() => {});
      api.idToken.setCustomClaim('https://x/done', true);
    };`)])));
  assert.equal(r.status, 0);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  const res = JSON.parse(r.stdout);
  assert.equal(res.outcome, 'allow');
  assert.deepEqual(res.id_token_claims, { 'https://x/done': true });
});

test('an Action whose promise can never settle ends with an error instead of hanging', async () => {
  const r = await runRaw(JSON.stringify(request([action('Stuck', 'exports.onExecutePostLogin = () => new Promise(() => {});')])));
  assert.equal(r.status, 0);
  const res = JSON.parse(r.stdout);
  assert.equal(res.outcome, 'error');
  assert.equal(res.error.kind, 'thrown');
  assert.match(res.error.message, /never settles/);
});

test('api calls after the Action finished are ignored with a warning; process.exit is refused', async () => {
  const late = await run(request([
    action('Late', `
      exports.onExecutePostLogin = async (event, api) => {
        setTimeout(() => api.access.deny('too late'), 20);
      };`),
    action('Waits', 'exports.onExecutePostLogin = () => new Promise((r) => setTimeout(r, 50));'),
  ]));
  assert.equal(late.outcome, 'allow');
  assert.deepEqual(logMessages(late, 'warn'), [
    "[tenantform] api.access.deny() was called after Action 'Late' finished; Auth0 ignores calls made after onExecutePostLogin has completed",
  ]);

  const exits = await run(request([action('Exits', 'exports.onExecutePostLogin = async () => { process.exit(3); };')]));
  assert.equal(exits.outcome, 'error');
  assert.equal(exits.error.kind, 'thrown');
  assert.match(exits.error.message, /process\.exit\(3\) is not available to an Auth0 Action/);
});

test('an unreadable request exits non-zero with one line on stderr and nothing on stdout', async () => {
  for (const [input, pattern] of [
    ['{not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    [JSON.stringify({ trigger: 'pre-user-registration', actions: [], event: {} }), /unsupported trigger/],
    [JSON.stringify({ trigger: 'post-login', actions: [{ name: 'x' }], event: {} }), /actions\[0\]/],
  ]) {
    const r = await runRaw(input);
    assert.equal(r.status, 2, input);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.match(r.stderr, pattern);
  }
});

test('no Actions: allow with empty results', async () => {
  const res = await run(request([]));
  assert.deepEqual(res, {
    outcome: 'allow', deny: null, error: null, id_token_claims: {}, access_token_claims: {},
    access_token_scopes: { add: [], remove: [] }, app_metadata: null, user_metadata: null, logs: [], cache: {},
    executed: [],
  });
});
