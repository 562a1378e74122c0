// What run.mjs (the Deploy CLI test) and bench.mjs (the side-by-side benchmark) share: the
// run's private work directory (holding tenantform's rate-limit cache), the emulator
// (`tenantform emulate`) started and stopped, the local TLS proxy a0deploy talks to (a0deploy
// only speaks HTTPS) with a certificate made for the run, commands run with a clean
// environment, a0deploy's config, and masking of secrets in everything printed.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const a0deploy = path.join(here, 'node_modules', '.bin', 'a0deploy');
const STEP_TIMEOUT_MS = 180_000;

// The resource kinds (a0deploy's names) the emulator emulates: its README's list. An export
// reads every kind a0deploy knows unless told these (AUTH0_INCLUDED_ONLY).
export const EMULATED_KINDS = [
  'tenant',
  'clients',
  'clientGrants',
  'databases',
  'connections',
  'resourceServers',
  'roles',
  'actions',
  'triggers',
  'emailTemplates',
  'emailProvider',
];

// The tenantform binary: TENANTFORM_BIN, else `fallback` (relative to the repository).
export function tenantformBin(fallback) {
  return path.resolve(repo, process.env.TENANTFORM_BIN || fallback);
}

// Values never printed: every output shown goes through mask().
export const secrets = [];
// a0deploy colours its log whatever NO_COLOR says: the colours go too.
export const mask = (text) =>
  secrets.reduce((t, s) => t.split(s).join('***'), String(text)).replace(/\x1b\[[0-9;]*m/g, '');
export const log = (line) => process.stdout.write(`${mask(line)}\n`);

// A random value for the run, masked in everything printed.
export function newSecret() {
  const secret = randomBytes(12).toString('hex');
  secrets.push(secret);
  return secret;
}

// The run's work directory (owner-only: configs and state hold secrets). tenantform's
// rate-limit cache (src/api/rate_limit_cache.rs) goes there too, not to the user's
// ~/.cache/tenantform: every tenantform the run starts inherits TENANTFORM_CACHE_DIR.
export function workDir(prefix) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(work, 0o700);
  process.env.TENANTFORM_CACHE_DIR = path.join(work, 'tenantform-cache');
  return work;
}

export class Failure extends Error {
  constructor(message, output = '') {
    super(message);
    this.output = output;
  }
}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

// --- the emulator ------------------------------------------------------------------------------

// Whatever ends the script ends the emulators it started.
const running = new Set();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

// Starts `tenantform emulate` on a free port with its request log in `requestLog`, plus
// `args` (e.g. --state, --rate-limit); resolves once it printed its address and credentials.
export function startEmulator(bin, requestLog, args = []) {
  const child = spawn(
    bin,
    ['emulate', '--listen', '127.0.0.1:0', '--no-progress', '--color', 'never', '--request-log', requestLog, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output = [];
  const stderr = readline.createInterface({ input: child.stderr });
  stderr.on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => fail(new Error('the emulator did not print its address within 60 s')), 60_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error([error.message, ...output].join('\n')));
    };
    child.on('error', (error) => fail(new Error(`cannot run ${bin}: ${error.message}`)));
    const early = (code) => fail(new Error(`the emulator exited (${code}) before it was ready`));
    child.on('exit', early);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^(AUTH0_DOMAIN|AUTH0_M2M_CLIENT_ID|AUTH0_M2M_CLIENT_SECRET)=(.+)$/.exec(line.trim());
      if (m) found[m[1]] = m[2];
      else output.push(line);
      if (m?.[1] === 'AUTH0_M2M_CLIENT_SECRET') secrets.push(m[2]);
      if (found.AUTH0_DOMAIN && found.AUTH0_M2M_CLIENT_ID && found.AUTH0_M2M_CLIENT_SECRET) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({
          child,
          output,
          requestLog,
          origin: found.AUTH0_DOMAIN,
          clientId: found.AUTH0_M2M_CLIENT_ID,
          clientSecret: found.AUTH0_M2M_CLIENT_SECRET,
        });
      }
    });
  });
}

