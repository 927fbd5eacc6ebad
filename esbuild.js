// Bundles every entry point of SCAR Lens with esbuild. Native modules stay external.
//   node esbuild.js            one build (production: minified, with source maps)
//   node esbuild.js --watch    rebuild on change
// Outputs:
//   dist/extension.js  the VS Code extension (host side)
//   dist/engine.js     the engine child process (owns the onnxruntime-node session)
//   dist/cli.js        the `scar` command (bin/scar.js loads it)
//   dist/cleaning.js   the cleaning service child process (hygiene checks and the cleaning of Select top…)
//   dist/overview.js   the overview service child process (the dataset overview of a file on disk)
//   dist/featuriseWorker.js  a featurising worker thread of the engine
//   dist/overviewView.js, dist/recordView.js  the two webviews' scripts (browser, minified; styles in media/views/)
//   out/core.js        src/core as one module, for benchmarks and training scripts
//   out/test/**        unit and integration tests, one file per test file, for mocha
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const external = ['vscode', 'onnxruntime-node'];

function testEntries(dir) {
  const abs = path.join(__dirname, dir);
  if (!fs.existsSync(abs)) return [];
  const out = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testEntries(rel));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension/main.ts', engine: 'src/engine/main.ts', cli: 'src/cli/main.ts', cleaning: 'src/engine/cleaningService.ts', overview: 'src/engine/overviewService.ts', featuriseWorker: 'src/engine/featuriseWorker.ts' }, outdir: 'dist', minify: !watch },
  // The webviews' scripts: plain browser code, no Node module, no library.
  { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, sourcemap: false, logLevel: 'info',
    entryPoints: { overviewView: 'src/extension/views/webview/overview.ts', recordView: 'src/extension/views/webview/record.ts' }, outdir: 'dist' },
  // The whole core as one CommonJS module, for bench/*.bench.js and training/ scripts.
  { ...common, entryPoints: { core: 'src/core/index.ts' }, outdir: 'out' },
  { ...common, entryPoints: [...testEntries('test/unit'), ...testEntries('test/integration')], outdir: 'out/test', outbase: 'test', external: [...external, 'mocha'] },
];

(async () => {
  if (watch) {
    for (const b of builds) (await esbuild.context(b)).watch();
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
})().catch((e) => { console.error(e); process.exit(1); });
