#!/usr/bin/env node
// `npm run package`: builds SCAR Lens and packages one .vsix per platform with @vscode/vsce `--target`, each
// holding only its own platform's onnxruntime binaries, then checks every .vsix's file list and prints the sizes.
//
//   node bin/package-vsix.js [--target T]... [--out DIR] [--no-build]
//
//   --target T   linux-x64, linux-arm64, darwin-x64, darwin-arm64 or win32-x64 (repeatable; default: all five)
//   --out DIR    where the .vsix files go (default: the repository root), named scar-lens-<target>-<version>.vsix
//   --no-build   package dist/ as it is (default: run `node esbuild.js` first)
//
// How: .vscodeignore lists what ships on every platform; for each target this script writes a copy of it with the
// target's binaries re-included (.cache/vsix/<target>.vscodeignore) and passes it to `vsce package --ignoreFile`.
// The binaries of a target are onnxruntime_binding.node and the libraries it names (libonnxruntime.so.1,
// libonnxruntime.<v>.dylib, onnxruntime.dll): not the duplicate versioned dylib, nor the DirectML and DXC DLLs
// that only GPU execution providers load (the engine runs the CPU provider).
// darwin-x64: onnxruntime-node dropped Intel macOS after 1.23.2, so that .vsix is packaged from a staging folder
// (.cache/vsix/darwin-x64/) whose node_modules hold onnxruntime-node 1.23.2, installed with npm once and reused.
// Exit status: 0 when every .vsix was built, holds what the extension needs and is within the size limit.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const cacheDir = path.join(repoRoot, '.cache', 'vsix');
const MAX_BYTES = 40e6; // the size target: 40 MB
const DARWIN_X64_ORT = '1.23.2'; // the last onnxruntime-node release with a darwin/x64 binary
const TARGETS = {
  'linux-x64': { os: 'linux', arch: 'x64' },
  'linux-arm64': { os: 'linux', arch: 'arm64' },
  'darwin-x64': { os: 'darwin', arch: 'x64', onnxruntime: DARWIN_X64_ORT },
  'darwin-arm64': { os: 'darwin', arch: 'arm64' },
  'win32-x64': { os: 'win32', arch: 'x64' },
};
// What a packaged extension needs at run time besides dist/*.js and media/**, relative to extension/.
const REQUIRED = [
  'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt',
  'models/ranker.onnx', 'models/ranker.onnx.data', 'models/featuriser.json', 'models/vocab.txt', 'models/MODEL_CARD.md',
  'node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-node/dist/index.js',
  'node_modules/onnxruntime-node/dist/binding.js', 'node_modules/onnxruntime-node/dist/backend.js',
  'node_modules/onnxruntime-common/package.json', 'node_modules/onnxruntime-common/dist/cjs/index.js',
  'node_modules/onnxruntime-common/dist/cjs/package.json',
];
const DIST_ENTRIES = ['extension.js', 'engine.js', 'cli.js', 'cleaning.js', 'overview.js', 'featuriseWorker.js', 'overviewView.js', 'recordView.js'];

class PackageError extends Error {}

