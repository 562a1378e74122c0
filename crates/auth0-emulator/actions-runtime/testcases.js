// Reference implementation of the Action test-case format ("Test cases" in README.md):
// YAML test file -> runtime requests, and the checks of `expect:` against a runtime response.
// `tenantform actions test` (Rust) implements the same conversion and checks; runtime.test.js
// uses this file to run actions/tests/*.yaml against the real runtime.
//
// Node built-ins only. The YAML reader below handles the subset the shipped test files use
// (block mappings and sequences, flow [..] and {..} on one line, quoted and plain scalars,
// comments); it throws on anything else rather than guessing. The Rust side uses a full YAML
// parser.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { isDeepStrictEqual } = require('node:util');

const DEFAULT_NOW_MS = 1767225600000; // 2026-01-01T00:00:00.000Z

const CASE_INPUT_KEYS = [
  'user', 'logins_count', 'connection', 'client', 'request', 'transaction', 'tenant', 'authorization',
  'authentication', 'organization', 'resource_server', 'session', 'secrets', 'now_ms',
];
const FILE_KEYS = ['action', 'name', 'secrets', 'dependencies', 'defaults', 'cases'];
const EXPECT_KEYS = [
  'outcome', 'deny_reason', 'error', 'error_kind', 'id_token_claims', 'access_token_claims', 'app_metadata',
  'user_metadata', 'logs',
];

// ---------------------------------------------------------------------------------------------
// YAML subset reader

function parseYaml(text, source = 'YAML') {
  const lines = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const stripped = stripComment(raw);
    if (stripped.trim() === '' || stripped.trim() === '---') return;
    if (/\t/.test(stripped.match(/^\s*/)[0])) throw new Error(`${source}:${i + 1}: tabs are not allowed for indentation`);
    const indent = stripped.match(/^ */)[0].length;
    lines.push({ indent, text: stripped.trim(), line: i + 1 });
  });
  const p = { lines, i: 0, source };
  if (lines.length === 0) return null;
  const value = parseBlock(p, lines[0].indent);
  if (p.i < lines.length) throw err(p, lines[p.i], 'unexpected content (check the indentation)');
  return value;
}

function err(p, l, msg) {
  return new Error(`${p.source}:${l ? l.line : '?'}: ${msg}`);
}

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:-]/.test(line[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).replace(/\s+$/, '');
    }
  }
  return line.replace(/\s+$/, '');
}

function isSeqItem(text) {
  return text === '-' || text.startsWith('- ');
}

function parseBlock(p, indent) {
  const l = p.lines[p.i];
  return isSeqItem(l.text) ? parseSeq(p, indent) : parseMap(p, indent);
}

function parseSeq(p, indent) {
  const out = [];
  while (p.i < p.lines.length) {
    const l = p.lines[p.i];
    if (l.indent < indent) break;
    if (l.indent > indent) throw err(p, l, 'unexpected indentation');
    if (!isSeqItem(l.text)) break;
    const rest = l.text === '-' ? '' : l.text.slice(2).replace(/^ +/, '');
    if (rest === '') {
      p.i++;
      if (p.i < p.lines.length && p.lines[p.i].indent > indent) out.push(parseBlock(p, p.lines[p.i].indent));
      else out.push(null);
    } else if (isSeqItem(rest) || findMapColon(rest) >= 0) {
      // "- key: value" starts a mapping (or "- - x" a sequence) whose column is that of `rest`.
      const column = indent + (l.text.length - rest.length);
      p.lines[p.i] = { indent: column, text: rest, line: l.line };
      out.push(parseBlock(p, column));
    } else {
      p.i++;
      out.push(parseInline(p, l, rest));
    }
  }
  return out;
}

// Index of the ':' that separates a block mapping key from its value, or -1.
function findMapColon(text) {
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = endOfQuoted(text, 0);
    if (end < 0) return -1;
    const after = text.slice(end + 1);
    const m = /^\s*:(\s|$)/.exec(after);
    return m ? end + 1 + after.indexOf(':') : -1;
  }
  if (text.startsWith('[') || text.startsWith('{')) return -1;
  const m = /:(\s|$)/.exec(text);
  return m ? m.index : -1;
}

function endOfQuoted(text, start) {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') { i++; continue; }
    if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") { i++; continue; }
      return i;
    }
  }
  return -1;
}

