#!/usr/bin/env node
// tenantform Auth0 emulator: the runtime that executes post-login Actions.
//
// Protocol (see README.md next to this file): `node runtime.js` reads ONE JSON request on stdin,
// runs the Actions in order, writes ONE JSON response on stdout and exits 0. It exits non-zero
// (with a one-line message on stderr) only when the request itself cannot be read.
// Nothing but the response ever reaches stdout: console output of the Actions (and of the
// packages they load) is captured into the response's `logs`.
//
// Self-contained on purpose: Node 20 built-ins only, one file (the Rust side embeds it with
// include_str! and writes it to a temp dir), no network access of its own.
//
// Auth0 references used for the semantics below (post-login trigger):
//   - API object:   https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object
//   - Event object: https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object
//   - Limits:       https://auth0.com/docs/customize/actions/limitations
//   - Metadata:     https://auth0.com/docs/manage-users/user-accounts/metadata/manage-user-metadata
//   - Claims:       https://auth0.com/docs/secure/tokens/json-web-tokens/create-custom-claims
'use strict';

const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vm = require('node:vm');
const { Writable } = require('node:stream');

// Pristine references, taken before any Action code runs (Actions share this realm and could
// monkey-patch globals).
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const format = util.format;
const inspect = util.inspect;
const ConsoleClass = console.Console;
const realExit = process.exit.bind(process);
const realStdoutWrite = process.stdout.write.bind(process.stdout);
const nodeRequire = require;

const TRIGGER = 'post-login';

// Actions cache limits (docs: "Cached data" in Actions Limitations, and api.cache.set in the
// post-login API object: default lifetime 24 h when neither ttl nor expires_at is given).
const CACHE_MAX_ENTRIES = 20; // per trigger
const CACHE_MAX_KEY_BYTES = 64;
const CACHE_MAX_VALUE_BYTES = 4 * 1024;
const CACHE_MAX_TOTAL_BYTES = 8 * 1024; // keys + values
const CACHE_MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;
const CACHE_DEFAULT_LIFETIME_MS = 24 * 60 * 60 * 1000;

// The documented post-login `api` surface, namespace -> members.
const API_MEMBERS = {
  access: ['deny'],
  accessToken: ['setCustomClaim', 'addScope', 'removeScope'],
  authentication: ['challengeWith', 'challengeWithAny', 'enrollWith', 'enrollWithAny', 'recordMethod', 'setPrimaryUser'],
  cache: ['delete', 'get', 'set'],
  idToken: ['setCustomClaim'],
  multifactor: ['enable'],
  prompt: ['render'],
  redirect: ['encodeToken', 'sendUserTo', 'validateToken'],
  refreshToken: ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata', 'evictMetadata'],
  rules: ['wasExecuted'],
  samlResponse: [
    'setAttribute', 'setAudience', 'setRecipient', 'setCreateUpnClaim', 'setPassthroughClaimsWithNoMapping',
    'setMapUnknownClaimsAsIs', 'setMapIdentities', 'setSignatureAlgorithm', 'setDigestAlgorithm', 'setDestination',
    'setLifetimeInSeconds', 'setSignResponse', 'setNameIdentifierFormat', 'setNameIdentifierProbes',
    'setAuthnContextClassRef', 'setSigningCert', 'setIncludeAttributeNameFormat', 'setTypedAttributes',
    'setEncryptionCert', 'setEncryptionPublicKey', 'setCert', 'setKey', 'setRelayState', 'setIssuer',
    'setEncryptionAlgorithm',
  ],
  session: ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setCookieMode', 'setMetadata', 'deleteMetadata', 'evictMetadata'],
  transaction: ['setMetadata'],
  user: ['setAppMetadata', 'setUserMetadata'],
  validation: ['error'],
};

// Property names that JavaScript machinery probes on arbitrary objects (promise resolution,
// JSON.stringify, util.inspect, test matchers, React/immutable checks). Reading them on `api`
// must behave like on a plain object (undefined), never raise unsupported_api.
const PASSTHROUGH_KEYS = new Set([
  'then', 'catch', 'finally', 'toJSON', 'inspect', 'asymmetricMatch', '$$typeof', 'nodeType', 'tagName',
  'length', 'prototype', '__esModule', '@@__IMMUTABLE_ITERABLE__@@', '@@__IMMUTABLE_RECORD__@@',
]);

