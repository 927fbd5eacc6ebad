#!/usr/bin/env node
// The README's settings table (between `<!-- settings:start -->` and `<!-- settings:end -->`), generated from
// package.json's contributes.configuration so that the two never drift: one row per setting, in package.json's
// order, with its default and its description (markdownDescription, else description; a `%key%` placeholder is
// read from package.nls.json; `#scar.x#` setting links become `scar.x`), then "One of ..." for an enum.
// Lines after the table and before the end marker (links to the docs) are kept as they are.
//   node test/util/settingsTable.js          prints the table
//   node test/util/settingsTable.js --write  rewrites the README's table in place
// test/unit/readmeSettings.test.ts fails when the README's table is not what this generates.
'use strict';
const fs = require('fs');
const path = require('path');

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

/** The table's lines (header included) for the package.json (and optional package.nls.json) in `root`. */
function settingsTable(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nlsFile = path.join(root, 'package.nls.json');
  const nls = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};
  const localise = (s) => {
    const m = /^%(.+)%$/.exec(s);
    if (!m) return s;
    if (typeof nls[m[1]] !== 'string') throw new Error(`package.json uses ${s} but package.nls.json has no "${m[1]}"`);
    return nls[m[1]];
  };
  const sections = [].concat(pkg.contributes.configuration);
  const rows = ['| setting | default | what it does |', '|---|---|---|'];
  for (const section of sections) {
    for (const [key, p] of Object.entries(section.properties)) {
      let text = localise(p.markdownDescription ?? p.description ?? '').replace(/`#([\w.]+)#`/g, '`$1`').replace(/#(scar\.[\w.]+)#/g, '`$1`');
      if (Array.isArray(p.enum)) text += ` One of ${p.enum.map((e) => `\`${e}\``).join(', ')}.`;
      text = text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
      rows.push(`| \`${key}\` | \`${JSON.stringify(p.default)}\` | ${text} |`);
    }
  }
  return rows;
}

/** The README's current table lines (the table rows right after the start marker). */
function readmeTable(readme) {
  const lines = readme.split('\n');
  const from = lines.indexOf(START);
  const to = lines.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} ... ${END} block`);
  const table = [];
  for (let i = from + 1; i < to && lines[i].startsWith('|'); i++) table.push(lines[i]);
  return { lines, from, table };
}

function writeReadme(root) {
  const file = path.join(root, 'README.md');
  const { lines, from, table } = readmeTable(fs.readFileSync(file, 'utf8'));
  lines.splice(from + 1, table.length, ...settingsTable(root));
  fs.writeFileSync(file, lines.join('\n'));
}

module.exports = { settingsTable, readmeTable, START, END };

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  if (process.argv.includes('--write')) writeReadme(root);
  else console.log(settingsTable(root).join('\n'));
}
