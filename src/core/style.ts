// Handcrafted style signals of the ranker, computed in one pass over a text and its tokens.
//   presentation: the response's linguistic form (formatting, sentence and word statistics, punctuation,
//                 function words, tone markers);
//   composition:  how the response relates to its instruction (overlap, length ratio, answer cues).
// Raw values only; featurise.ts normalises them with the statistics stored in models/featuriser.json.

import { analyseCode, type CodeStats } from './code';
import { forEachToken, INDENT_TOKEN, NEWLINE_TOKEN } from './tokenise';

// Word classes, as bit flags in one lookup table.
const FUNC = 1;
const I_SING = 2;
const YOU = 4;
const WE = 8;
const HEDGE = 16;
const TRANSITION = 32;
const INFORMAL = 64;
const TONE = 128;
const WH = 256;
const AUX = 512;
const YESNO = 1024;
const LIST_CUE = 2048;
const CODE_CUE = 4096;
const IMPERATIVE = 8192;

const WORD_CLASSES = new Map<string, number>();
function addClass(flag: number, words: string): void {
  for (const w of words.split(' ')) WORD_CLASSES.set(w, (WORD_CLASSES.get(w) ?? 0) | flag);
}
addClass(FUNC, 'the a an and or but if of to in on at by for with from as is are was were be been being have has had do does did ' +
  'will would shall should can could may might must this that these those it its he she they them his her their we us our you your ' +
  "i me my not no so than then there here what which who whom whose when where why how all any some each every both either neither " +
  "such very just also too only about into over after before under between through during without within up down out off again more " +
  "most other same own while because until although though whether 's 're 'm 'll 've 'd n't");
addClass(I_SING, "i me my mine myself 'm");
addClass(YOU, 'you your yours yourself yourselves');
addClass(WE, 'we us our ours ourselves');
addClass(HEDGE, 'may might could perhaps possibly generally typically usually often likely probably approximately potentially ' +
  'can depend depends depending various several');
addClass(TRANSITION, 'however additionally furthermore moreover overall therefore thus consequently firstly secondly finally ' +
  'ultimately instance example summary conclusion importantly alternatively nevertheless');
addClass(INFORMAL, 'lol lmao haha hahaha imo imho tbh btw gonna wanna gotta yeah yep nope ok okay dude damn shit fuck fucking ' +
  'crap kinda sorta ya u ur idk omg xd stuff guys');
addClass(TONE, 'certainly absolutely sure glad happy hope');
addClass(WH, 'what why how when where who which whom whose');
addClass(AUX, 'is are was were do does did can could should would will has have had am may might must shall');
addClass(YESNO, 'yes no yeah nope yep');
addClass(LIST_CUE, 'list steps tips ways ideas examples options suggestions reasons types kinds names points items recommend');
addClass(CODE_CUE, 'code function python javascript script program sql regex java bash html css class method implement typescript');
addClass(IMPERATIVE, 'write give explain describe list tell create generate summarize summarise compose make provide suggest ' +
  'name rewrite translate classify identify find show help continue draft outline compare define');

// Multi-word tone markers of assistant-style responses, matched on tokens.
const TONE_PHRASES: string[][] = [
  'i hope this helps', 'hope this helps', 'let me know', 'feel free', 'here are', 'here is', "here 's", 'it is important',
  "it 's important", 'please note', 'keep in mind', 'in summary', 'in conclusion', 'as an ai', "i 'm sorry", 'happy to help',
  'of course', 'great question', 'in general', 'it is worth', "it 's worth", 'overall ,', 'sure ,', 'certainly !', 'certainly ,',
].map((p) => p.split(' '));
const PHRASES_BY_FIRST = new Map<string, string[][]>();
for (const p of TONE_PHRASES) {
  const list = PHRASES_BY_FIRST.get(p[0]) ?? [];
  list.push(p);
  PHRASES_BY_FIRST.set(p[0], list);
}

