// The words of a score hover: the score and where it stands, the two components against the file's medians with a
// plain-language reading of what pulls the score up or down, the pair's texts and where they came from, and links
// to the commands that act on the line. Pure (no vscode import): it returns Markdown, unit-tested.
import { analyseText, type TextStats } from '../../core/style';
import type { Pair } from '../../core/types';
import { BAND_SYMBOL, bandOf, topShare, type Band } from './badgeText';
import { t } from '../../core/l10n';
import { countTokens } from '../../core/tokenise';

/** Characters of the instruction and the response quoted in the hover. */
export const EXCERPT_CHARS = 300;
/** A component this close to the file's median is "about typical". */
const TYPICAL = 0.25;

export interface HoverInput {
  /** 1-based line number. */
  line: number;
  /** The ranker's raw score. */
  score: number;
  /** The score as people see it (the 0-100 style score, or the raw score), and what it is called and means. */
  shown: { text: string; noun: string; meaning: string; calibrated: boolean };
  composition: number;
  presentation: number;
  percentile: number;
  /** 1 = the highest score of the file. */
  rank: number;
  scored: number;
  /** The file the percentile and rank are of, when it is not this one (a selection's editor: its source). */
  source?: string;
  /** False for an output file of SCAR Lens (<name>.top.jsonl): its own percentiles would mean something else. */
  placeShown?: boolean;
  medians: { composition: number; presentation: number };
  cuts: { high: number; low: number };
  /** The pair(s) of the line, for the excerpts and the style signals (the first is shown). */
  pairs: readonly Pair[];
  /** The ranker that scored the file (its display name), said at the foot of the hover. */
  model?: string;
  /** Command links at the foot of the hover. */
  commands: ReadonlyArray<{ label: string; id: string; args?: unknown[] }>;
  /**
   * How many response tokens the ranker reads (featuriser.json maxResponseTokens; a longer response was cut) and how
   * many its style statistics read (maxAnalysisTokens).
   */
  responseWindow?: { tokens: number; statistics?: number };
}

const numbers = new Intl.NumberFormat('en-US');

/**
 * The hover's note on a response longer than the ranker reads, or '' when it read all of it: the network reads the
 * response's first `window` tokens (core/tokenise words) and its style statistics the first `statistics`, so a long
 * answer is judged on its opening.
 */
export function cutNote(response: string, window: number, statistics = window): string {
  const cap = 4 * Math.max(window, statistics);
  const n = countTokens(response, cap + 1);
  if (n <= window) return '';
  const total = n > cap ? t('over {0}', numbers.format(cap)) : numbers.format(n);
  return statistics > window
    ? t('✂ **Cut for scoring:** this response has {0} tokens; the ranker reads the first {1} (its style statistics the first {2}), and the rest does not count in the score.', total, numbers.format(window), numbers.format(statistics))
    : t('✂ **Cut for scoring:** this response has {0} tokens; the ranker reads the first {1}, and the rest does not count in the score.', total, numbers.format(window));
}

/** Escapes Markdown's special characters in text quoted from the data. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/** The first `max` characters on one line (new lines shown as ⏎), with an ellipsis when cut. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const flat = text.replace(/\r?\n/g, ' ⏎ ').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1).trimEnd() + '…';
}

/** Style signals of a response that read well to a person, split into what helps and what hurts its presentation. */
export function presentationSignals(st: TextStats): { good: string[]; bad: string[] } {
  const good: string[] = [];
  const bad: string[] = [];
  const structured = st.bulletLines + st.numberedLines + st.headingLines + st.codeFences > 0;
  const meanSentence = st.sentences > 0 ? st.sentenceLenSum / st.sentences : st.words;
  if (structured) good.push(t('structure (lists, headings or code)'));
  else if (st.words >= 80) bad.push(t('no structure'));
  if (st.words < 12) bad.push(t('a very short response'));
  if (st.sentences >= 2 && meanSentence < 8) bad.push(t('short sentences'));
  else if (meanSentence > 35) bad.push(t('very long sentences'));
  else if (st.sentences >= 2) good.push(t('sentences of a usual length'));
  if (st.words >= 120 && st.paragraphBreaks === 0 && !structured) bad.push(t('one unbroken block'));
  if (st.paragraphBreaks > 0) good.push(t('paragraphs'));
  if (st.lowerI > 0 || st.sentencesLowerStart > st.sentences / 2) bad.push(t('careless capitalisation'));
  if (st.contractions > 3) bad.push(t('casual contractions'));
  if (st.tonePhrases > 0) good.push(t('a helpful tone'));
  return { good, bad };
}

/** Signals of how the response relates to its instruction. */
export function compositionSignals(instruction: TextStats, response: TextStats): { good: string[]; bad: string[] } {
  const good: string[] = [];
  const bad: string[] = [];
  if (instruction.words > 0 && response.words > 0) {
    const ratio = response.words / instruction.words;
    if (ratio < 0.3 && instruction.words >= 20) bad.push(t('a short answer to a long instruction'));
    else if (ratio >= 1) good.push(t('an answer that covers the request'));
  }
  const inst = new Set(instruction.tokens.filter((t) => t.length > 3));
  if (inst.size >= 3) {
    let shared = 0;
    for (const t of new Set(response.tokens)) if (inst.has(t)) shared++;
    const overlap = shared / inst.size;
    if (overlap < 0.1) bad.push(t('little of the instruction taken up'));
    else if (overlap >= 0.3) good.push(t('the instruction taken up'));
  }
  return { good, bad };
}

