// The translation bundle (l10n/bundle.l10n.json, the English messages a translator starts from) holds every message
// that goes through t(), and nothing else; every t() call names its message with a literal, so none escapes it.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../util/paths';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { bundleText, collect, BUNDLE } = require(path.join(repoRoot, 'bin', 'l10n-bundle.js')) as {
  bundleText(): { text: string; count: number; problems: string[] };
  collect(): { messages: string[]; problems: string[] };
  BUNDLE: string;
};

describe('l10n bundle', () => {
  it('every t() call has a literal message', () => {
    assert.deepEqual(collect().problems, []);
  });

  it('l10n/bundle.l10n.json is current (run `node bin/l10n-bundle.js` after changing a message)', () => {
    const { text, count } = bundleText();
    assert.ok(count > 300, `only ${count} messages found: is the scan broken?`);
    assert.equal(fs.readFileSync(BUNDLE, 'utf8'), text);
  });

  it('holds the messages of core, the engine and the extension, and package.json points VS Code at it', () => {
    const bundle = JSON.parse(fs.readFileSync(BUNDLE, 'utf8')) as Record<string, string>;
    for (const m of ['Duplicate of line {0}', "field '{0}' is missing", 'invalid JSON at column {0}: {1}', 'Score now', 'Removed {0}; kept {1} of {2} ({3})']) {
      assert.equal(bundle[m], m, m);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
  });
});