/** The counts one pass over a text yields. */
export interface TextStats {
  /** Lower-cased tokens, up to the analysis limit. */
  tokens: string[];
  /** Length of the whole text in UTF-16 code units (not limited). */
  chars: number;
  words: number;
  letters: number;
  upper: number;
  digits: number;
  nonAscii: number;
  wordChars: number;
  sentences: number;
  sentenceLenSum: number;
  sentenceLenSqSum: number;
  sentencesLowerStart: number;
  lines: number;
  bulletLines: number;
  numberedLines: number;
  headingLines: number;
  quoteLines: number;
  codeFences: number;
  boldMarks: number;
  backticks: number;
  paragraphBreaks: number;
  urls: number;
  spaceBeforePunct: number;
  allCapsWords: number;
  lowerI: number;
  punct: Record<string, number>;
  classCounts: Int32Array;
  tonePhrases: number;
  typesFirst100: number;
  contractions: number;
  /** The code in the text (code.ts), read in full (up to MAX_CODE_LINES lines). */
  code: CodeStats;
}

const PUNCT_KEYS = [',', '.', '!', '?', ':', ';', '(', '"', '-', '…'];
const N_CLASSES = 14;

function isLetterCode(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0xa0;
}

/** Scans the raw text line by line for formatting: lists, headings, code fences, bold, quotes, paragraphs. */
function scanLines(text: string, st: TextStats): void {
  const len = text.length;
  let i = 0;
  let blankRun = 0;
  while (i <= len) {
    let e = text.indexOf('\n', i);
    if (e < 0) e = len;
    let s = i;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    if (s >= e) {
      blankRun++;
    } else {
      if (blankRun > 0 && st.lines > 0) st.paragraphBreaks++;
      blankRun = 0;
      st.lines++;
      const c = text.charCodeAt(s);
      const c1 = s + 1 < e ? text.charCodeAt(s + 1) : 0;
      if ((c === 0x2d || c === 0x2a || c === 0x2022 || c === 0x2013) && (c1 === 0x20 || c1 === 0x09)) st.bulletLines++;
      else if (c >= 0x30 && c <= 0x39) {
        let d = s + 1;
        while (d < e && text.charCodeAt(d) >= 0x30 && text.charCodeAt(d) <= 0x39) d++;
        const p = d < e ? text.charCodeAt(d) : 0;
        if ((p === 0x2e || p === 0x29) && d + 1 < e && isSpace(text.charCodeAt(d + 1))) st.numberedLines++;
      } else if (c === 0x23) st.headingLines++;
      else if (c === 0x3e) st.quoteLines++;
      if (c === 0x60 && c1 === 0x60 && s + 2 < e && text.charCodeAt(s + 2) === 0x60) st.codeFences++;
    }
    i = e + 1;
  }
}

