// The README's two commands are what a newcomer runs on a fresh machine, and CI must run exactly them (issue: CI
// was green while `npm ci && npm test` failed on a fresh clone, because .ci/run installed the harness by itself).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '../../..');

/** The commands of the README's opening code block (its first fenced block), comments dropped. */
function readmeCommands(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const m = /```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README.md has no ```sh block');
  assert.ok(m.index < readme.indexOf('\n## '), 'the README does not open with its commands');
  return m[1].split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The lines of .ci/run that run something (comments and blank lines dropped). */
function ciLines(): string[] {
  return fs.readFileSync(path.join(repoRoot, '.ci/run'), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

describe('newcomer: the README\'s commands and CI', () => {
  it('the README opens with two commands: the main job, then the tests (`npm test`)', () => {
    const cmds = readmeCommands();
    assert.equal(cmds.length, 2, `expected two commands, got:\n${cmds.join('\n')}`);
    assert.match(cmds[0], /^npm ci && .*node bin\/scar\.js /);
    assert.match(cmds[1], /^npm ci && npm test$/);
  });

  it('.ci/run runs each README command verbatim, and nothing in place of `npm test`', () => {
    const lines = ciLines();
    for (const cmd of readmeCommands()) assert.ok(lines.includes(cmd), `.ci/run does not run the README's command: ${cmd}`);
    // No stand-in that would hide a failure of the README's test command: no harness install, no other npm test.
    for (const l of lines) {
      assert.doesNotMatch(l, /harness\/install|install\.sh|code-server/, `.ci/run installs the harness itself: ${l}`);
      if (/\bnpm (run )?test\b|run-all\.js/.test(l)) assert.equal(l, readmeCommands()[1], `.ci/run runs the tests another way: ${l}`);
    }
  });

  it('the harness install never passes the outer npm\'s environment to its nested installs', () => {
    // What `npm test` exports to its children: code-server's postinstall read npm_config_user_agent's "node/v20".
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_node_version: '20.20.2',
      npm_config_onnxruntime_node_install: 'skip',
      NPM_CONFIG_PREFIX: '/somewhere',
      npm_package_name: 'scar-lens',
      npm_lifecycle_event: 'test',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      npm_node_execpath: '/usr/bin/node',
      INIT_CWD: repoRoot,
      NODE: '/usr/bin/node',
      ONNXRUNTIME_NODE_INSTALL: 'skip',
    };
    const r = spawnSync('bash', [path.join(repoRoot, 'test/harness/install.sh'), '--print-env'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const names = r.stdout.split('\n').map((l) => l.split('=')[0]);
    const leaked = names.filter((n) => /^npm_|^NPM_CONFIG_|^INIT_CWD$|^NODE$/.test(n));
    assert.deepEqual(leaked, [], `leaked into the nested installs: ${leaked.join(', ')}`);
    assert.ok(names.includes('ONNXRUNTIME_NODE_INSTALL'), 'the script dropped a variable it should keep');
  });
});
