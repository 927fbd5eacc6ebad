#!/usr/bin/env node
// `npm run bench`: builds, then runs every bench/*.bench.js in turn, each in its own process so that one
// section's memory does not skew another's. Benchmarks print figures (medians, with a baseline measured in
// the same run); they assert nothing. Run one section with `npm run bench -- reader`.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const build = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  process.exit(build.status ?? 1);
}

const sections = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
let failed = 0;
for (const file of sections) {
  console.log(`\n=== ${file.replace(/\.bench\.js$/, '')} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`(section ${file} exited with ${r.status ?? r.signal})`); }
}
process.exit(failed ? 1 : 0);
