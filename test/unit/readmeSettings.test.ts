// The README's settings table is package.json's contributes.configuration: every setting, its default and its
// description (a drift here means `node test/util/settingsTable.js --write` was not run).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readmeWithTable } = require(path.join(repoRoot, 'test/util/settingsTable.js')) as { readmeWithTable: (s: string) => string };

describe('README settings table', () => {
  it('lists every setting of package.json with its default and description', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    assert.equal(readme, readmeWithTable(readme), 'README.md\'s settings table is out of date: run `node test/util/settingsTable.js --write`');
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    for (const name of Object.keys(pkg.contributes.configuration.properties)) assert.ok(readme.includes(`| \`${name}\` |`), name);
  });
});
