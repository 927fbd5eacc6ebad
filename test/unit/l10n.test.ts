// The extension's user-facing strings go through t(): VS Code's translator once the extension is active, the English
// message formatted the same way before (and in unit tests).
import * as assert from 'node:assert/strict';
import { format, setTranslator, t } from '../../src/extension/l10n';
import { parseFilterInput } from '../../src/extension/selectionModel';
import { scoreScale } from '../../src/extension/scoreScale';

describe('l10n', () => {
  afterEach(() => setTranslator(format));

  it('formats {n} placeholders and leaves other braces alone', () => {
    assert.equal(t('Kept {0} of {1}', 5, '12'), 'Kept 5 of 12');
    assert.equal(t('SCAR\'s [{"instruction", "output"}] {0}', true), 'SCAR\'s [{"instruction", "output"}] true');
    assert.equal(format('{1} {0} {2}', 'a', 'b'), 'b a {2}');
  });

  it('routes every message of the extension through the translator it is given', () => {
    const seen: string[] = [];
    setTranslator((message, ...args) => { seen.push(message); return `«${format(message, ...args)}»`; });
    const r = parseFilterInput('abc', [], scoreScale(undefined));
    assert.ok('error' in r && r.error.startsWith('«Type a '), JSON.stringify(r));
    assert.ok(seen.includes('Type a {0}{1} (e.g. {2}) or a percentile (e.g. 25%).'), seen.join(' | '));
  });
});