function parseMap(p, indent) {
  const out = {};
  while (p.i < p.lines.length) {
    const l = p.lines[p.i];
    if (l.indent < indent) break;
    if (l.indent > indent) throw err(p, l, 'unexpected indentation');
    if (isSeqItem(l.text)) break;
    const colon = findMapColon(l.text);
    if (colon < 0) throw err(p, l, `expected "key: value", got ${JSON.stringify(l.text)}`);
    const rawKey = l.text.slice(0, colon).trim();
    const key = String(parseScalar(p, l, rawKey));
    if (Object.prototype.hasOwnProperty.call(out, key)) throw err(p, l, `duplicate key ${JSON.stringify(key)}`);
    const rest = l.text.slice(colon + 1).trim();
    p.i++;
    if (rest === '') {
      const next = p.lines[p.i];
      if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) {
        out[key] = parseBlock(p, next.indent);
      } else {
        out[key] = null;
      }
    } else {
      out[key] = parseInline(p, l, rest);
    }
  }
  return out;
}

function parseInline(p, l, text) {
  if (text === '|' || text === '>' || /^[|>][-+0-9]*$/.test(text)) throw err(p, l, 'block scalars (| and >) are not supported here; use a quoted string');
  if (text.startsWith('&') || text.startsWith('*') || text.startsWith('!')) throw err(p, l, 'anchors, aliases and tags are not supported here');
  if (text.startsWith('[') || text.startsWith('{')) {
    const f = { s: text, i: 0, p, l };
    const v = parseFlow(f);
    skipWs(f);
    if (f.i !== f.s.length) throw err(p, l, `unexpected ${JSON.stringify(f.s.slice(f.i))} after flow collection`);
    return v;
  }
  return parseScalar(p, l, text);
}

function skipWs(f) {
  while (f.i < f.s.length && /\s/.test(f.s[f.i])) f.i++;
}

function parseFlow(f) {
  skipWs(f);
  const c = f.s[f.i];
  if (c === '[') {
    f.i++;
    const out = [];
    for (;;) {
      skipWs(f);
      if (f.s[f.i] === ']') { f.i++; return out; }
      out.push(parseFlow(f));
      skipWs(f);
      if (f.s[f.i] === ',') { f.i++; continue; }
      if (f.s[f.i] === ']') { f.i++; return out; }
      throw err(f.p, f.l, 'expected , or ] in flow sequence');
    }
  }
  if (c === '{') {
    f.i++;
    const out = {};
    for (;;) {
      skipWs(f);
      if (f.s[f.i] === '}') { f.i++; return out; }
      const key = String(parseFlowScalar(f));
      skipWs(f);
      if (f.s[f.i] !== ':') throw err(f.p, f.l, 'expected : in flow mapping');
      f.i++;
      out[key] = parseFlow(f);
      skipWs(f);
      if (f.s[f.i] === ',') { f.i++; continue; }
      if (f.s[f.i] === '}') { f.i++; return out; }
      throw err(f.p, f.l, 'expected , or } in flow mapping');
    }
  }
  return parseFlowScalar(f);
}

function parseFlowScalar(f) {
  skipWs(f);
  if (f.s[f.i] === '"' || f.s[f.i] === "'") {
    const end = endOfQuoted(f.s, f.i);
    if (end < 0) throw err(f.p, f.l, 'unterminated quoted string');
    const v = parseScalar(f.p, f.l, f.s.slice(f.i, end + 1));
    f.i = end + 1;
    return v;
  }
  const start = f.i;
  while (f.i < f.s.length) {
    const c = f.s[f.i];
    if (c === ',' || c === ']' || c === '}' || c === '[' || c === '{') break;
    if (c === ':' && (f.i + 1 >= f.s.length || /\s/.test(f.s[f.i + 1]))) break;
    f.i++;
  }
  return parseScalar(f.p, f.l, f.s.slice(start, f.i).trim());
}

