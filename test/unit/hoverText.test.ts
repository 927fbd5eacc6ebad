// The score hover's Markdown: where the line stands, the components against the medians with a reading, the
// quoted texts (escaped, cut) and the command links.
import * as assert from 'node:assert/strict';
import { cutNote, escapeMarkdown, excerpt, scoreHoverMarkdown, type HoverInput } from '../../src/extension/surfaces/hoverText';

const base: HoverInput = {
  line: 12,
  score: -3.5,
  shown: { text: '59.3', noun: 'style score', meaning: 'Style score 0–100: the chance, in percent, ...', calibrated: true },
  composition: -1.0,
  presentation: -2.5,
  percentile: 88,
  rank: 25,
  scored: 9998,
  medians: { composition: -2.0, presentation: -2.4 },
  cuts: { high: 75, low: 25 },
  pairs: [{
    instruction: 'Explain *recursion* to a child.',
    response: 'Recursion is when a function calls itself.\nIt stops at a base case.',
    exchange: 0,
    source: { instruction: 'instruction', response: 'output' },
  }],
  commands: [{ label: 'Next low line', id: 'scar.nextLowLine', args: [12] }, { label: 'Score summary', id: 'scar.showScoreSummary' }],
};

describe('score hover text', () => {
  it('says the style score out of 100, band, share, percentile and rank with thousands separators', () => {
    const md = scoreHoverMarkdown(base);
    assert.ok(md.startsWith('**SCAR ▲ 59.3 / 100** style score · high band · top 12% (percentile 88) · rank 25 of 9,998'), md);
  });

  it('states in one sentence what the style score means, and gives the raw score and its two parts', () => {
    const md = scoreHoverMarkdown(base);
    assert.ok(md.includes('_Style score 0–100: the chance, in percent, ..._ Raw score -3.50 = composition -1.00 + presentation -2.50.'), md);
    const raw = scoreHoverMarkdown({ ...base, shown: { text: '-3.50', noun: 'raw score', meaning: 'Raw score of this ranker.', calibrated: false } });
    assert.ok(raw.startsWith('**SCAR ▲ -3.50** raw score · high band'), raw);
    assert.ok(!raw.includes('/ 100'), raw);
  });

  it('in a selection\'s editor, says the percentile and rank are those of the source file', () => {
    const md = scoreHoverMarkdown({ ...base, source: 'sample.jsonl', scored: 197, rank: 3 });
    assert.match(md, /top 12% of sample\.jsonl \(percentile 88\) · rank 3 of 197 in sample\.jsonl/);
  });

  it('says when a response was longer than the ranker reads, and how much of it was read', () => {
    const long = Array.from({ length: 700 }, (_, i) => `word${i % 50}`).join(' ');
    const md = scoreHoverMarkdown({ ...base, pairs: [{ ...base.pairs[0], response: long }], responseWindow: { tokens: 256, statistics: 1024 } });
    assert.ok(md.includes('✂ **Cut for scoring:** this response has 700 tokens; the ranker reads the first 256 (its style statistics the first 1,024), and the rest does not count in the score.'), md);
    assert.ok(!scoreHoverMarkdown({ ...base, responseWindow: { tokens: 256, statistics: 1024 } }).includes('Cut for scoring'), 'a short response was read whole');
    assert.ok(!scoreHoverMarkdown({ ...base, pairs: [{ ...base.pairs[0], response: long }] }).includes('Cut for scoring'), 'no window known, no note');
    // A very long response is counted up to four windows.
    assert.match(cutNote(`${long} `.repeat(10), 256), /has over 1,024 tokens; the ranker reads the first 256, and the rest/);
    assert.equal(cutNote('just a few words', 256), '');
  });

  it('names the model that scored the file, with a link to choose another', () => {
    const md = scoreHoverMarkdown({ ...base, model: 'scar-gte-base' });
    assert.ok(md.includes('Scored by `scar-gte-base` · [Choose ranker model…](command:scar.chooseModel)'), md);
    assert.ok(!scoreHoverMarkdown(base).includes('Scored by'), 'no model line when the model is not known yet');
  });

  it('for a model without composition and presentation parts, says so instead of a table of NaN', () => {
    const md = scoreHoverMarkdown({ ...base, composition: NaN, presentation: NaN, medians: { composition: NaN, presentation: NaN }, model: 'scar-gte-base' });
    assert.ok(md.includes('This ranker reports only its overall score, not its composition and presentation parts.'), md);
    assert.ok(!md.includes('NaN') && !md.includes('| Composition |') && !md.includes('pulls it down') && !md.includes('lifts it'), md);
    assert.ok(md.includes('**Instruction** `instruction`') && md.includes('**Response** `output`'), 'the texts are still quoted');
  });

  it('compares the components with the file medians and reads them', () => {
    const md = scoreHoverMarkdown(base);
    assert.ok(md.includes('| Composition | -1.00 | -2.00 | +1.00 |'), md);
    assert.ok(md.includes('| Presentation | -2.50 | -2.40 | −0.10 |'), md);
    assert.ok(md.includes('**Presentation** is about typical for this file.'), md);
    assert.match(md, /\*\*Composition lifts it\*\*/);
    const worse = scoreHoverMarkdown({ ...base, presentation: -4, pairs: [{ ...base.pairs[0], response: 'ok' }] });
    assert.match(worse, /\*\*Presentation pulls it down\*\*: a very short response/);
  });

  it('quotes the texts escaped, with their fields, and names the exchange of a multi-pair line', () => {
    const md = scoreHoverMarkdown(base);
    assert.ok(md.includes('**Instruction** `instruction`'), md);
    assert.ok(md.includes('Explain \\*recursion\\* to a child\\.'), md);
    assert.ok(md.includes('**Response** `output`'), md);
    assert.ok(md.includes('itself\\. ⏎ It stops'), md);
    const two = scoreHoverMarkdown({ ...base, pairs: [base.pairs[0], { ...base.pairs[0], exchange: 1 }] });
    assert.ok(two.includes('exchange 1 of 2 (the score is their mean)'), two);
  });

  it('links the commands, with the line as argument where given', () => {
    const md = scoreHoverMarkdown(base);
    assert.ok(md.includes(`[Next low line](command:scar.nextLowLine?${encodeURIComponent('[12]')})`), md);
    assert.ok(md.includes('[Score summary](command:scar.showScoreSummary)'), md);
  });

  it('cuts long texts and escapes Markdown', () => {
    assert.equal(excerpt('a'.repeat(400)).length, 300);
    assert.ok(excerpt('a'.repeat(400)).endsWith('…'));
    assert.equal(excerpt('short'), 'short');
    assert.equal(escapeMarkdown('[x](y) *z* `c`'), '\\[x\\]\\(y\\) \\*z\\* \\`c\\`');
  });
});