function reading(name: string, value: number, median: number, signals: { good: string[]; bad: string[] }): string {
  const delta = value - median;
  if (!Number.isFinite(delta) || Math.abs(delta) < TYPICAL) {
    return t('**{0}** is about typical for this file.', name);
  }
  if (delta < 0) {
    return signals.bad.length ? t('**{0} pulls it down**: {1}.', name, signals.bad.join(', ')) : t('**{0} pulls it down**.', name);
  }
  return signals.good.length ? t('**{0} lifts it**: {1}.', name, signals.good.join(', ')) : t('**{0} lifts it**.', name);
}

function signed(n: number): string {
  return (n >= 0 ? '+' : '−') + Math.abs(n).toFixed(2);
}

/** The hover's Markdown. */
export function scoreHoverMarkdown(h: HoverInput): string {
  const band: Band = bandOf(h.percentile, h.cuts);
  const pair = h.pairs[0];
  const rows: string[] = [];
  const ofFile = h.source ? t(' of {0}', h.source) : '';
  const outOf = h.shown.calibrated ? ' / 100' : '';
  if (h.placeShown === false) {
    rows.push(t('**SCAR {0} {1}{2}** {3} · this file is an output of SCAR Lens (a selection or removed lines), so percentiles within it are not shown: they would rank the cut against itself', BAND_SYMBOL[band], h.shown.text, outOf, h.shown.noun));
  } else {
    rows.push(t('**SCAR {0} {1}{2}** {3} · {4} band · {5}{6} (percentile {7}) · rank {8} of {9}{10}', BAND_SYMBOL[band], h.shown.text, outOf, h.shown.noun, band, topShare(h.percentile), ofFile, Math.round(h.percentile), numbers.format(h.rank), numbers.format(h.scored), h.source ? t(' in {0}', h.source) : ''));
  }
  rows.push('');
  // An official SCAR ranker scores with one MLP over both embeddings: it has no composition and presentation parts.
  const parts = Number.isFinite(h.composition) && Number.isFinite(h.presentation);
  const raw = !h.shown.calibrated ? ''
    : parts ? t(' Raw score {0} = composition {1} + presentation {2}.', h.score.toFixed(2), h.composition.toFixed(2), h.presentation.toFixed(2))
    : t(' Raw score {0}.', h.score.toFixed(2));
  rows.push(`_${h.shown.meaning}_${raw}`);
  rows.push('');
  if (parts) {
    rows.push(t('| | this line | file median | difference |'));
    rows.push('|:--|--:|--:|--:|');
    rows.push(t('| Composition | {0} | {1} | {2} |', h.composition.toFixed(2), h.medians.composition.toFixed(2), signed(h.composition - h.medians.composition)));
    rows.push(t('| Presentation | {0} | {1} | {2} |', h.presentation.toFixed(2), h.medians.presentation.toFixed(2), signed(h.presentation - h.medians.presentation)));
  } else {
    rows.push(t('This ranker reports only its overall score, not its composition and presentation parts.'));
  }
  rows.push('');
  if (pair && parts) {
    const inst = analyseText(pair.instruction, 512);
    const resp = analyseText(pair.response, 512);
    rows.push(`${reading(t('Presentation'), h.presentation, h.medians.presentation, presentationSignals(resp))} `
      + reading(t('Composition'), h.composition, h.medians.composition, compositionSignals(inst, resp)));
    rows.push('');
  }
  if (pair) {
    const turn = h.pairs.length > 1 ? t(' · exchange {0} of {1} (the score is their mean)', pair.exchange + 1, h.pairs.length)
      : pair.exchange > 0 ? t(' · exchange {0}', pair.exchange + 1) : '';
    rows.push(t('**Instruction** `{0}`{1}  ', pair.source.instruction, turn));
    rows.push(escapeMarkdown(excerpt(pair.instruction)));
    rows.push('');
    rows.push(t('**Response** `{0}`  ', pair.source.response));
    rows.push(escapeMarkdown(excerpt(pair.response)));
    rows.push('');
    const cut = h.responseWindow ? cutNote(pair.response, h.responseWindow.tokens, h.responseWindow.statistics) : '';
    if (cut) {
      rows.push(cut);
      rows.push('');
    }
  }
  if (h.model) {
    rows.push(t('Scored by `{0}` · [Choose ranker model…](command:scar.chooseModel)', h.model.replace(/`/g, "'")));
    rows.push('');
  }
  if (h.commands.length) {
    rows.push(h.commands.map((c) => `[${c.label}](command:${c.id}${c.args ? `?${encodeURIComponent(JSON.stringify(c.args))}` : ''})`).join(' · '));
  }
  return rows.join('\n');
}
