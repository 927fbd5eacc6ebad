// Every user-facing message goes through t(): VS Code's translator on the extension host, a translator over VS
// Code's bundle in the cleaning service and the engine process, and plain English (formatted the same way) in the CLI
// and unit tests. These tests install a recognisable translator and check that messages come out translated.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleTranslator, format, setTranslator, t, useBundleFile } from '../../src/core/l10n';
import { parseLine } from '../../src/core/jsonl';
import { adaptRecord } from '../../src/core/schema';
import { parseProblem } from '../../src/core/inspect';
import { documentHygiene, splitLines, type DocumentHygieneOptions } from '../../src/core/documentHygiene';
import { HygieneFindings } from '../../src/core/packedHygiene';
import { CleaningClient } from '../../src/engine/cleaningClient';
import { parseFilterInput } from '../../src/extension/commands/filterInput';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { distDir, fixture } from '../util/paths';

/** A translator that marks every message it translates and records the English templates it was asked for. */
function marking(): { seen: string[] } {
  const seen: string[] = [];
  setTranslator((message, ...args) => { seen.push(message); return `«${format(message, ...args)}»`; });
  return { seen };
}

const hygieneOptions: DocumentHygieneOptions = { adapter: { schema: 'auto', turnPolicy: 'all' }, languageCheck: true, nearDuplicateThreshold: 0.5, ngram: 2, maxResponseTokens: 256 };

describe('l10n', () => {
  afterEach(() => setTranslator(format));

  it('formats {n} placeholders and leaves other braces alone', () => {
    assert.equal(t('Kept {0} of {1}', 5, '12'), 'Kept 5 of 12');
    assert.equal(t('SCAR\'s [{"instruction", "output"}] {0}', true), 'SCAR\'s [{"instruction", "output"}] true');
    assert.equal(format('{1} {0} {2}', 'a', 'b'), 'b a {2}');
  });

  it('routes the extension\'s messages through the translator it is given', () => {
    const { seen } = marking();
    const r = parseFilterInput('abc', [], scoreScale(undefined));
    assert.ok('error' in r && r.error.startsWith('«Type a '), JSON.stringify(r));
    assert.ok(seen.some((m) => m.startsWith('Type a ')), seen.join(' | '));
  });

  it('translates the messages core writes: parse errors, their columns, schema reasons', () => {
    const { seen } = marking();
    const e = parseLine('{"a": 1,}', 1, 0, 9).error!;
    assert.equal(e.message, "«trailing comma before '}' (JSON allows no comma after the last item)»");
    assert.equal(e.kind, 'trailing-comma', 'code reads the kind, never the (translated) text');
    assert.equal(parseProblem({ line: 1, start: 0, end: 9, text: '{"a": 1,}', blank: false, error: e }),
      "«invalid JSON at column 9: «trailing comma before '}' (JSON allows no comma after the last item)»»");
    const r = adaptRecord({ conversations: [{ from: 'human', value: 'hi' }] });
    assert.ok(!r.ok && r.reason === '«no assistant turn»', JSON.stringify(r));
    const missing = adaptRecord({ instruction: 'x' });
    assert.ok(!missing.ok && /^«field 'output' is missing»$/.test(missing.reason), JSON.stringify(missing));
    assert.ok(seen.includes("field '{0}' is missing"), 'the template, not the formatted text, is the key');
  });

  it('translates hygiene findings, with their numbers as arguments', () => {
    marking();
    const text = fs.readFileSync(fixture('workspace/dupes.jsonl'), 'utf8');
    const h = documentHygiene(splitLines(text), hygieneOptions)!;
    const duplicate = h.findings.find((f) => f.kind === 'duplicate')!;
    assert.equal(duplicate.message, `«Duplicate of line ${duplicate.otherLine}»`);
    const near = h.findings.find((f) => f.kind === 'near-duplicate');
    assert.ok(near, 'dupes.jsonl has a near-duplicate');
    assert.equal(near.message, `«Near-duplicate of line ${near.otherLine} (Jaccard ${near.similarity!.toFixed(2)})»`);
  });

  it('a bundle translator uses the bundle\'s message where it has one (string or {message}) and English otherwise', () => {
    const tr = bundleTranslator({ 'Duplicate of line {0}': 'Doublon de la ligne {0}', 'Empty response': { message: 'Réponse vide', comment: ['x'] } });
    assert.equal(tr('Duplicate of line {0}', 12), 'Doublon de la ligne 12');
    assert.equal(tr('Empty response'), 'Réponse vide');
    assert.equal(tr('Not English (detected: {0})', 'de'), 'Not English (detected: de)');
    assert.equal(bundleTranslator(undefined)('a {0}', 1), 'a 1');
  });

  it('the engine reads the bundle file it is handed; a missing or broken file leaves English', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-l10n-'));
    try {
      const file = path.join(dir, 'bundle.l10n.fr.json');
      fs.writeFileSync(file, JSON.stringify({ 'no user turn': "pas de tour de l'utilisateur" }));
      useBundleFile(file);
      const r = adaptRecord({ conversations: [{ from: 'gpt', value: 'hi' }] });
      assert.ok(!r.ok && r.reason === "pas de tour de l'utilisateur", JSON.stringify(r));
      setTranslator(format);
      fs.writeFileSync(file, '{not json');
      useBundleFile(file);
      useBundleFile(path.join(dir, 'missing.json'));
      assert.equal(t('no user turn'), 'no user turn');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the cleaning service translates its findings with the bundle it is started with', async function () {
    this.timeout(30000);
    const bundle = { 'Duplicate of line {0}': 'Doublon de la ligne {0}' };
    const client = new CleaningClient({ servicePath: path.join(distDir, 'cleaning.js'), l10n: bundle });
    try {
      const text = fs.readFileSync(fixture('workspace/dupes.jsonl'), 'utf8');
      const got = new HygieneFindings((await client.check([text], hygieneOptions).result)!);
      const messages = Array.from({ length: got.size }, (_, i) => got.at(i)).filter((f) => f.kind === 'duplicate').map((f) => f.message);
      assert.ok(messages.length > 0 && messages.every((m) => /^Doublon de la ligne \d+$/.test(m)), messages.join(' | '));
    } finally {
      client.dispose();
    }
  });
});