function parseArgs(argv) {
  const o = { targets: [], out: repoRoot, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--target' || a === '-t') {
      const t = value();
      if (!TARGETS[t]) usage(`unknown target "${t}"; the targets are ${Object.keys(TARGETS).join(', ')}`);
      if (!o.targets.includes(t)) o.targets.push(t);
    } else if (a === '--out' || a === '-o') o.out = path.resolve(value());
    else if (a === '--no-build') o.build = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option "${a}"`);
  }
  if (o.targets.length === 0) o.targets = Object.keys(TARGETS);
  return o;
}

function usage(error) {
  const text = `usage: node bin/package-vsix.js [--target ${Object.keys(TARGETS).join('|')}]... [--out DIR] [--no-build]`;
  if (error) {
    console.error(`package-vsix: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new PackageError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new PackageError(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status === null ? r.signal : r.status})`);
}

/** The vsce CLI of the pinned devDependency (3.9.2 runs on Node 20 and later; 4.x needs Node 22). */
function vsceBin() {
  let pkgJson;
  try {
    pkgJson = require.resolve('@vscode/vsce/package.json', { paths: [repoRoot] });
  } catch {
    throw new PackageError('@vscode/vsce is not installed: run `npm ci` first (it is a devDependency)');
  }
  return path.join(path.dirname(pkgJson), 'vsce');
}

/**
 * The files of a platform's onnxruntime binary folder that the extension loads: onnxruntime_binding.node and every
 * library of the folder whose file name the binding names (its DT_NEEDED / @rpath / DLL import).
 */
function runtimeBinaries(binDir) {
  if (!fs.existsSync(path.join(binDir, 'onnxruntime_binding.node'))) {
    throw new PackageError(`no onnxruntime_binding.node in ${path.relative(repoRoot, binDir)}`);
  }
  const binding = fs.readFileSync(path.join(binDir, 'onnxruntime_binding.node')).toString('latin1');
  const libs = fs.readdirSync(binDir).filter((f) => f !== 'onnxruntime_binding.node' && binding.includes(f));
  if (libs.length === 0) throw new PackageError(`onnxruntime_binding.node in ${binDir} names none of the libraries beside it`);
  return ['onnxruntime_binding.node', ...libs.sort()];
}

function onnxruntimeBinDir(root, t) {
  const ortDir = path.join(root, 'node_modules', 'onnxruntime-node');
  const bin = path.join(ortDir, 'bin');
  const napi = fs.existsSync(bin) ? fs.readdirSync(bin).filter((d) => /^napi-v\d+$/.test(d)) : [];
  for (const n of napi) {
    const dir = path.join(bin, n, t.os, t.arch);
    if (fs.existsSync(dir)) return { dir, rel: `node_modules/onnxruntime-node/bin/${n}/${t.os}/${t.arch}` };
  }
  throw new PackageError(`onnxruntime-node in ${path.relative(repoRoot, ortDir) || ortDir} has no ${t.os}/${t.arch} binary`);
}

/** Writes .cache/vsix/<target>.vscodeignore: .vscodeignore plus the target's binaries; returns it and them. */
function writeIgnoreFile(root, target) {
  const t = TARGETS[target];
  const { dir, rel } = onnxruntimeBinDir(root, t);
  const binaries = runtimeBinaries(dir).map((f) => `${rel}/${f}`);
  const base = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
  const file = path.join(cacheDir, `${target}.vscodeignore`);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(file, `${base.trimEnd()}\n# ${target}: its onnxruntime binaries (written by bin/package-vsix.js)\n${binaries.map((b) => `!${b}`).join('\n')}\n`);
  return { file, binaries };
}

/**
 * The staging folder of a target whose onnxruntime-node is not the repository's (darwin-x64): a copy of what ships,
 * with a manifest that depends on that version, and that version installed by npm (kept between runs).
 */
