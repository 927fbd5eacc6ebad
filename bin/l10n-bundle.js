#!/usr/bin/env node
// Writes l10n/bundle.l10n.json: every message the extension, the engine and core show a person, as VS Code's
// localisation expects it (English message → English message; a translator copies it to bundle.l10n.<locale>.json
// and translates the values). The messages are the first arguments of t() calls (src/core/l10n.ts), which must be
// string literals. `--check` exits 1 when the file is out of date (test/unit/l10nBundle.test.ts runs the same check).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');
/** Folders whose messages reach a person through t(); the CLI's own output stays English. */
const FOLDERS = ['src/core', 'src/engine', 'src/extension', 'src/files'];

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Reads a JS string literal starting at `i` (the quote); returns [value, index after it]. */
function readLiteral(src, i) {
  const q = src[i];
  let j = i + 1;
  let raw = '';
  while (j < src.length && src[j] !== q) {
    if (src[j] === '\\') { raw += src.slice(j, j + 2); j += 2; } else raw += src[j++];
  }
  // The literal's value, as the compiled code sees it.
  return [JSON.parse('"' + raw.replace(/\\'/g, "'").replace(/"/g, '\\"') + '"'), j + 1];
}

/** The source with its comments blanked out (new lines kept), so that `t()` in a comment is not a call. */
function withoutComments(src) {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && src[i + 1] === '/') {
      const j = src.indexOf('\n', i);
      const end = j < 0 ? src.length : j;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2);
      const end = j < 0 ? src.length : j + 2;
      out += src.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The messages of every `t(...)` call in the sources, and the calls whose first argument is not a literal. */
function collect() {
  const messages = new Set();
  const problems = [];
  for (const folder of FOLDERS) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      const src = withoutComments(fs.readFileSync(file, 'utf8'));
      const re = /(?<![\w$.])t\(\s*/g;
      let m;
      while ((m = re.exec(src))) {
        const at = m.index + m[0].length;
        const before = src.slice(Math.max(0, m.index - 20), m.index);
        if (/function\s+$/.test(before)) continue; // the definition itself
        const c = src[at];
        if (c === "'" || c === '"') {
          messages.add(readLiteral(src, at)[0]);
        } else if (!/^(message|next)\b/.test(src.slice(at, at + 10))) {
          const line = src.slice(0, m.index).split('\n').length;
          problems.push(`${path.relative(ROOT, file)}:${line}: t() needs a string literal, found ${src.slice(at, at + 30).split('\n')[0]}`);
        }
      }
    }
  }
  return { messages: [...messages].sort(), problems };
}

function bundleText() {
  const { messages, problems } = collect();
  const bundle = {};
  for (const m of messages) bundle[m] = m;
  return { text: JSON.stringify(bundle, null, 2) + '\n', count: messages.length, problems };
}

module.exports = { bundleText, collect, BUNDLE };

if (require.main === module) {
  const { text, count, problems } = bundleText();
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  const current = fs.existsSync(BUNDLE) ? fs.readFileSync(BUNDLE, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${path.relative(ROOT, BUNDLE)} is out of date: run node bin/l10n-bundle.js`);
      process.exit(1);
    }
    console.log(`${path.relative(ROOT, BUNDLE)}: ${count} messages, up to date`);
  } else {
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.writeFileSync(BUNDLE, text);
    console.log(`wrote ${path.relative(ROOT, BUNDLE)}: ${count} messages`);
  }
}
