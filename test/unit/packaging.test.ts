// Packaging (bin/package-vsix.js behind `npm run package`) and the manifest's conventions: each platform's .vsix gets
// exactly the onnxruntime files its binding loads; the walkthrough's media exist and its steps complete on events
// that something raises; every %key% of package.json has its text in package.nls.json.
// The packaged .vsix itself is installed and driven in test/e2e/install.e2e.js.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../util/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkgVsix = require(path.join(repoRoot, 'bin', 'package-vsix.js')) as {
  TARGETS: Record<string, { os: string; arch: string; onnxruntime?: string }>;
  runtimeBinaries(dir: string): string[];
  writeIgnoreFile(root: string, target: string): { file: string; binaries: string[] };
};
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8'));
const binDir = (os: string, arch: string): string => path.join(repoRoot, 'node_modules/onnxruntime-node/bin/napi-v6', os, arch);

describe('packaging: npm run package', () => {
  it('builds the five platforms with the pinned vsce', () => {
    assert.deepEqual(Object.keys(pkgVsix.TARGETS).sort(), ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
    assert.match(manifest.devDependencies['@vscode/vsce'], /^\d+\.\d+\.\d+$/, '@vscode/vsce is pinned to one version');
    assert.equal(manifest.scripts.package, 'node bin/package-vsix.js');
    assert.doesNotMatch(JSON.stringify(manifest.scripts), /npx/);
  });

  it('takes the binding and the libraries it names, not the duplicate dylib nor the GPU providers\' DLLs', () => {
    assert.deepEqual(pkgVsix.runtimeBinaries(binDir('linux', 'x64')), ['onnxruntime_binding.node', 'libonnxruntime.so.1']);
    assert.deepEqual(pkgVsix.runtimeBinaries(binDir('linux', 'arm64')), ['onnxruntime_binding.node', 'libonnxruntime.so.1']);
    assert.deepEqual(pkgVsix.runtimeBinaries(binDir('darwin', 'arm64')), ['onnxruntime_binding.node', 'libonnxruntime.1.dylib']);
    assert.deepEqual(pkgVsix.runtimeBinaries(binDir('win32', 'x64')), ['onnxruntime_binding.node', 'onnxruntime.dll']);
  });

  it('writes a per-target ignore file that re-includes only that platform\'s binaries', () => {
    const { file, binaries } = pkgVsix.writeIgnoreFile(repoRoot, 'win32-x64');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const reincluded = lines.filter((l) => l.includes('/bin/napi-v'));
    assert.deepEqual(reincluded, binaries.map((b) => `!${b}`));
    assert.deepEqual(binaries, ['node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll']);
  });

  it('keeps .vscodeignore free of any one platform\'s binaries', () => {
    const base = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
    assert.doesNotMatch(base.split('\n').filter((l) => !l.startsWith('#')).join('\n'), /bin\/napi/);
    for (const need of ['!dist/*.js', '!package.nls.json', '!l10n/*.json', '!media/**', '!models/ranker.onnx', '!models/ranker.onnx.data']) assert.ok(base.split('\n').includes(need), need);
  });
});

describe('manifest conventions', () => {
  it('resolves every %key% through package.nls.json, which holds no unused key', () => {
    const used = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const m = /^%(.+)%$/.exec(v);
        if (m) used.add(m[1]);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(manifest);
    assert.ok(used.size > 0);
    for (const k of used) assert.equal(typeof nls[k], 'string', `package.nls.json has no "${k}"`);
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'unused keys in package.nls.json');
  });

  it('has a 3-5 step walkthrough whose media exist and whose steps complete on events that happen', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough.steps.length >= 3 && walkthrough.steps.length <= 5);
    const commands = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const source = fs.readFileSync(path.join(repoRoot, 'src/extension/surfaces/walkthrough.ts'), 'utf8');
    for (const step of walkthrough.steps) {
      for (const kind of ['image', 'markdown', 'svg']) {
        if (step.media[kind]) assert.ok(fs.existsSync(path.join(repoRoot, step.media[kind])), `${step.id}: ${step.media[kind]} is missing`);
      }
      if (step.media.image) assert.ok(fs.statSync(path.join(repoRoot, step.media.image)).size < 200_000, `${step.media.image} is over 200 kB`);
      assert.ok(step.completionEvents.length > 0, `${step.id} has no completion event`);
      for (const e of step.completionEvents as string[]) {
        const cmd = /^onCommand:(.+)$/.exec(e);
        const key = /^onContext:([\w.]+)$/.exec(e);
        if (cmd) assert.ok(commands.has(cmd[1]), `${step.id}: ${cmd[1]} is not a contributed command`);
        else if (key) assert.ok(source.includes(`'${key[1]}'`), `${step.id}: nothing sets the context key ${key[1]}`);
        else assert.fail(`${step.id}: unexpected completion event ${e}`);
      }
      for (const m of nls[step.description.slice(1, -1)].matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(m[1]) || m[1].startsWith('workbench.'), `${step.id} links to an unknown command ${m[1]}`);
      }
    }
  });

  it('carries marketplace metadata and says how it runs in untrusted and virtual workspaces', () => {
    for (const k of ['repository', 'bugs', 'homepage', 'galleryBanner', 'icon', 'license']) assert.ok(manifest[k], `no ${k}`);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
    assert.ok(manifest.capabilities.virtualWorkspaces.description);
  });
});