/** One pass over `text`: tokens (up to `maxTokens`) and every count the feature vectors need. */
export function analyseText(text: string, maxTokens: number): TextStats {
  const st: TextStats = {
    tokens: [], chars: text.length, words: 0, letters: 0, upper: 0, digits: 0, nonAscii: 0, wordChars: 0,
    sentences: 0, sentenceLenSum: 0, sentenceLenSqSum: 0, sentencesLowerStart: 0, lines: 0, bulletLines: 0,
    numberedLines: 0, headingLines: 0, quoteLines: 0, codeFences: 0, boldMarks: 0, backticks: 0, paragraphBreaks: 0,
    urls: 0, spaceBeforePunct: 0, allCapsWords: 0, lowerI: 0, punct: {}, classCounts: new Int32Array(N_CLASSES),
    tonePhrases: 0, typesFirst100: 0, contractions: 0, code: analyseCode(text),
  };
  for (const k of PUNCT_KEYS) st.punct[k] = 0;
  scanLines(text, st);

  const tokens = st.tokens;
  let sentenceWords = 0;
  let sentenceOpen = false;
  let prevStar = false;
  let prevUnderscore = false;
  const seen100 = new Set<string>();
  const closeSentence = (): void => {
    if (sentenceWords > 0) {
      st.sentences++;
      st.sentenceLenSum += sentenceWords;
      st.sentenceLenSqSum += sentenceWords * sentenceWords;
    }
    sentenceWords = 0;
    sentenceOpen = false;
  };
  forEachToken(text, (tok, start, isWord) => {
    tokens.push(tok);
    if (isWord) {
      prevStar = false;
      prevUnderscore = false;
      if (tok.charCodeAt(0) === 0x27 || tok === "n't") {
        st.contractions++;
      } else {
        st.words++;
        if (st.words <= 100) seen100.add(tok);
      }
      const first = text.charCodeAt(start);
      if (!sentenceOpen) {
        sentenceOpen = true;
        if (first >= 0x61 && first <= 0x7a) st.sentencesLowerStart++;
      }
      sentenceWords++;
      let up = 0;
      let letters = 0;
      for (let i = 0; i < tok.length; i++) {
        const c = text.charCodeAt(start + i);
        if ((c >= 0x41 && c <= 0x5a)) { up++; letters++; }
        else if (c >= 0x61 && c <= 0x7a) letters++;
        else if (c >= 0x30 && c <= 0x39) st.digits++;
        else if (c >= 0x80) st.nonAscii++;
      }
      st.letters += letters;
      st.upper += up;
      st.wordChars += tok.length;
      if (up >= 2 && up === letters && letters === tok.length) st.allCapsWords++;
      // A lower-case "i" on its own (not the first sub-word of an identifier such as "iPhone" or "isValid").
      if (tok === 'i' && first === 0x69 && !isLetterCode(text.charCodeAt(start + 1))) st.lowerI++;
      if ((tok === 'http' || tok === 'https' || tok === 'www')) st.urls++;
      const cls = WORD_CLASSES.get(tok);
      if (cls !== undefined) {
        for (let b = 0; b < N_CLASSES; b++) if (cls & (1 << b)) st.classCounts[b]++;
      }
      return;
    }
    if (tok === NEWLINE_TOKEN) {
      closeSentence();
      prevStar = false;
      prevUnderscore = false;
      return;
    }
    const c = tok.charCodeAt(0);
    if (c === 0x2a) { if (prevStar) { st.boldMarks++; prevStar = false; } else prevStar = true; }
    else prevStar = false;
    if (c === 0x5f) { if (prevUnderscore) { st.boldMarks++; prevUnderscore = false; } else prevUnderscore = true; }
    else prevUnderscore = false;
    if (c === 0x60) st.backticks++;
    if (c >= 0x80) st.nonAscii++;
    if (start > 0 && text.charCodeAt(start - 1) === 0x20 && (c === 0x2c || c === 0x2e || c === 0x3f || c === 0x21 || c === 0x3b || c === 0x3a)) {
      st.spaceBeforePunct++;
    }
    let key = tok;
    if (c === 0x201c || c === 0x201d) key = '"';
    else if (c === 0x2013 || c === 0x2014) key = '-';
    const count = st.punct[key];
    if (count !== undefined) st.punct[key] = count + 1;
    if (c === 0x2e || c === 0x21 || c === 0x3f) {
      // A sentence ends at . ! ? followed by a space, a line end or the end of the text.
      const next = start + 1 < text.length ? text.charCodeAt(start + 1) : 0x20;
      if (next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || next === 0x22 || next === 0x201d) closeSentence();
    }
  }, maxTokens);
  closeSentence();
  st.typesFirst100 = seen100.size;
  // Tone phrases, on the token list.
  for (let i = 0; i < tokens.length; i++) {
    const phrases = PHRASES_BY_FIRST.get(tokens[i]);
    if (phrases === undefined) continue;
    for (const p of phrases) {
      let ok = i + p.length <= tokens.length;
      for (let j = 1; ok && j < p.length; j++) ok = tokens[i + j] === p[j];
      if (ok) { st.tonePhrases++; break; }
    }
  }
  return st;
}

