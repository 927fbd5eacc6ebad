// The README's settings table is generated from package.json (test/util/settingsTable.js): it must say exactly what
// the settings' own descriptions say. After changing a setting, run `node test/util/settingsTable.js --write`.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readmeTable, settingsTable } from '../util/settingsTable';
import { repoRoot } from '../util/paths';

describe('README settings table', () => {
  it('is the table generated from package.json (node test/util/settingsTable.js --write)', () => {
    const { table } = readmeTable(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
    const expected = settingsTable(repoRoot);
    assert.ok(expected.length > 10, 'package.json declares settings');
    assert.deepEqual(table, expected);
  });

  it('has a row for every setting package.json declares', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: object } | Array<{ properties: object }> } };
    const keys = ([] as Array<{ properties: object }>).concat(pkg.contributes.configuration).flatMap((c) => Object.keys(c.properties));
    const { table } = readmeTable(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
    for (const key of keys) assert.ok(table.some((row) => row.startsWith(`| \`${key}\` |`)), `README has no row for ${key}`);
  });
});