function parseScalar(p, l, text) {
  if (text.startsWith('"')) {
    if (endOfQuoted(text, 0) !== text.length - 1) throw err(p, l, `bad double-quoted string ${text}`);
    try {
      return JSON.parse(text.replace(/\\\//g, '/'));
    } catch (e) {
      throw err(p, l, `bad double-quoted string ${text}: ${e.message}`);
    }
  }
  if (text.startsWith("'")) {
    if (endOfQuoted(text, 0) !== text.length - 1) throw err(p, l, `bad single-quoted string ${text}`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  return text;
}

// ---------------------------------------------------------------------------------------------
// test file -> requests

function isMap(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// Mappings merge key by key at every depth; anything else in `over` replaces `base`.
function deepMerge(base, over) {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

function checkKeys(obj, allowed, where) {
  if (!isMap(obj)) throw new Error(`${where} must be a mapping`);
  const bad = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (bad.length) throw new Error(`${where}: unknown key(s) ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function loadTestFile(file) {
  const doc = parseYaml(fs.readFileSync(file, 'utf8'), file);
  checkKeys(doc, FILE_KEYS, file);
  if (typeof doc.action !== 'string') throw new Error(`${file}: "action" (path of the Action's .js file) is required`);
  if (!Array.isArray(doc.cases) || doc.cases.length === 0) throw new Error(`${file}: "cases" must be a non-empty list`);
  if (doc.defaults !== undefined && doc.defaults !== null) checkKeys(doc.defaults, CASE_INPUT_KEYS, `${file}: defaults`);
  const actionPath = path.resolve(path.dirname(file), doc.action);
  const names = new Set();
  doc.cases.forEach((c, i) => {
    const where = `${file}: cases[${i}]`;
    checkKeys(c, ['name', 'expect', ...CASE_INPUT_KEYS], where);
    if (typeof c.name !== 'string' || c.name === '') throw new Error(`${where}: "name" is required`);
    if (names.has(c.name)) throw new Error(`${where}: duplicate case name ${JSON.stringify(c.name)}`);
    names.add(c.name);
    if (c.expect !== undefined && c.expect !== null) checkKeys(c.expect, EXPECT_KEYS, `${where}.expect`);
  });
  return {
    file,
    actionPath,
    name: typeof doc.name === 'string' && doc.name !== '' ? doc.name : path.basename(actionPath).replace(/\.js$/, ''),
    code: fs.readFileSync(actionPath, 'utf8'),
    secrets: doc.secrets || {},
    dependencies: doc.dependencies || [],
    defaults: doc.defaults || {},
    cases: doc.cases,
  };
}

// The case's inputs after `secrets:` and `defaults:` are applied.
function caseInputs(test, c) {
  const inputs = {};
  for (const k of CASE_INPUT_KEYS) if (c[k] !== undefined) inputs[k] = c[k];
  return deepMerge(deepMerge({ secrets: test.secrets }, test.defaults), inputs);
}

function buildEvent(inputs) {
  const nowMs = typeof inputs.now_ms === 'number' ? inputs.now_ms : DEFAULT_NOW_MS;
  const nowIso = new Date(nowMs).toISOString();
  const u = inputs.user || {};
  const connection = deepMerge(
    { id: 'con_test', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} },
    inputs.connection || {},
  );
  const client = deepMerge({ client_id: 'test-client-id', name: 'Test App', metadata: {} }, inputs.client || {});
  const loginsCount = inputs.logins_count ?? u.logins_count ?? 1;
  const userId = u.user_id ?? 'auth0|test-user';
  const email = u.email === undefined ? 'test-user@example.com' : u.email;
  const user = deepMerge({
    user_id: userId,
    email,
    email_verified: true,
    name: email,
    nickname: typeof email === 'string' ? email.split('@')[0] : 'test-user',
    picture: 'https://cdn.auth0.com/avatars/default.png',
    created_at: nowIso,
    updated_at: nowIso,
    last_login: nowIso,
    app_metadata: {},
    user_metadata: {},
    identities: [{
      connection: connection.name,
      provider: connection.strategy,
      user_id: userId.includes('|') ? userId.slice(userId.indexOf('|') + 1) : userId,
      isSocial: connection.strategy !== 'auth0',
    }],
  }, u);
  user.logins_count = loginsCount;
  const r = inputs.request || {};
  const query = deepMerge({
    client_id: client.client_id,
    redirect_uri: 'http://localhost:3000/callback',
    response_type: 'code',
    scope: 'openid profile email',
    state: 'test-state',
  }, r.query || {});
  const request = deepMerge({
    ip: '127.0.0.1',
    hostname: 'localhost',
    method: 'GET',
    language: 'en',
    user_agent: 'tenantform-actions-test',
    geoip: {},
    body: {},
  }, r);
  request.query = query;
  const words = (v) => (typeof v === 'string' ? v.split(' ').filter(Boolean) : []);
  const event = {
    user,
    stats: { logins_count: loginsCount },
    connection,
    client,
    request,
    transaction: deepMerge({
      id: 'test-transaction',
      locale: 'en',
      protocol: 'oidc-basic-profile',
      redirect_uri: query.redirect_uri,
      requested_scopes: words(query.scope),
      response_type: words(query.response_type),
      state: query.state,
      metadata: {},
    }, inputs.transaction || {}),
    tenant: deepMerge({ id: 'emulated' }, inputs.tenant || {}),
    authorization: deepMerge({ roles: [] }, inputs.authorization || {}),
    authentication: inputs.authentication
      || { methods: [{ name: connection.strategy === 'auth0' ? 'pwd' : 'federated', timestamp: nowIso }] },
  };
  for (const k of ['organization', 'resource_server', 'session']) {
    if (inputs[k] !== undefined && inputs[k] !== null) event[k] = inputs[k];
  }
  return event;
}

function buildRequest(test, c, { nodeModules = null } = {}) {
  const inputs = caseInputs(test, c);
  return {
    trigger: 'post-login',
    actions: [{
      name: test.name,
      code: test.code,
      secrets: inputs.secrets || {},
      dependencies: test.dependencies,
    }],
    event: buildEvent(inputs),
    cache: {},
    node_modules: nodeModules,
    now_ms: typeof inputs.now_ms === 'number' ? inputs.now_ms : DEFAULT_NOW_MS,
  };
}

// ---------------------------------------------------------------------------------------------
// expectations

function show(v) {
  return JSON.stringify(v);
}

// Returns a list of failure messages (empty when the case passes).
function checkExpect(expect, response, request) {
  const e = expect || {};
  const failures = [];
  const wanted = e.outcome ?? (e.deny_reason !== undefined ? 'deny'
    : (e.error !== undefined || e.error_kind !== undefined) ? 'error' : 'allow');
  if (response.outcome !== wanted) {
    let detail = '';
    if (response.outcome === 'deny') detail = ` (reason ${show(response.deny.reason)})`;
    if (response.outcome === 'error') detail = ` (${response.error.kind}: ${response.error.message})`;
    failures.push(`outcome: expected ${wanted}, got ${response.outcome}${detail}`);
  }
  if (e.deny_reason !== undefined) {
    const got = response.deny ? response.deny.reason : undefined;
    if (got !== e.deny_reason) failures.push(`deny_reason: expected ${show(e.deny_reason)}, got ${show(got)}`);
  }
  if (e.error !== undefined) {
    const got = response.error ? response.error.message : '';
    if (!got.includes(String(e.error))) failures.push(`error: expected a message containing ${show(e.error)}, got ${show(got)}`);
  }
  if (e.error_kind !== undefined) {
    const got = response.error ? response.error.kind : undefined;
    if (got !== e.error_kind) failures.push(`error_kind: expected ${show(e.error_kind)}, got ${show(got)}`);
  }
  for (const field of ['id_token_claims', 'access_token_claims']) {
    if (e[field] === undefined || e[field] === null) continue;
    for (const [name, value] of Object.entries(e[field])) {
      const claims = response[field] || {};
      if (!Object.prototype.hasOwnProperty.call(claims, name)) failures.push(`${field}: ${name} is not set (expected ${show(value)})`);
      else if (!isDeepStrictEqual(claims[name], value)) failures.push(`${field}: ${name} is ${show(claims[name])}, expected ${show(value)}`);
    }
  }
  for (const field of ['app_metadata', 'user_metadata']) {
    if (e[field] === undefined || e[field] === null) continue;
    const final = response[field] ?? request.event.user[field] ?? {};
    for (const [key, value] of Object.entries(e[field])) {
      if (value === null) {
        if (final[key] !== undefined && final[key] !== null) failures.push(`${field}: ${key} should be absent, is ${show(final[key])}`);
      } else if (!isDeepStrictEqual(final[key], value)) {
        failures.push(`${field}: ${key} is ${show(final[key])}, expected ${show(value)}`);
      }
    }
  }
  if (e.logs !== undefined && e.logs !== null) {
    const messages = response.logs.map((l) => l.message);
    for (const text of Array.isArray(e.logs) ? e.logs : [e.logs]) {
      if (!messages.some((m) => m.includes(String(text)))) {
        failures.push(`logs: no log line contains ${show(text)} (logs: ${show(messages)})`);
      }
    }
  }
  return failures;
}

module.exports = {
  DEFAULT_NOW_MS, parseYaml, deepMerge, loadTestFile, caseInputs, buildEvent, buildRequest, checkExpect,
};