/** Names of the presentation features, in vector order. */
export const PRESENTATION_FEATURES: readonly string[] = [
  'log_chars', 'log_words', 'log_lines', 'log_sentence_len', 'sentence_len_cv', 'mean_word_len', 'ttr_first100',
  'function_word_rate', 'bullet_line_frac', 'numbered_line_frac', 'heading_line_frac', 'quote_line_frac', 'log_code_fences',
  'log_bold', 'log_backticks', 'log_paragraph_breaks', 'comma_rate', 'period_rate', 'exclaim_rate', 'question_rate',
  'colon_rate', 'semicolon_rate', 'paren_rate', 'quote_rate', 'dash_rate', 'ellipsis_rate', 'upper_frac', 'digit_frac',
  'non_ascii_frac', 'all_caps_rate', 'sentence_lower_start_frac', 'lower_i_rate', 'first_person_rate', 'second_person_rate',
  'we_rate', 'contraction_rate', 'hedge_rate', 'transition_rate', 'informal_rate', 'tone_word_rate', 'log_tone_phrases',
  'log_urls', 'space_before_punct_rate',
  // Code (code.ts): how much of the text is code, whether bare or fenced with a language, and the code's style.
  'code_line_frac', 'bare_code', 'log_code_lines', 'fence_language_tagged', 'comment_per_code_line',
  'docstring_per_code_line', 'type_hint_rate', 'snake_case_frac', 'naming_consistency', 'indent_regularity',
  'tab_indent_frac', 'code_blank_line_frac', 'log_code_line_len', 'long_code_line_frac',
  'assign_spacing_consistency', 'log_prose_lines_with_code',
];

/** Names of the composition features, in vector order. */
export const COMPOSITION_FEATURES: readonly string[] = [
  'log_instruction_words', 'log_length_ratio', 'instruction_coverage', 'response_overlap', 'instruction_question_mark',
  'instruction_wh', 'instruction_yes_no', 'response_starts_yes_no', 'yes_no_answered', 'instruction_list_cue',
  'list_cue_answered', 'instruction_code_cue', 'code_cue_answered', 'instruction_imperative', 'restates_instruction',
  'empty_instruction', 'instruction_has_code', 'code_given_for_code',
];

const bit = (flag: number): number => 31 - Math.clz32(flag);

/** The presentation vector of a response (raw values). */
export function presentationVector(st: TextStats, out: Float32Array, offset: number): void {
  const w = Math.max(st.words, 1);
  const lines = Math.max(st.lines, 1);
  const sentences = Math.max(st.sentences, 1);
  const meanSent = st.sentenceLenSum / sentences;
  const varSent = Math.max(st.sentenceLenSqSum / sentences - meanSent * meanSent, 0);
  const cc = st.classCounts;
  const v = [
    Math.log1p(st.chars), Math.log1p(st.words), Math.log1p(st.lines), Math.log1p(meanSent), Math.sqrt(varSent) / (meanSent + 1),
    st.wordChars / w, st.typesFirst100 / Math.max(Math.min(st.words, 100), 1),
    cc[bit(FUNC)] / w, st.bulletLines / lines, st.numberedLines / lines, st.headingLines / lines, st.quoteLines / lines,
    Math.log1p(st.codeFences), Math.log1p(st.boldMarks), Math.log1p(st.backticks), Math.log1p(st.paragraphBreaks),
    st.punct[','] / w, st.punct['.'] / w, st.punct['!'] / w, st.punct['?'] / w, st.punct[':'] / w, st.punct[';'] / w,
    st.punct['('] / w, st.punct['"'] / w, st.punct['-'] / w, st.punct['…'] / w,
    st.upper / Math.max(st.letters, 1), st.digits / Math.max(st.chars, 1), st.nonAscii / Math.max(st.chars, 1),
    st.allCapsWords / w, st.sentencesLowerStart / sentences, st.lowerI / w, cc[bit(I_SING)] / w, cc[bit(YOU)] / w,
    cc[bit(WE)] / w, st.contractions / w, cc[bit(HEDGE)] / w, cc[bit(TRANSITION)] / w, cc[bit(INFORMAL)] / w,
    cc[bit(TONE)] / w, Math.log1p(st.tonePhrases), Math.log1p(st.urls), st.spaceBeforePunct / w,
  ];
  const k = st.code;
  const cl = Math.max(k.codeLines, 1);
  const names = k.snakeNames + k.camelNames;
  const assigns = k.spacedAssign + k.tightAssign;
  const has = k.codeLines > 0;
  v.push(
    has ? k.codeLines / (k.codeLines + k.proseLines) : 0, k.kind === 'bare' ? 1 : 0, Math.log1p(k.codeLines),
    k.fencedBlocks > 0 ? k.taggedFences / k.fencedBlocks : 0, k.commentLines / cl, k.docstringLines / cl,
    k.defs > 0 ? k.hintedDefs / k.defs : 0, names > 0 ? k.snakeNames / names : 0,
    names > 0 ? Math.max(k.snakeNames, k.camelNames) / names : 1, k.indentedLines > 0 ? k.regularIndentLines / k.indentedLines : 1,
    k.indentedLines > 0 ? k.tabIndentLines / k.indentedLines : 0, has ? k.codeBlankLines / (k.codeLines + k.codeBlankLines) : 0,
    has ? Math.log1p(k.codeChars / cl) : 0, k.longLines / cl,
    assigns > 0 ? Math.max(k.spacedAssign, k.tightAssign) / assigns : 1, has ? Math.log1p(k.proseLines) : 0,
  );
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i];
}

