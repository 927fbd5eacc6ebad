#!/usr/bin/env node
// The README's settings table, made from package.json's contributes.configuration (descriptions resolved through
// package.nls.json when they are %keys%; test/unit/settings.test.ts keeps them equal to src/extension/settings.ts's table). `node test/util/settingsTable.js --write` rewrites the table between the
// README's <!-- settings:start --> and <!-- settings:end --> markers; test/unit/readmeSettings.test.ts checks it.
'use strict';
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '../..');
const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

function nls() {
  const file = path.join(repoRoot, 'package.nls.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

function resolve(text, strings) {
  if (typeof text !== 'string') return '';
  const m = /^%(.+)%$/.exec(text);
  return m && strings[m[1]] !== undefined ? strings[m[1]] : text;
}

/** One Markdown row per setting, in the manifest's order. */
function settingsTable() {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const strings = nls();
  const props = pkg.contributes.configuration.properties;
  const rows = ['| setting | default | what it does |', '|---|---|---|'];
  for (const [name, p] of Object.entries(props)) {
    let text = resolve(p.markdownDescription ?? p.description, strings).replace(/`?#(scar\.[A-Za-z.]+)#`?/g, '`$1`');
    if (Array.isArray(p.enum)) text += ` One of ${p.enum.map((v) => `\`${v}\``).join(', ')}.`;
    rows.push(`| \`${name}\` | \`${JSON.stringify(p.default)}\` | ${text.replace(/\|/g, '\\|').replace(/\n+/g, ' ')} |`);
  }
  return rows.join('\n');
}

/** The README with its settings table replaced by the current one (the text after the table is kept). */
function readmeWithTable(readme) {
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error(`README.md has no ${START} ... ${END} block`);
  const block = readme.slice(i + START.length, j);
  // Keep what follows the table inside the block (a blank line, then prose).
  const tableEnd = block.search(/\n\n(?!\|)/);
  const after = tableEnd >= 0 ? block.slice(tableEnd) : '\n';
  return readme.slice(0, i + START.length) + '\n' + settingsTable() + after + readme.slice(j);
}

module.exports = { settingsTable, readmeWithTable };

if (require.main === module) {
  const file = path.join(repoRoot, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const next = readmeWithTable(readme);
  if (process.argv.includes('--write')) {
    fs.writeFileSync(file, next);
    console.log(next === readme ? 'README.md settings table: up to date' : 'README.md settings table: rewritten');
  } else {
    process.stdout.write(settingsTable() + '\n');
  }
}
