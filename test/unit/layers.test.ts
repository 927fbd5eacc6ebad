// The floors of the house (docs: shared notes "The shape of SCAR Lens") stay apart: each source file's imports are
// read from the text and each import that reaches another folder of src/ is checked against the rules below.
//   src/core       pure: no vscode, nothing from engine, extension, cli or files
//   src/files      the streaming file pipeline the CLI and the editor share: no vscode, nothing from extension or cli
//   src/extension  the editor: nothing from cli (what it shares with the CLI lives in core or files)
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../util/paths';

const SRC = path.join(repoRoot, 'src');

/** What a folder of src/ may not import: other folders of src/, and bare module names. */
const RULES: Record<string, { folders: string[]; modules: string[] }> = {
  core: { folders: ['engine', 'extension', 'cli', 'files'], modules: ['vscode'] },
  files: { folders: ['extension', 'cli'], modules: ['vscode'] },
  extension: { folders: ['cli'], modules: [] },
};

/** Every module specifier of a source text: static imports and re-exports, side-effect imports, require() and import(). */
function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /(?:^|[\s;])import\s*['"]([^'"]+)['"]/gm,
    /(?<![\w$.])(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

/** The folder of src/ a specifier of `file` lands in ('' outside src/), or the bare module name's first part. */
function target(file: string, spec: string): { folder?: string; module?: string } {
  if (!spec.startsWith('.')) return { module: spec.replace(/^node:/, '').split('/')[0] };
  const rel = path.relative(SRC, path.resolve(path.dirname(file), spec));
  if (rel.startsWith('..')) return { folder: '' };
  return { folder: rel.split(path.sep)[0] };
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('layers: which folder of src/ may import which', () => {
  it('the scanner finds every kind of import', () => {
    const sample = [
      "import * as vscode from 'vscode';",
      "import type { A } from '../cli/args';",
      "import {\n  b,\n  c,\n} from '../files/errors';",
      "export { d } from './d';",
      "import './side';",
      "const e = require('../engine/client');",
      "void import('node:fs');",
      "// a comment that says from 'nowhere' is not an import",
    ].join('\n');
    assert.deepEqual(specifiers(sample).sort(), ['../cli/args', '../engine/client', '../files/errors', './d', './side', 'node:fs', 'vscode'].sort());
    const file = path.join(SRC, 'core', 'x.ts');
    assert.deepEqual(target(file, '../cli/args'), { folder: 'cli' });
    assert.deepEqual(target(file, './jsonl'), { folder: 'core' });
    assert.deepEqual(target(file, '../../package.json'), { folder: '' });
    assert.deepEqual(target(file, 'node:fs/promises'), { module: 'fs' });
  });

  for (const [folder, rule] of Object.entries(RULES)) {
    it(`src/${folder} imports nothing from ${[...rule.folders.map((f) => `src/${f}`), ...rule.modules].join(', ')}`, () => {
      const files = sourceFiles(path.join(SRC, folder));
      assert.ok(files.length > 0, `src/${folder} has source files`);
      const broken: string[] = [];
      for (const file of files) {
        for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
          const t = target(file, spec);
          if ((t.folder !== undefined && rule.folders.includes(t.folder)) || (t.module !== undefined && rule.modules.includes(t.module))) {
            broken.push(`${path.relative(repoRoot, file)} imports '${spec}'`);
          }
        }
      }
      assert.deepEqual(broken, []);
    });
  }
});
