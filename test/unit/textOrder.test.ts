import * as assert from 'node:assert/strict';
import { FIRST_WINDOW, sortText, textRanks } from '../../src/core/textOrder';
import { mulberry32 } from '../util/prng.js';
import { windowsOf } from './helpers/textWindows';

/** The order textRanks gives, as row indices (ties in row order), rows without text left out. */
async function orderOf(texts: Array<string | undefined>): Promise<number[]> {
  const ranks = await textRanks(texts.length, windowsOf(texts));
  return texts.map((_, i) => i).filter((i) => !Number.isNaN(ranks[i])).sort((a, b) => ranks[a] - ranks[b] || a - b);
}

/** The same order by comparing whole sort texts. */
function oracle(texts: Array<string | undefined>): number[] {
  const keys = texts.map((t) => (t === undefined ? undefined : sortText(t)));
  return texts.map((_, i) => i).filter((i) => keys[i] !== undefined).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
}

describe('textOrder: the table sorts text columns by their whole text', () => {
  it('folds case, reads white space runs as one space and ignores leading white space', () => {
    assert.equal(sortText('  Hello,\n\n  World '), 'hello, world ');
  });

  it('orders texts that share a long beginning by where they differ, far past the first window', async () => {
    const stem = 'Write a Python function that takes a list of integers and returns '.repeat(3);
    assert.ok(stem.length > 4 * FIRST_WINDOW);
    const texts = [`${stem}the sum.`, `${stem}the maximum.`, 'apple', `${stem}a sorted copy.`, undefined, `${stem}the sum.`, 'Apple pie', `${stem}`];
    const got = await orderOf(texts);
    assert.deepEqual(got, oracle(texts));
    // The stem alone (a text that ends) sorts before every text that goes on from it; equal texts share a rank.
    assert.deepEqual(got, [2, 6, 7, 3, 1, 0, 5]);
    const ranks = await textRanks(texts.length, windowsOf(texts));
    assert.equal(ranks[0], ranks[5]);
    assert.ok(Number.isNaN(ranks[4]));
  });

  it('agrees with a whole-text comparison on thousands of random texts with shared prefixes and duplicates', async () => {
    const rand = mulberry32(11);
    const words = ['the', 'The', 'a', 'list', 'List', 'of', 'python', 'functions', '  ', '\n', 'zebra', 'Ünïcode', '日本', 'émigré'];
    const texts: Array<string | undefined> = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 97 === 0) { texts.push(undefined); continue; }
      if (i % 13 === 0 && i > 0) { texts.push(texts[Math.floor(rand() * i)]); continue; } // duplicates
      const n = 1 + Math.floor(rand() * 60);
      texts.push(Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(rand() < 0.5 ? ' ' : ''));
    }
    assert.deepEqual(await orderOf(texts), oracle(texts));
  });

  it('reads again only the rows still tied, all of them in one read per window', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `Identical long beginning shared by a third of the rows, then ${i}` : `row ${i}`));
    const counter = { rowsRead: 0, reads: 0 };
    await textRanks(texts.length, windowsOf(texts, counter));
    assert.ok(counter.reads <= 3, `${counter.reads} reads`);
    assert.ok(counter.rowsRead < 3000 + 2 * 1000 + 10, `${counter.rowsRead} rows read`);
  });

  it('stops when the caller cancels between windows', async () => {
    const texts = Array.from({ length: 100 }, () => 'the same text, long enough to need a second window of reading');
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(textRanks(texts.length, windowsOf(texts), async () => abort.signal.throwIfAborted()), /abort/i);
  });
});
