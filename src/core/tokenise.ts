// The one tokeniser of SCAR Lens's ranker: lower-cased words, clitics split the way GloVe's corpus was
// ("don't" -> "do" "n't", "it's" -> "it" "'s"), every other visible character its own token, and a line
// break as the token "\n". One pass over the text, no regular expressions.
// For code (ranker 2): identifiers split into their sub-words ("playList" -> "play" "list", "HTTPServer" ->
// "http" "server"; snake_case already splits at "_", a symbol token), and the indentation of a line after a
// line break becomes INDENT_TOKEN once per level (4 columns, a tab counts 4; 2-5 columns are one level, at
// most MAX_INDENT_LEVELS), so that identifiers, operators and indentation all reach the model.

/** The token that stands for a line break. */
export const NEWLINE_TOKEN = '\n';
/** The token that stands for one level of indentation at the start of a line. */
export const INDENT_TOKEN = '\t';
/** The most indentation tokens one line gets. */
export const MAX_INDENT_LEVELS = 8;

const isUpperAt = (text: string, k: number): boolean => { const c = text.charCodeAt(k); return c >= 0x41 && c <= 0x5a; };
const isLowerAt = (text: string, k: number): boolean => { const c = text.charCodeAt(k); return c >= 0x61 && c <= 0x7a; };

const enum Kind {
  Space = 0,
  Newline = 1,
  Word = 2,
  Apostrophe = 3,
  Symbol = 4,
  Surrogate = 5,
}

function kindOf(c: number): Kind {
  if (c < 0x80) {
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return Kind.Word;
    if (c === 0x0a) return Kind.Newline;
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c || c < 0x20 || c === 0x7f) return Kind.Space;
    if (c === 0x27) return Kind.Apostrophe;
    return Kind.Symbol;
  }
  if (c === 0x2019) return Kind.Apostrophe;
  if (c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200f)) {
    return c === 0x2028 || c === 0x2029 ? Kind.Newline : Kind.Space;
  }
  if (c >= 0xd800 && c <= 0xdfff) return Kind.Surrogate;
  // General punctuation, arrows, maths, box drawing, dingbats, CJK punctuation, full-width ASCII punctuation.
  if ((c >= 0x2010 && c <= 0x2bff) || (c >= 0x3001 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff0f) || (c >= 0xa1 && c <= 0xbf) || c === 0xd7 || c === 0xf7) {
    return Kind.Symbol;
  }
  return Kind.Word;
}

/** Callback per token: the lower-cased token, its start offset in the text, and whether it is a word. */
export type TokenSink = (token: string, start: number, isWord: boolean) => void;

/**
 * Walks the tokens of `text` in order, calling `sink` for each one, and stops after `limit` tokens.
 * Returns the number of tokens seen (at most `limit`).
 */
export function forEachToken(text: string, sink: TokenSink, limit = Number.MAX_SAFE_INTEGER): number {
  let n = 0;
  const len = text.length;
  let i = 0;
  // The word text[a, b) as one token, or as its camelCase sub-words.
  const word = (a: number, b: number): void => {
    let s = a;
    for (let q = a + 1; q < b && n < limit; q++) {
      if (isUpperAt(text, q) && (isLowerAt(text, q - 1) || (isUpperAt(text, q - 1) && q + 1 < b && isLowerAt(text, q + 1)))) {
        sink(text.slice(s, q).toLowerCase(), s, true);
        n++;
        s = q;
      }
    }
    if (n < limit) {
      sink(text.slice(s, b).toLowerCase(), s, true);
      n++;
    }
  };
  while (i < len && n < limit) {
    const c = text.charCodeAt(i);
    const k = kindOf(c);
    if (k === Kind.Space) {
      i++;
      continue;
    }
    if (k === Kind.Newline) {
      sink(NEWLINE_TOKEN, i, false);
      n++;
      i++;
      // The next line's indentation, when it has text after it.
      let width = 0;
      let e = i;
      for (; e < len; e++) {
        const w = text.charCodeAt(e);
        if (w === 0x20) width++;
        else if (w === 0x09) width += 4;
        else break;
      }
      if (width >= 2 && e < len && kindOf(text.charCodeAt(e)) !== Kind.Newline && text.charCodeAt(e) !== 0x0d) {
        const levels = Math.min(MAX_INDENT_LEVELS, Math.max(1, Math.round(width / 4)));
        for (let l = 0; l < levels && n < limit; l++) {
          sink(INDENT_TOKEN, i, false);
          n++;
        }
        i = e;
      }
      continue;
    }
    if (k === Kind.Word) {
      let j = i + 1;
      while (j < len && kindOf(text.charCodeAt(j)) === Kind.Word) j++;
      // A clitic follows when an apostrophe sits between letters: "don't", "it's", "we're".
      const clitic = j + 1 < len && kindOf(text.charCodeAt(j)) === Kind.Apostrophe && kindOf(text.charCodeAt(j + 1)) === Kind.Word;
      if (clitic) {
        let e = j + 2;
        while (e < len && kindOf(text.charCodeAt(e)) === Kind.Word) e++;
        const after = text.slice(j + 1, e).toLowerCase();
        const last = text.charCodeAt(j - 1) | 0x20;
        if (after === 't' && last === 0x6e /* n */) {
          // "don't" -> "do" "n't"; a lone "n't" (pre-tokenised text: "should n't") stays one token.
          if (j - 1 > i) word(i, j - 1);
          if (n < limit) {
            sink("n't", j - 1, true);
            n++;
          }
        } else {
          word(i, j);
          if (n < limit) {
            sink("'" + after, j, true);
            n++;
          }
        }
        i = e;
        continue;
      }
      word(i, j);
      i = j;
      continue;
    }
    if (k === Kind.Surrogate) {
      const two = i + 1 < len && kindOf(text.charCodeAt(i + 1)) === Kind.Surrogate;
      sink(text.slice(i, two ? i + 2 : i + 1), i, false);
      n++;
      i += two ? 2 : 1;
      continue;
    }
    // Apostrophe outside a word, or any other symbol: one character, one token.
    sink(k === Kind.Apostrophe ? "'" : text[i], i, false);
    n++;
    i++;
  }
  return n;
}

/** The number of tokens `text` has, counted up to `limit` (so a huge text costs at most `limit` tokens). */
export function countTokens(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  return forEachToken(text, () => undefined, limit);
}

/** The tokens of `text`, up to `limit`. */
export function tokenise(text: string, limit = Number.MAX_SAFE_INTEGER): string[] {
  const out: string[] = [];
  forEachToken(text, (t) => { out.push(t); }, limit);
  return out;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, with a seed mixed in first. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combines two 32-bit hashes into one (order matters). */
export function hashPair(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