// SIGINT, as a user stops it: the emulator saves its --state file on the way out.
export async function stopEmulator(emulator) {
  if (emulator.child.exitCode !== null) return;
  const exited = new Promise((resolve) => emulator.child.once('exit', resolve));
  emulator.child.kill('SIGINT');
  const timer = setTimeout(() => emulator.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// The environment of tenantform commands aimed at the emulator.
export function tenantformEnv(emulator) {
  return {
    AUTH0_DOMAIN: emulator.origin,
    AUTH0_M2M_CLIENT_ID: emulator.clientId,
    AUTH0_M2M_CLIENT_SECRET: emulator.clientSecret,
  };
}

// --- the TLS proxy -----------------------------------------------------------------------------

// A certificate for 127.0.0.1 made for this run; a0deploy trusts it through NODE_EXTRA_CA_CERTS.
export function makeCertificate(work) {
  const key = path.join(work, 'proxy-key.pem');
  const cert = path.join(work, 'proxy-cert.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.error) throw new Error(`cannot run openssl to make the proxy's certificate: ${made.error.message}`);
  if (made.status !== 0) throw new Error(`openssl failed to make the proxy's certificate:\n${made.stderr}`);
  return { keyFile: key, certFile: cert };
}

// An HTTPS server forwarding every request as is to the emulator's http origin.
export function startProxy(origin, { keyFile, certFile }) {
  const target = new URL(origin);
  const server = https.createServer(
    { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) },
    (req, res) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${error.message}`);
      });
      req.pipe(upstream);
    },
  );
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// --- a0deploy's configuration ------------------------------------------------------------------

// a0deploy's settings for the emulator behind `proxy`. The emulator's Management API
// identifier is its own origin's; through the proxy a0deploy would ask for
// https://<proxy>/api/v2/, so it is told the audience (AUTH0_AUDIENCE).
export function deployConfig(emulator, proxy, extra = {}) {
  return {
    AUTH0_DOMAIN: `127.0.0.1:${proxy.address().port}`,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    AUTH0_AUDIENCE: managementAudience(emulator),
    AUTH0_ALLOW_DELETE: false,
    ...extra,
  };
}

export function managementAudience(emulator) {
  return `${emulator.origin}/api/v2/`;
}

// Written owner-only: it holds the client secret.
export function writeConfig(file, config) {
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

// --- running commands --------------------------------------------------------------------------

export function run(command, args, { env = {}, cwd = repo, timeoutMs = STEP_TIMEOUT_MS } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs / 1000} s]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\ncannot run ${command}: ${error.message}`, ms: Date.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, output, ms: Date.now() - started });
    });
  });
}

// The parent's environment without Auth0 settings (a0deploy reads AUTH0_* from the environment
// and merges the whole environment into its keyword mappings).
export function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AUTH0_') && k !== 'NODE_TLS_REJECT_UNAUTHORIZED') env[k] = v;
  }
  // The a0deploy bin is `#!/usr/bin/env node`: the node running this script runs it too.
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH || ''}`;
  return env;
}

// Runs a0deploy with `configFile`, trusting the proxy's certificate; throws a Failure with its
// output when it exits non-zero.
export async function deploy(args, what, { configFile, certFile, timeoutMs }) {
  const result = await run(a0deploy, [...args, '--config_file', configFile], {
    env: { NODE_EXTRA_CA_CERTS: certFile, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeoutMs,
  });
  if (process.env.DEPLOY_CLI_VERBOSE) log(`---- a0deploy ${what} ----\n${result.output.trimEnd()}\n----`);
  if (result.code !== 0) {
    throw new Failure(`a0deploy ${what} exited with ${result.code}`, result.output);
  }
  return result;
}