// Documented top-level event members. When the caller does not supply one of these, reading it
// fails the login with unsupported_api (the emulator cannot say what Auth0 would have put there)...
const EVENT_MEMBERS_REQUIRED = [
  'authentication', 'authorization', 'client', 'connection', 'request', 'security_context', 'session',
  'stats', 'tenant', 'transaction', 'user',
];
// ...except these, which Auth0 itself leaves undefined when they do not apply (no organization,
// no API audience, not a refresh-token exchange, no custom domain, no custom prompt, ...).
const EVENT_MEMBERS_OPTIONAL = [
  'agent', 'custom_domain', 'organization', 'prompt', 'refresh_token', 'resource_server', 'session_transfer_token',
];

// Claims Auth0 will not let an Action set ("In case of collisions, the transaction won't fail,
// but your custom claim won't be added to your tokens").
const RESTRICTED_CLAIMS = new Set([
  'acr', 'act', 'active', 'amr', 'at_hash', 'ath', 'attest', 'aud', 'auth_time', 'authorization_details', 'azp',
  'c_hash', 'client_id', 'cnf', 'cty', 'dest', 'entitlements', 'events', 'exp', 'groups', 'gty', 'htm', 'htu', 'iat',
  'internalService', 'iss', 'jcard', 'jku', 'jti', 'jwe', 'jwk', 'kid', 'may_act', 'mky', 'nbf', 'nonce',
  'object_id', 'org_id', 'org_name', 'orig', 'origid', 'permissions', 'roles', 'rph', 's_hash', 'sid',
  'sip_callid', 'sip_cseq_num', 'sip_date', 'sip_from_tag', 'sip_via_branch', 'sub', 'sub_jwk', 'toe', 'txn',
  'typ', 'uuid', 'vot', 'vtm', 'x5t#S256',
]);
const AUTH0_NAMESPACE_HOSTS = ['auth0.com', 'webtask.io', 'webtask.run'];

const PREFIX = '[tenantform] ';

// A failure the runtime itself detects (as opposed to an error the Action throws).
class RuntimeFailure extends Error {
  constructor(kind, message, code) {
    super(message);
    this.name = 'RuntimeFailure';
    this.kind = kind;
    if (code) this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// small helpers

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// JSON round trip, as Auth0 serialises claims and metadata. Values JSON cannot represent
// (undefined, functions, symbols) come back as undefined.
function jsonClone(v) {
  const text = v === undefined ? undefined : jsonStringify(v);
  return text === undefined ? undefined : jsonParse(text);
}

function byteLength(s) {
  return Buffer.byteLength(String(s), 'utf8');
}

// Root-level merge as Auth0 applies metadata updates: keys set to null are removed, other keys
// replace the previous value wholesale (nested objects are not merged).
function applyPatch(base, patch) {
  const out = jsonClone(base) || {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonClone(v);
  }
  return out;
}

function describeValue(v) {
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (typeof v === 'string') return v;
  return inspect(v, { depth: 2, breakLength: Infinity });
}

// ---------------------------------------------------------------------------------------------
// run state (one request per process)

let request = null;
const state = {
  logs: [],
  idTokenClaims: {},
  accessTokenClaims: {},
  scopes: { add: [], remove: [] },
  baseAppMetadata: {},
  baseUserMetadata: {},
  appPatch: {}, // key -> value | null (null = delete); batched like Auth0 does
  userPatch: {},
  cacheStore: {}, // key -> {value, expires_at}, the trigger's cache scope
  executed: [],
  nowMs: 0,
};
let current = null; // context of the Action being executed
let last = null; // context of the last Action started (for late console output)
let responded = false;

function pushLog(action, level, message) {
  state.logs.push({ action, level, message: String(message) });
}

function attribution() {
  const ctx = current || last;
  return ctx ? ctx.name : '(runtime)';
}

// ---------------------------------------------------------------------------------------------
// process guards, installed before any Action code runs

// A console for one Action: attribution is fixed even for output produced after the Action
// finished (late timers).
function makeConsole(name) {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      pushLog(name, 'log', chunk.toString('utf8').replace(/\n$/, ''));
      cb();
    },
  });
  const c = new ConsoleClass({ stdout: sink, stderr: sink });
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    c[level] = (...args) => pushLog(name, level, format(...args));
  }
  c.trace = (...args) => {
    const holder = {};
    Error.captureStackTrace(holder, c.trace);
    pushLog(name, 'error', `Trace: ${format(...args)}\n${String(holder.stack).split('\n').slice(1).join('\n')}`);
  };
  c.dir = (obj, options) => pushLog(name, 'log', inspect(obj, { customInspect: false, ...options }));
  c.assert = (cond, ...args) => {
    if (!cond) pushLog(name, 'error', args.length ? `Assertion failed: ${format(...args)}` : 'Assertion failed');
  };
  return c;
}