function stageFolder(target) {
  const t = TARGETS[target];
  const dir = path.join(cacheDir, target);
  fs.mkdirSync(dir, { recursive: true });
  for (const e of fs.readdirSync(dir)) if (e !== 'node_modules') fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  pkg.dependencies = { ...pkg.dependencies, 'onnxruntime-node': t.onnxruntime };
  delete pkg.devDependencies;
  delete pkg.scripts;
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const e of fs.readdirSync(repoRoot)) {
    if (/^(README\.md|CHANGELOG\.md|LICENSE|package\.nls(\.[\w-]+)?\.json)$/.test(e)) fs.copyFileSync(path.join(repoRoot, e), path.join(dir, e));
  }
  for (const d of ['dist', 'models', 'media']) fs.cpSync(path.join(repoRoot, d), path.join(dir, d), { recursive: true });
  // npm installs the manifest's dependencies there (vsce's `npm list --production` wants them all), again only when
  // they changed since the last install
  const marker = path.join(dir, 'node_modules', '.scar-dependencies.json');
  const wanted = JSON.stringify(pkg.dependencies);
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== wanted) {
    console.log(`package-vsix: ${target}: installing onnxruntime-node@${t.onnxruntime} into ${path.relative(repoRoot, dir)} (about 100 MB from the npm registry, once)`);
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    run(npmCommand(), ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir });
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
    if (installed !== t.onnxruntime) throw new PackageError(`${target}: npm installed onnxruntime-node ${installed}, not ${t.onnxruntime}`);
    fs.writeFileSync(marker, wanted);
  }
  return dir;
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** The entries of a zip file (name and uncompressed size), read from its central directory. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new PackageError(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new PackageError(`${file}: bad central directory entry ${i}`);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Checks a .vsix's file list: what the extension needs at run time, this platform's binaries and nothing else. */
function checkVsix(file, target, binaries, root) {
  const names = new Set(zipEntries(file).map((e) => e.name));
  const problems = [];
  const want = [
    ...REQUIRED,
    ...DIST_ENTRIES.map((f) => `dist/${f}`),
    ...listFiles(path.join(root, 'media')).map((f) => `media/${f}`),
    ...(fs.existsSync(path.join(root, 'package.nls.json')) ? ['package.nls.json'] : []),
    ...(fs.existsSync(path.join(root, 'models', 'calibration.json')) ? ['models/calibration.json'] : []),
    ...binaries,
  ];
  for (const w of want) if (!names.has(`extension/${w}`)) problems.push(`lacks ${w}`);
  for (const n of names) {
    const rel = n.replace(/^extension\//, '');
    if (/\/bin\/napi-v\d+\//.test(rel) && !binaries.includes(rel)) problems.push(`holds another binary: ${rel}`);
    if (/\.map$/.test(rel)) problems.push(`holds a source map: ${rel}`);
    if (/^(src|test|out|bench|training|docs|examples|bin|\.cache|\.vscode-harness)\//.test(rel)) problems.push(`holds ${rel}`);
    if (/^node_modules\//.test(rel) && !/^node_modules\/onnxruntime-(node|common)\//.test(rel)) problems.push(`holds ${rel}`);
  }
  const bytes = fs.statSync(file).size;
  if (bytes > MAX_BYTES) problems.push(`is ${mb(bytes)}, over the ${mb(MAX_BYTES)} limit`);
  if (problems.length) throw new PackageError(`${path.basename(file)} (${target}):\n  ${problems.join('\n  ')}`);
  return { files: names.size, bytes };
}

function listFiles(dir, prefix = '') {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), `${prefix}${e.name}/`));
    else out.push(`${prefix}${e.name}`);
  }
  return out;
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Packages one target; returns the .vsix path, its file count and size. */
function packageTarget(target, o, pkg) {
  const root = TARGETS[target].onnxruntime ? stageFolder(target) : repoRoot;
  const { file: ignoreFile, binaries } = writeIgnoreFile(root, target);
  const out = path.join(o.out, `${pkg.name}-${target}-${pkg.version}.vsix`);
  fs.mkdirSync(o.out, { recursive: true });
  console.log(`\npackage-vsix: ${target}: ${binaries.map((b) => path.basename(b)).join(', ')}`);
  run(process.execPath, [vsceBin(), 'package', '--target', target, '--ignoreFile', ignoreFile,
    '--no-rewrite-relative-links', '--out', out], { cwd: root, env: { ...process.env, SCAR_VSIX_TARGET: target } });
  return { target, out, ...checkVsix(out, target, binaries, root) };
}

function main() {
  if (process.argv[2] === '--prepublish-check') {
    // `vscode:prepublish`: vsce runs it before every package/publish; only this script's runs may go on.
    if (process.env.SCAR_VSIX_TARGET) return;
    console.error('package-vsix: package SCAR Lens with `npm run package` (or `node bin/package-vsix.js --target linux-x64`):'
      + ' a plain `vsce package` would ship no onnxruntime binary.');
    process.exit(1);
  }
  const o = parseArgs(process.argv.slice(2));
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  try {
    if (o.build) run(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot });
    for (const f of DIST_ENTRIES) {
      if (!fs.existsSync(path.join(repoRoot, 'dist', f))) throw new PackageError(`dist/${f} is missing: build first (node esbuild.js)`);
    }
    const built = o.targets.map((t) => packageTarget(t, o, pkg));
    console.log('\npackage-vsix: built');
    for (const b of built) {
      console.log(`  ${path.relative(process.cwd(), b.out) || b.out}  ${mb(b.bytes)}  (${b.files} files)`);
    }
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(`package-vsix: ${e.message}`);
    process.exit(1);
  }
}

if (require.main === module) main();
module.exports = { TARGETS, runtimeBinaries, zipEntries, checkVsix, writeIgnoreFile };