function firstWord(st: TextStats): string {
  for (const t of st.tokens) {
    const c = t.charCodeAt(0);
    if ((c >= 0x61 && c <= 0x7a) || c >= 0x80) return t;
  }
  return '';
}

/**
 * Whether the text ends as a question: a '?' among its last QUESTION_TAIL visible tokens, so that a suffix such as
 * " (variant 1)" after the question mark does not turn a question into a statement.
 */
const QUESTION_TAIL = 8;
function endsAsQuestion(st: TextStats): boolean {
  let seen = 0;
  for (let i = st.tokens.length - 1; i >= 0 && seen < QUESTION_TAIL; i--) {
    const t = st.tokens[i];
    if (t === NEWLINE_TOKEN || t === INDENT_TOKEN) continue;
    if (t === '?') return true;
    seen++;
  }
  return false;
}

/** Content words: words that are not function words and have at least two characters. */
function isContent(tok: string): boolean {
  if (tok.length < 2) return false;
  const c = tok.charCodeAt(0);
  if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c >= 0x80)) return false;
  const cls = WORD_CLASSES.get(tok);
  return cls === undefined || (cls & FUNC) === 0;
}

/** The composition vector of an (instruction, response) pair (raw values). */
export function compositionVector(inst: TextStats, resp: TextStats, out: Float32Array, offset: number): void {
  const instContent = new Set<string>();
  for (const t of inst.tokens) if (isContent(t)) instContent.add(t);
  const respContent = new Set<string>();
  let restated = 0;
  let firstN = 0;
  for (const t of resp.tokens) {
    if (!isContent(t)) continue;
    respContent.add(t);
    if (firstN < 20) {
      firstN++;
      if (instContent.has(t)) restated++;
    }
  }
  let covered = 0;
  for (const t of instContent) if (respContent.has(t)) covered++;
  let overlap = 0;
  for (const t of respContent) if (instContent.has(t)) overlap++;
  const iw = firstWord(inst);
  const rw = firstWord(resp);
  const iCls = WORD_CLASSES.get(iw) ?? 0;
  const rCls = WORD_CLASSES.get(rw) ?? 0;
  const ic = inst.classCounts;
  const yesNoQ = (iCls & AUX) !== 0 ? 1 : 0;
  const respYesNo = (rCls & YESNO) !== 0 ? 1 : 0;
  const listCue = ic[bit(LIST_CUE)] > 0 ? 1 : 0;
  const respList = (resp.bulletLines + resp.numberedLines) / Math.max(resp.lines, 1);
  const codeCue = ic[bit(CODE_CUE)] > 0 ? 1 : 0;
  const respCode = resp.codeFences > 0 || resp.backticks > 0 || resp.code.codeLines > 0 ? 1 : 0;
  const instHasCode = inst.code.codeLines > 0 ? 1 : 0;
  const v = [
    Math.log1p(inst.words), Math.log1p(resp.words) - Math.log1p(inst.words),
    instContent.size > 0 ? covered / instContent.size : 0,
    respContent.size > 0 ? overlap / respContent.size : 0,
    endsAsQuestion(inst) ? 1 : 0, (iCls & WH) !== 0 ? 1 : 0, yesNoQ, respYesNo, yesNoQ * respYesNo,
    listCue, listCue * respList, codeCue, codeCue * respCode, (iCls & IMPERATIVE) !== 0 ? 1 : 0,
    firstN > 0 ? restated / firstN : 0, inst.words === 0 ? 1 : 0, instHasCode, Math.max(codeCue, instHasCode) * (resp.code.codeLines > 0 ? 1 : 0),
  ];
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i];
}