function onAsyncFailure(err) {
  if (current && !current.done) {
    current.fail(err);
  } else if (!responded) {
    pushLog(attribution(), 'error', `${PREFIX}uncaught error after the Action finished (ignored): ${describeValue(err)}`);
  }
}

function installProcessGuards() {
  // stdout protection: everything an Action (or a package it loads) prints goes into `logs`.
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    console[level] = (...args) => pushLog(attribution(), level, format(...args));
  }
  console.trace = (...args) => {
    const holder = {};
    Error.captureStackTrace(holder, console.trace);
    pushLog(attribution(), 'error', `Trace: ${format(...args)}\n${String(holder.stack).split('\n').slice(1).join('\n')}`);
  };
  console.dir = (obj, options) => pushLog(attribution(), 'log', inspect(obj, { customInspect: false, ...options }));
  process.stdout.write = function write(chunk, encoding, callback) {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    pushLog(attribution(), 'log', text.replace(/\n$/, ''));
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };

  // Auth0 runs Actions in a managed sandbox; an Action cannot end our process early.
  process.exit = function exit(code) {
    throw new Error(`process.exit(${code === undefined ? '' : code}) is not available to an Auth0 Action`);
  };

  process.on('uncaughtException', onAsyncFailure);
  process.on('unhandledRejection', onAsyncFailure);
  // The event loop emptied while an Action's promise was still pending: nothing can ever settle
  // it. On Auth0 this login would fail at the 20 s execution limit.
  process.on('beforeExit', () => {
    if (current && !current.done) {
      current.fail(new RuntimeFailure('thrown',
        'onExecutePostLogin returned a promise that never settles (nothing left to wait for); ' +
        'on Auth0 this login fails when the 20 s execution limit is reached'));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// require() for Action code

// "lodash/fp" -> "lodash", "@scope/pkg/sub" -> "@scope/pkg"
function packageNameOf(id) {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function notFound(message) {
  return new RuntimeFailure('missing_dependency', message, 'MODULE_NOT_FOUND');
}

function makeRequire(action, ctx) {
  const declared = new Map();
  for (const dep of action.dependencies) declared.set(dep.name, dep.version);
  const warnedVersion = new Set();

  function actionRequire(id) {
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`The "id" argument must be a non-empty string. Received ${inspect(id)}`);
    }
    if (Module.isBuiltin(id)) return nodeRequire(id);
    if (id.startsWith('.') || path.isAbsolute(id)) {
      // An Auth0 Action is one file: there is nothing next to it to require. Auth0 answers
      // "Cannot find module", which the Action may catch, so this is not recorded as fatal.
      throw notFound(`require('${id}'): an Auth0 Action is a single file, so relative or absolute paths ` +
        `cannot be required (Cannot find module '${id}')`);
    }
    const pkg = packageNameOf(id);
    if (!declared.has(pkg)) {
      // Auth0 installs only the declared dependencies; the require fails at run time with
      // "Cannot find module". Catchable, like on Auth0.
      throw notFound(`require('${id}'): package '${pkg}' is not declared in the dependencies of Action ` +
        `'${action.name}', so Auth0 does not install it (Cannot find module '${pkg}'); ` +
        `declare it in the Action's dependencies`);
    }
    const version = declared.get(pkg);
    const spec = version ? `${pkg}@${version}` : pkg;
    const dirs = [];
    if (request.node_modules) dirs.push(request.node_modules, path.join(request.node_modules, 'node_modules'));
    const base = dirs.find((d) => fs.existsSync(path.join(d, pkg)));
    if (!base) {
      // Declared, so Auth0 would have it: the emulator cannot run this Action faithfully.
      // Recorded even if the Action catches the error.
      const where = request.node_modules
        ? `it is not installed in ${request.node_modules}`
        : 'no node_modules directory was given';
      const err = notFound(`dependency '${spec}' of Action '${action.name}' is declared but ${where}; ` +
        `install it (npm install ${spec}) and pass --actions-node-modules DIR with DIR the node_modules ` +
        'directory that contains it');
      if (!ctx.done && !ctx.failure) ctx.failure = err;
      throw err;
    }
    if (version && /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(version) && !warnedVersion.has(pkg)) {
      warnedVersion.add(pkg);
      try {
        const installed = jsonParse(fs.readFileSync(path.join(base, pkg, 'package.json'), 'utf8')).version;
        if (installed && installed !== version) {
          pushLog(action.name, 'warn', `${PREFIX}dependency '${pkg}' is declared as ${version} but ` +
            `${installed} is installed in ${base}; Auth0 would run ${version}`);
        }
      } catch (_) {
        // no readable package.json: nothing to compare
      }
    }
    if (path.basename(base) === 'node_modules') {
      // Regular resolution from inside that node_modules (honours "exports" and sub-paths).
      return Module.createRequire(path.join(base, '.tenantform-action.js'))(id);
    }
    return Module.createRequire(path.join(base, '.tenantform-action.js'))(path.join(base, id));
  }
  return actionRequire;
}

// ---------------------------------------------------------------------------------------------
// the event object

function buildEvent(action, ctx) {
  const event = jsonClone(request.event);
  if (isPlainObject(event.user)) {
    event.user.app_metadata = applyPatch(state.baseAppMetadata, state.appPatch);
    event.user.user_metadata = applyPatch(state.baseUserMetadata, state.userPatch);
  }
  if (isPlainObject(event.transaction) && !isPlainObject(event.transaction.metadata)) {
    // Documented as always present (api.transaction.setMetadata is unsupported here, so empty).
    event.transaction.metadata = {};
  }
  // Each Action sees only its own secrets.
  event.secrets = { ...action.secrets };
  for (const member of EVENT_MEMBERS_REQUIRED) {
    if (event[member] !== undefined) continue;
    // Non-enumerable so that console.log(event), JSON.stringify(event), {...event},
    // structuredClone(event) and Object.keys(event) never touch it.
    Object.defineProperty(event, member, {
      configurable: true,
      enumerable: false,
      get() {
        const err = new RuntimeFailure('unsupported_api',
          `event.${member} is not supplied by the tenantform emulator`);
        if (!ctx.done && !ctx.failure) ctx.failure = err;
        throw err;
      },
      set(value) {
        Object.defineProperty(event, member, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  for (const member of EVENT_MEMBERS_OPTIONAL) {
    if (event[member] === null) delete event[member];
  }
  return event;
}

// ---------------------------------------------------------------------------------------------
// the api object

function guard(target, pathName, documented, ctx) {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'symbol' || key in t || PASSTHROUGH_KEYS.has(key)) return Reflect.get(t, key, receiver);
      const member = `${pathName}.${key}`;
      const message = documented.includes(key)
        ? `${member} is not supported by the tenantform emulator`
        : `${member} is not part of Auth0's post-login api object`;
      const err = new RuntimeFailure('unsupported_api', message);
      if (!ctx.done && !ctx.failure) ctx.failure = err;
      throw err;
    },
  });
}

function auth0NamespaceProblem(name) {
  if (/^urn:auth0(?::|$)/i.test(name)) return 'the urn:auth0 namespace is reserved by Auth0';
  const m = /^https?:\/\/([^/:?#]+)/i.exec(name);
  if (m) {
    const host = m[1].toLowerCase();
    const hit = AUTH0_NAMESPACE_HOSTS.find((h) => host === h || host.endsWith(`.${h}`));
    if (hit) return `${hit} cannot be used as a claim namespace`;
  }
  return null;
}

function makeApi(action, ctx) {
  let api = null;
  const warn = (message) => pushLog(action.name, 'warn', PREFIX + message);
  const active = (member) => {
    if (!ctx.done) return true;
    warn(`${member}() was called after Action '${action.name}' finished; Auth0 ignores calls made after ` +
      'onExecutePostLogin has completed');
    return false;
  };

  const claimSetter = (claims, member, tokenName) => function setCustomClaim(name, value) {
    if (!active(member)) return api;
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`${member}(name, value): name must be a non-empty string, got ${inspect(name)}`);
    }
    if (RESTRICTED_CLAIMS.has(name)) {
      warn(`${member}('${name}'): '${name}' is a claim Auth0 restricts; it is not added to the ${tokenName} ` +
        '(the login does not fail)');
      return api;
    }
    const problem = auth0NamespaceProblem(name);
    if (problem) {
      warn(`${member}('${name}'): ${problem}; the claim is not added to the ${tokenName}`);
      return api;
    }
    const clone = jsonClone(value);
    if (clone === undefined) delete claims[name];
    else claims[name] = clone;
    return api;
  };

  const scopeOp = (member, addTo, removeFrom) => function scope(scopeName) {
    if (!active(member)) return api;
    if (typeof scopeName !== 'string' || scopeName === '') {
      throw new TypeError(`${member}(scope): scope must be a non-empty string, got ${inspect(scopeName)}`);
    }
    const i = removeFrom.indexOf(scopeName);
    if (i >= 0) removeFrom.splice(i, 1);
    if (!addTo.includes(scopeName)) addTo.push(scopeName);
    return api;
  };

  const metadataSetter = (patch, member) => function setMetadata(key, value) {
    if (!active(member)) return api;
    if (typeof key !== 'string' || key === '') {
      throw new TypeError(`${member}(key, value): key must be a non-empty string, got ${inspect(key)}`);
    }
    // null removes the key (documented). undefined cancels any pending change of that key:
    // Auth0 serialises the batched update as JSON, where undefined disappears, so the profile
    // is not updated for that key (Auth0 community article "How to Pass Transient Data Between
    // Actions" relies on exactly that).
    const clone = jsonClone(value);
    if (clone === undefined) delete patch[key];
    else patch[key] = clone;
    return api;
  };

  const cacheFail = (member, code, message) => {
    warn(`${member}: ${message}`);
    return { type: 'error', code };
  };

  const impl = {
    access: {
      deny(...args) {
        if (!active('api.access.deny')) return api;
        let reason = args[0];
        if (args.length > 1) {
          warn(`api.access.deny() was called with ${args.length} arguments; Auth0's post-login ` +
            'api.access.deny(reason) takes only the reason, so the other arguments are ignored and the ' +
            `application receives error_description=${jsonStringify(describeValue(reason))}`);
        }
        if (typeof reason !== 'string') {
          warn(`api.access.deny(reason): reason should be a string, got ${inspect(reason)}`);
          reason = reason === undefined || reason === null ? '' : describeValue(reason);
        }
        // Docs are silent on several deny() calls; the last reason wins (each call marks the
        // login as denied again).
        ctx.denied = { reason };
        return api;
      },
    },
    accessToken: {
      setCustomClaim: claimSetter(state.accessTokenClaims, 'api.accessToken.setCustomClaim', 'access token'),
      addScope: scopeOp('api.accessToken.addScope', state.scopes.add, state.scopes.remove),
      removeScope: scopeOp('api.accessToken.removeScope', state.scopes.remove, state.scopes.add),
    },
    idToken: {
      setCustomClaim: claimSetter(state.idTokenClaims, 'api.idToken.setCustomClaim', 'ID token'),
    },
    user: {
      setAppMetadata: metadataSetter(state.appPatch, 'api.user.setAppMetadata'),
      setUserMetadata: metadataSetter(state.userPatch, 'api.user.setUserMetadata'),
    },
    cache: {
      get(key) {
        const entry = Object.prototype.hasOwnProperty.call(state.cacheStore, key) ? state.cacheStore[key] : undefined;
        if (!entry || entry.expires_at <= state.nowMs) return undefined;
        return { value: entry.value, expires_at: entry.expires_at };
      },
      set(key, value, options) {
        const member = 'api.cache.set';
        if (!active(member)) return { type: 'error', code: 'ACTION_FINISHED' };
        if (typeof key !== 'string' || key === '') return cacheFail(member, 'INVALID_KEY', `key must be a non-empty string, got ${inspect(key)}`);
        if (typeof value !== 'string') return cacheFail(member, 'INVALID_VALUE', `value must be a string (cache values are strings), got ${inspect(value)}`);
        if (byteLength(key) > CACHE_MAX_KEY_BYTES) return cacheFail(member, 'KEY_TOO_LARGE', `key '${key}' is longer than ${CACHE_MAX_KEY_BYTES} bytes`);
        if (byteLength(value) > CACHE_MAX_VALUE_BYTES) return cacheFail(member, 'VALUE_TOO_LARGE', `value for '${key}' is larger than 4kB`);
        const opts = options === undefined || options === null ? {} : options;
        let expiresAt = state.nowMs + CACHE_DEFAULT_LIFETIME_MS;
        for (const name of ['ttl', 'expires_at']) {
          const v = opts[name];
          if (v === undefined || v === null) continue;
          if (typeof v !== 'number' || !Number.isFinite(v)) return cacheFail(member, 'INVALID_OPTIONS', `options.${name} must be a finite number, got ${inspect(v)}`);
          // "If both options are supplied, the earlier expiry of the two will be used."
          expiresAt = name === 'ttl' ? Math.min(expiresAt, state.nowMs + v) : Math.min(expiresAt, v);
        }
        expiresAt = Math.min(expiresAt, state.nowMs + CACHE_MAX_LIFETIME_MS);
        const live = Object.entries(state.cacheStore).filter(([k, e]) => k !== key && e.expires_at > state.nowMs);
        if (live.length >= CACHE_MAX_ENTRIES) return cacheFail(member, 'TOO_MANY_ENTRIES', `the post-login cache already holds ${CACHE_MAX_ENTRIES} entries (Auth0's limit per trigger)`);
        const total = live.reduce((n, [k, e]) => n + byteLength(k) + byteLength(e.value), byteLength(key) + byteLength(value));
        if (total > CACHE_MAX_TOTAL_BYTES) return cacheFail(member, 'CACHE_FULL', `keys and values of the post-login cache would total ${total} bytes, over Auth0's 8kB limit`);
        state.cacheStore[key] = { value, expires_at: expiresAt };
        return { type: 'success', record: { value, expires_at: expiresAt } };
      },
      delete(key) {
        if (!active('api.cache.delete')) return { type: 'error', code: 'ACTION_FINISHED' };
        if (typeof key === 'string') delete state.cacheStore[key];
        return { type: 'success' };
      },
    },
  };

  const root = {};
  for (const [ns, members] of Object.entries(API_MEMBERS)) {
    root[ns] = guard(impl[ns] || {}, `api.${ns}`, members, ctx);
  }
  api = guard(root, 'api', Object.keys(API_MEMBERS), ctx);
  return api;
}

// ---------------------------------------------------------------------------------------------
// loading and running one Action

function describeSyntaxError(err, filename) {
  const where = String(err && err.stack || '').split('\n')[0];
  let message = `${err.name || 'SyntaxError'}: ${err.message}`;
  if (where.startsWith(filename)) message += ` (${where})`;
  if (/\b(import|export)\b/.test(String(err.message))) {
    message += '. Auth0 Actions are CommonJS: use exports.onExecutePostLogin = async (event, api) => { ... } and require()';
  }
  return message;
}

function describeThrown(err, filename) {
  if (!(err instanceof Error)) return `non-Error value thrown: ${describeValue(err)}`;
  let message = `${err.name}: ${err.message}`;
  // Point at the Action's own line: the first stack frame in the Action's file.
  const frame = String(err.stack || '').split('\n').slice(1).find((l) => l.includes(`${filename}:`));
  if (frame) {
    const loc = /^.*?:\d+:\d+/.exec(frame.slice(frame.lastIndexOf(`${filename}:`)));
    if (loc) message += ` (at ${loc[0]})`;
  }
  return message;
}

function loadAction(action, ctx) {
  let fn;
  try {
    fn = vm.compileFunction(action.code, ['exports', 'require', 'module', '__filename', '__dirname', 'console'], {
      filename: ctx.filename,
    });
  } catch (err) {
    throw new RuntimeFailure('invalid_code', describeSyntaxError(err, ctx.filename));
  }
  const mod = { exports: {}, id: ctx.filename, filename: ctx.filename, loaded: false, children: [], paths: [] };
  fn.call(mod.exports, mod.exports, makeRequire(action, ctx), mod, ctx.filename, '.', makeConsole(action.name));
  mod.loaded = true;
  return mod.exports;
}

async function runAction(action) {
  const ctx = {
    name: action.name,
    filename: `${action.name}.js`,
    done: false,
    denied: null,
    failure: null, // unsupported_api / missing_dependency noticed by the runtime, even if caught
    fail: null,
  };
  const failed = new Promise((_, reject) => { ctx.fail = reject; });
  failed.catch(() => {});
  current = ctx;
  last = ctx;
  state.executed.push(action.name);
  try {
    const exported = loadAction(action, ctx);
    const handler = exported !== null && (typeof exported === 'object' || typeof exported === 'function')
      ? exported.onExecutePostLogin
      : undefined;
    if (typeof handler !== 'function') {
      throw new RuntimeFailure('no_handler', `Action '${action.name}' does not export onExecutePostLogin ` +
        '(expected exports.onExecutePostLogin = async (event, api) => { ... })');
    }
    const event = buildEvent(action, ctx);
    const api = makeApi(action, ctx);
    await Promise.race([(async () => handler(event, api))(), failed]);
    // Let Node report what the Action left behind (an unhandled rejection is only detected once
    // the microtask queue drains) while it is still the current Action, so it is blamed on it.
    await Promise.race([new Promise((resolve) => setImmediate(resolve)), failed]);
    if (ctx.failure) throw ctx.failure;
    return { ctx, error: null };
  } catch (err) {
    const e = ctx.failure || err;
    const error = e instanceof RuntimeFailure
      ? { action: action.name, kind: e.kind, message: e.message }
      : { action: action.name, kind: 'thrown', message: describeThrown(e, ctx.filename) };
    return { ctx, error };
  } finally {
    ctx.done = true;
    current = null;
  }
}

// ---------------------------------------------------------------------------------------------
// request / response

function fatal(message) {
  process.stderr.write(`tenantform actions runtime: ${String(message).replace(/\s+/g, ' ')}\n`, () => realExit(2));
}

function readRequest(text) {
  let req;
  try {
    req = jsonParse(text);
  } catch (err) {
    throw new Error(`the request on stdin is not valid JSON: ${err.message}`);
  }
  if (!isPlainObject(req)) throw new Error('the request must be a JSON object');
  if (req.trigger !== TRIGGER) throw new Error(`unsupported trigger ${jsonStringify(req.trigger)} (only "${TRIGGER}")`);
  if (!Array.isArray(req.actions)) throw new Error('"actions" must be an array');
  req.actions = req.actions.map((a, i) => {
    if (!isPlainObject(a) || typeof a.name !== 'string' || a.name === '' || typeof a.code !== 'string') {
      throw new Error(`actions[${i}] must be an object with a non-empty string "name" and a string "code"`);
    }
    const secrets = a.secrets === undefined || a.secrets === null ? {} : a.secrets;
    if (!isPlainObject(secrets)) throw new Error(`actions[${i}].secrets must be an object`);
    const deps = a.dependencies === undefined || a.dependencies === null ? [] : a.dependencies;
    if (!Array.isArray(deps) || deps.some((d) => !isPlainObject(d) || typeof d.name !== 'string')) {
      throw new Error(`actions[${i}].dependencies must be an array of {name, version}`);
    }
    return { name: a.name, code: a.code, secrets, dependencies: deps };
  });
  if (!isPlainObject(req.event)) throw new Error('"event" must be an object');
  if (req.cache !== undefined && req.cache !== null && !isPlainObject(req.cache)) throw new Error('"cache" must be an object');
  req.cache = req.cache || {};
  if (req.node_modules !== undefined && req.node_modules !== null && typeof req.node_modules !== 'string') {
    throw new Error('"node_modules" must be a string or null');
  }
  req.node_modules = req.node_modules ? path.resolve(req.node_modules) : null;
  if (req.now_ms !== undefined && req.now_ms !== null && (typeof req.now_ms !== 'number' || !Number.isFinite(req.now_ms))) {
    throw new Error('"now_ms" must be a number (milliseconds since the Unix epoch)');
  }
  return req;
}

function liveEntries(scope, nowMs) {
  const out = {};
  if (!isPlainObject(scope)) return out;
  for (const [k, e] of Object.entries(scope)) {
    if (isPlainObject(e) && typeof e.value === 'string' && typeof e.expires_at === 'number' && e.expires_at > nowMs) {
      out[k] = { value: e.value, expires_at: e.expires_at };
    }
  }
  return out;
}

function respond(response) {
  if (responded) return;
  responded = true;
  realStdoutWrite(`${jsonStringify(response)}\n`, () => realExit(0));
}

async function main(text) {
  try {
    request = readRequest(text);
  } catch (err) {
    fatal(err.message);
    return;
  }
  state.nowMs = typeof request.now_ms === 'number' ? request.now_ms : Date.now();
  const user = request.event.user;
  state.baseAppMetadata = isPlainObject(user) && isPlainObject(user.app_metadata) ? jsonClone(user.app_metadata) : {};
  state.baseUserMetadata = isPlainObject(user) && isPlainObject(user.user_metadata) ? jsonClone(user.user_metadata) : {};
  // Auth0 scopes the cache to the trigger: every Action of the post-login flow shares it.
  state.cacheStore = liveEntries(request.cache[TRIGGER], state.nowMs);

  let outcome = 'allow';
  let deny = null;
  let error = null;
  for (const action of request.actions) {
    const result = await runAction(action);
    if (result.error) {
      outcome = 'error';
      error = result.error;
      break;
    }
    if (result.ctx.denied) {
      // "The login flow will immediately stop following the completion of this action and no
      // further Actions will be executed." Metadata changes are kept (deny does not cancel them).
      outcome = 'deny';
      deny = { action: action.name, reason: result.ctx.denied.reason };
      break;
    }
  }

  const cache = {};
  for (const [scope, entries] of Object.entries(request.cache)) {
    if (scope !== TRIGGER) {
      const live = liveEntries(entries, state.nowMs);
      if (Object.keys(live).length) cache[scope] = live;
    }
  }
  const store = liveEntries(state.cacheStore, state.nowMs);
  if (Object.keys(store).length) cache[TRIGGER] = store;

  // Auth0 applies the batched metadata update once, at the end of the trigger's execution. A
  // failed execution does not get there (docs are silent; we do not persist on error). A deny
  // does not cancel metadata changes (documented).
  const persist = outcome !== 'error';
  respond({
    outcome,
    deny,
    error,
    id_token_claims: state.idTokenClaims,
    access_token_claims: state.accessTokenClaims,
    access_token_scopes: state.scopes,
    app_metadata: persist && Object.keys(state.appPatch).length ? applyPatch(state.baseAppMetadata, state.appPatch) : null,
    user_metadata: persist && Object.keys(state.userPatch).length ? applyPatch(state.baseUserMetadata, state.userPatch) : null,
    logs: state.logs,
    cache,
    executed: state.executed,
  });
}

if (require.main === module) {
  installProcessGuards();
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('error', (err) => fatal(`cannot read stdin: ${err.message}`));
  process.stdin.on('end', () => {
    main(Buffer.concat(chunks).toString('utf8')).catch((err) => {
      fatal(`internal error: ${err && err.stack ? err.stack.split('\n').slice(0, 2).join(' ') : err}`);
    });
  });
}
