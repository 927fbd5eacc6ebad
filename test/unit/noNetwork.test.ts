// Trust and safety: SCAR Lens never makes a network request. The shipped bundles (dist/extension.js, engine.js,
// cli.js, cleaning.js, overview.js and featuriseWorker.js, built by esbuild.js) may only load modules from an allowlist with no network
// access, and contain no browser network API (fetch, XMLHttpRequest, WebSocket, ...) and no dynamic require/import that could load one.
// A new dependency that needs the network fails here, naming the module.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { distDir } from '../util/paths';

/** Each bundle with a module it surely loads (proof that the check sees its requires). */
const BUNDLES: ReadonlyArray<[string, string]> = [['extension.js', 'fs'], ['engine.js', 'fs'], ['cli.js', 'fs'], ['cleaning.js', 'fs'], ['overview.js', 'fs'], ['featuriseWorker.js', 'worker_threads']];

/** Node built-ins (and externals) without network access that the bundles may load. */
const ALLOWED = new Set([
  'assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'os', 'path', 'perf_hooks', 'readline',
  'stream', 'stream/promises', 'string_decoder', 'timers', 'url', 'util', 'worker_threads', 'zlib', 'vscode', 'onnxruntime-node',
]);
const NETWORK_MODULES = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'undici', 'inspector'];

/** Every `require("x")` of a bundle, with `node:` prefixes removed. */
function requiredModules(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) out.add(m[1].replace(/^node:/, ''));
  return [...out].sort();
}

/** Calls or references of network APIs that need no require. */
function networkApis(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?<![\w$])(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)(?![\w$])/g)) found.add(m[1]);
  return [...found].sort();
}

describe('no network access in the shipped bundles', () => {
  it('the checks themselves find what they look for', () => {
    const sample = 'const a=require("fs"),b=require("node:https");fetch("x");new WebSocket(u);const prefetch=1;"https";';
    assert.deepEqual(requiredModules(sample), ['fs', 'https']);
    assert.deepEqual(networkApis(sample), ['WebSocket', 'fetch']);
    assert.deepEqual(networkApis('x.prefetchAll(); let fetched = 2; const s = "http";'), []);
  });

  for (const [name, surely] of BUNDLES) {
    it(`dist/${name} loads only allowed modules and uses no network API`, () => {
      const file = path.join(distDir, name);
      assert.ok(fs.existsSync(file), `${file} is missing: run \`npm run build\` first`);
      const code = fs.readFileSync(file, 'utf8');
      const mods = requiredModules(code);
      assert.ok(mods.includes(surely), `the check sees ${name}'s requires (${mods.join(', ')})`);
      const network = mods.filter((m) => NETWORK_MODULES.includes(m.split('/')[0]));
      assert.deepEqual(network, [], `${name} loads network modules`);
      const unknown = mods.filter((m) => !ALLOWED.has(m));
      assert.deepEqual(unknown, [], `${name} loads modules not on the allowlist (add them only if they cannot reach the network)`);
      assert.deepEqual(networkApis(code), [], `${name} uses a network API`);
      // A computed require or a dynamic import could load anything at run time.
      assert.equal(/\brequire\(\s*[^"'`\s)]/.test(code), false, `${name} has a computed require()`);
      assert.equal(/(?<![\w$.])import\(/.test(code), false, `${name} has a dynamic import()`);
    });
  }

  // The webviews' scripts run in a page: no module at all, no network API, and nothing that turns text into HTML or
  // code (dataset text reaches the page only through textContent).
  for (const name of ['overviewView.js', 'recordView.js']) {
    it(`dist/${name} (a webview script) loads nothing, reaches no network and never parses text as HTML or code`, () => {
      const file = path.join(distDir, name);
      assert.ok(fs.existsSync(file), `${file} is missing: run \`npm run build\` first`);
      const code = fs.readFileSync(file, 'utf8');
      assert.ok(code.includes('postMessage'), 'the check reads the right file');
      assert.deepEqual(requiredModules(code), []);
      assert.deepEqual(networkApis(code), [], `${name} uses a network API`);
      for (const risky of [/\binnerHTML\b/, /\bouterHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/, /(?<![\w$.])import\(/]) {
        assert.equal(risky.test(code), false, `${name} uses ${risky}`);
      }
    });
  }
});

