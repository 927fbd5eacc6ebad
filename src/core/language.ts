// Is a text English? Two answers: SCAR's heuristic, and a better detector that names the language.
//
// SCAR's heuristic (scarAsciiLetterRatio / passesScarHeuristic): a text is English when more than 70% of its
// characters are ASCII letters (A-Z, a-z). We count over non-whitespace characters (Unicode code points), so
// that spacing and line breaks don't decide; a text with no non-whitespace character is not judged (it passes;
// the empty-response check reports it). The heuristic is crude: code and maths fail it, German and French pass.
//
// The detector (detectLanguage), pure TypeScript, no data files, ~microseconds per text. It was chosen over the
// npm package tinyld 1.3.4 (MIT), evaluated here: 4.5 MB packed / 12 MB installed (bundling its "normal" profile
// adds 590 KB), about 80-100 us a call on this machine, and it labelled a fenced Python snippet "la", the math
// "Compute $\int_0^1 x^2 dx$" "ber" and the answer "Yes." "tr"; the cleaning below would be needed anyway.
//   1. Code and maths are removed first: fenced and inline code, LaTeX ($...$, $$...$$, \(...\), \[...\]),
//      URLs, e-mail addresses and HTML tags, then every line that still reads as code (over 10% of its
//      characters being {}[]()<>=;_/\|*&^%$#@~`+).
//   2. Letters are counted by Unicode script. When a non-Latin script has at least 4 letters (2 for CJK) and
//      carries most of the weight (CJK characters weigh 3 letters each), its language is the answer: Han with
//      kana -> ja, Han alone -> zh, Hangul -> ko, Cyrillic -> ru (uk when і ї є ґ are frequent), Arabic script
//      -> ar (fa, ur by their own letters), Greek -> el, Hebrew -> he, Devanagari -> hi, Thai -> th, ...
//   3. Latin text is scored by function words: 17 stopword profiles (de fr es it pt nl sv da no pl cs tr id ro hu
//      fi vi) against an English one. Profiles exclude English words (so "was", "in", "a" never count against
//      English) and single letters (so "e.g." and "x and y" don't). Another language wins only with at least
//      2 hits, at least twice English's hits plus one, and at least 10% of the words; English needs one hit.
//   4. Anything else is 'und' (undetermined): short phrases, bare code, numbers. Callers flag only a named
//      language other than 'en', so the detector errs towards silence on short and technical English.

/** SCAR's threshold on the ASCII-letter share. */
export const SCAR_ASCII_LETTER_THRESHOLD = 0.7;

/** The share of non-whitespace code points of `text` that are ASCII letters; NaN when there are none. */
export function scarAsciiLetterRatio(text: string): number {
  let letters = 0;
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0xfeff) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    chars++;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
  }
  return chars === 0 ? NaN : letters / chars;
}

/** SCAR's English check: more than 70% of the non-whitespace characters are ASCII letters (true for blank text). */
export function passesScarHeuristic(text: string): boolean {
  const r = scarAsciiLetterRatio(text);
  return Number.isNaN(r) || r > SCAR_ASCII_LETTER_THRESHOLD;
}

export interface LanguageGuess {
  /** ISO 639-1 code ('en', 'de', 'zh', ...), or 'und' when the text gives too little evidence. */
  language: string;
  /** 0..1: how much of the evidence points to `language` (0 for 'und'). */
  confidence: number;
  /** The script the decision rests on: 'Latin', 'Cyrillic', 'Han', ... or 'none'. */
  script: string;
}

// ----- 1. removing code and maths

const STRIP_PATTERNS: RegExp[] = [
  /(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(\n[ \t]*\2[ \t]*(?=\n|$)|$)/g, // fenced code blocks (unterminated: to the end)
  /`[^`\n]+`/g, // inline code
  /\$\$[\s\S]+?\$\$/g, // display maths
  /\\\[[\s\S]+?\\\]/g,
  /\\\([\s\S]+?\\\)/g,
  /\$[^$\n]+\$/g, // inline maths
  /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi, // URLs
  /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g, // e-mail addresses
  /<\/?[A-Za-z][^<>\n]*>/g, // HTML / XML tags
];

// Characters that are rare in prose and common in code: {}[]()<>=;_/\|*&^%$#@~`+
const CODE_CHAR = /[{}[\]()<>=;_/\\|*&^%$#@~`+]/g;

/** True for a line that reads as code: at least 3 code characters, making up over 10% of its non-blank ones. */
function looksLikeCode(line: string): boolean {
  const code = line.match(CODE_CHAR)?.length ?? 0;
  if (code < 3) return false;
  let visible = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 32) visible++;
  return code > 0.1 * visible;
}

/** `text` without code, maths, URLs, e-mail addresses and markup: the prose the detector judges. */
export function proseOf(text: string): string {
  let t = text;
  for (const re of STRIP_PATTERNS) t = t.replace(re, ' ');
  CODE_CHAR.lastIndex = 0;
  if (!CODE_CHAR.test(t)) return t;
  return t.split('\n').filter((line) => !looksLikeCode(line)).join('\n');
}

// ----- 2. scripts

type Script =
  | 'Latin' | 'Greek' | 'Cyrillic' | 'Armenian' | 'Hebrew' | 'Arabic' | 'Devanagari' | 'Bengali' | 'Gurmukhi'
  | 'Gujarati' | 'Tamil' | 'Telugu' | 'Kannada' | 'Malayalam' | 'Sinhala' | 'Thai' | 'Lao' | 'Tibetan' | 'Myanmar'
  | 'Georgian' | 'Ethiopic' | 'Khmer' | 'Hangul' | 'Kana' | 'Han';

// [first, last, script], sorted by first code point.
const SCRIPT_RANGES: ReadonlyArray<readonly [number, number, Script]> = [
  [0x0041, 0x005a, 'Latin'], [0x0061, 0x007a, 'Latin'], [0x00c0, 0x00d6, 'Latin'], [0x00d8, 0x00f6, 'Latin'],
  [0x00f8, 0x024f, 'Latin'], [0x0370, 0x03ff, 'Greek'], [0x0400, 0x052f, 'Cyrillic'], [0x0531, 0x058f, 'Armenian'],
  [0x0591, 0x05ff, 'Hebrew'], [0x0600, 0x06ff, 'Arabic'], [0x0750, 0x077f, 'Arabic'], [0x0900, 0x097f, 'Devanagari'],
  [0x0980, 0x09ff, 'Bengali'], [0x0a00, 0x0a7f, 'Gurmukhi'], [0x0a80, 0x0aff, 'Gujarati'], [0x0b80, 0x0bff, 'Tamil'],
  [0x0c00, 0x0c7f, 'Telugu'], [0x0c80, 0x0cff, 'Kannada'], [0x0d00, 0x0d7f, 'Malayalam'], [0x0d80, 0x0dff, 'Sinhala'],
  [0x0e00, 0x0e7f, 'Thai'], [0x0e80, 0x0eff, 'Lao'], [0x0f00, 0x0fff, 'Tibetan'], [0x1000, 0x109f, 'Myanmar'],
  [0x10a0, 0x10ff, 'Georgian'], [0x1100, 0x11ff, 'Hangul'], [0x1200, 0x139f, 'Ethiopic'], [0x1780, 0x17ff, 'Khmer'],
  [0x1e00, 0x1eff, 'Latin'], [0x1f00, 0x1fff, 'Greek'], [0x3040, 0x30ff, 'Kana'], [0x3130, 0x318f, 'Hangul'],
  [0x31f0, 0x31ff, 'Kana'], [0x3400, 0x4dbf, 'Han'], [0x4e00, 0x9fff, 'Han'], [0xac00, 0xd7af, 'Hangul'],
  [0xf900, 0xfaff, 'Han'], [0xfb1d, 0xfb4f, 'Hebrew'], [0xfb50, 0xfdff, 'Arabic'], [0xfe70, 0xfeff, 'Arabic'],
  [0xff66, 0xff9f, 'Kana'], [0x20000, 0x3134f, 'Han'],
];

function scriptOf(cp: number): Script | undefined {
  let lo = 0;
  let hi = SCRIPT_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last, script] = SCRIPT_RANGES[mid];
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return script;
  }
  return undefined;
}

const SCRIPT_LANGUAGE: Partial<Record<Script, string>> = {
  Greek: 'el', Armenian: 'hy', Hebrew: 'he', Devanagari: 'hi', Bengali: 'bn', Gurmukhi: 'pa', Gujarati: 'gu',
  Tamil: 'ta', Telugu: 'te', Kannada: 'kn', Malayalam: 'ml', Sinhala: 'si', Thai: 'th', Lao: 'lo', Tibetan: 'bo',
  Myanmar: 'my', Georgian: 'ka', Ethiopic: 'am', Khmer: 'km', Hangul: 'ko',
};

const CJK: ReadonlySet<Script> = new Set<Script>(['Han', 'Kana', 'Hangul']);
const CJK_WEIGHT = 3;
const UKRAINIAN = /[іїєґІЇЄҐ]/g;
const PERSIAN = /[پچژگکی]/g;
const URDU = /[ٹڈڑںےھ]/g;

function countOf(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

// ----- 3. stopword profiles

const ENGLISH_WORDS = (
  "the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or " +
  "an will my one all would there their what so up out if about who get which go me when make can like time no just " +
  "him know take is are was were been being has had how your its our these those than then them into could should " +
  "does did any each other some such only also more most very here where why write please following use using example " +
  "answer question given explain list describe create provide below above which i'm it's don't can't you're"
).split(' ');
const ENGLISH: ReadonlySet<string> = new Set(ENGLISH_WORDS);

const PROFILE_WORDS: Record<string, string> = {
  de: 'der die das und ist nicht ein eine einen einem einer zu den dem des mit sich auf für von im ich du er sie es wir ihr ' +
    'auch als nach bei wie noch oder aber wenn dass werden wird sind hat haben kann können über unter durch nur schon sehr ' +
    'diese dieser dieses mir mich dich ins zum zur wo warum bitte kein keine ob sein seine ihre vom beim einen gibt ' +
    'schreibe erkläre welche welcher',
  fr: "le la les un une des du de et est en que qui dans pour pas sur au aux avec ce cette ces il elle ils elles nous vous " +
    "je tu sa ses leur mais ou où par ne se sont été être avoir fait tout très aussi à c'est d'un d'une qu'il j'ai " +
    "n'est s'il peut sans ça votre mon ton écrivez écris expliquez quelle quel",
  es: 'el la los las un una unos unas de del que en es por para con se su sus al lo como más pero le ya este esta estos ' +
    'estas ese esa muy también fue ha son está están hay sin sobre entre cuando donde porque qué cómo yo tú él ella ' +
    'nosotros usted ustedes escribe puedes explica cuál',
  it: 'il lo la gli le un uno una di del della dei delle che è per con su non si da al alla come più ma anche questo questa ' +
    'sono ha hanno essere nel nella ci mi ti loro suo sua perché quando dove molto tutto cosa scrivi spiega quale',
  pt: 'os um uma de do da dos das em na nos nas que é para com não por mais se como mas ao aos ele ela eles elas seu sua ' +
    'são foi está estão ser ter tem muito também quando onde porque isso isto esse essa este esta você eu nós pelo pela ' +
    'já há sobre escreva explique qual',
  nl: 'de het een en van ik te dat die niet op zijn er maar voor ook als aan om dan nog wat naar bij hij ze zij wij je uit ' +
    'heeft hebben worden wordt door dit deze kan kunnen geen wel meer hoe waar waarom schrijf alstublieft mijn jouw leg',
  sv: 'och att det som en på är av för med till den har de inte om ett jag han hon vi ni så från kan ska vid eller efter hur ' +
    'vad när där också mycket skriv detta denna dessa sin sitt sina blev bli varför mig dig',
  da: 'og at det er en den til på af med ikke der som de har et jeg han hun vi så fra kan skal om eller efter hvordan hvad ' +
    'hvor når også meget skriv denne dette disse sin sit sine blev være hvorfor mig dig',
  no: 'og det er en til på av med ikke som de har et jeg han hun vi så fra kan skal om eller etter hvordan hva hvor når ' +
    'også mye skriv denne dette disse sin sitt sine ble være hvorfor meg deg',
  pl: 'na się nie że jest jak co ale tak za od czy jego jej ich przez dla już tylko może są być był była było ten ta te tym ' +
    'który która które jako gdy bardzo napisz proszę oraz lub mnie ci wyjaśnij',
  cs: 'se na je že jako ale pro tak jsem jsou byl byla bylo být není jeho její jejich tento tato toto který která které nebo ' +
    'když také jen už velmi napiš prosím mě mi tě ti co jak kde proč při podle před bez',
  tr: 've bir bu da de için ile ne çok daha gibi ama olarak yok ben sen biz siz onlar şu her kadar sonra önce nasıl neden ' +
    'nerede mi mı mu mü değil olan oldu olur bana sana yaz lütfen veya ya ki',
  id: 'yang dan di ke dari ini itu dengan untuk tidak ada adalah saya kamu anda kami kita mereka dia akan pada juga atau ' +
    'karena sudah bisa dapat oleh seperti dalam tersebut bagaimana apa mengapa tulis tolong lebih sangat jika kalau bahwa',
  ro: 'și în de la cu pe nu un să este sunt care mai din pentru ce se ca al ale lui ei lor fost fi dar sau cum când unde ' +
    'foarte acest această aceasta acesta scrie eu tu el ea noi voi',
  hu: 'az és hogy nem egy meg de van volt ez azt ami amely mint csak már még vagy el fel ki le mert ha én te ők nagyon ' +
    'írj kérlek miért hogyan hol lesz lehet kell után között',
  fi: 'ja ei se että hän oli olla mutta kun niin kuin tai jos myös vain nyt jo sitä tämä tämän tätä ovat olen olet minä ' +
    'sinä te mitä miksi miten missä kirjoita ole hyvin kanssa koska joka jotka',
  vi: 'và của là có những được một cho không các này trong với người để khi đã sẽ thì như cũng tôi bạn chúng hãy viết rất ' +
    'nhưng từ đến về làm nào gì tại sao',
};

/** Words that are common English words although not in the English profile; never counted for another language. */
const ENGLISH_HOMOGRAPHS = new Set(['man', 'men', 'met', 'var', 'son', 'plus', 'hat', 'war', 'um', 'die', 'ten', 'den', 'hon', 'hun', 'bin']);

/** Each profile word, with the languages whose profile holds it. */
const PROFILE_INDEX: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, string[]>();
  for (const [lang, words] of Object.entries(PROFILE_WORDS)) {
    for (const w of new Set(words.split(' '))) {
      if (w.length < 2 || ENGLISH.has(w) || ENGLISH_HOMOGRAPHS.has(w)) continue;
      const langs = index.get(w);
      if (langs) langs.push(lang);
      else index.set(w, [lang]);
    }
  }
  return index;
})();

// Latin-script words (profiles are all Latin); an apostrophe inside a word keeps it whole ("c'est").
const WORD = /[a-z\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff]+(?:['’][a-z\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff]+)*/g;
/** Word evidence is taken from the first this-many characters of prose: plenty to decide, and bounded cost. */
const EVIDENCE_CHARS = 2000;

/** Stopword hits per profile for the Latin words of `prose` (lower-cased), and the word count. */
function latinEvidence(prose: string): { words: number; english: number; best: string; bestHits: number } {
  const words = (prose.length > EVIDENCE_CHARS ? prose.slice(0, EVIDENCE_CHARS) : prose).toLowerCase().match(WORD) ?? [];
  let english = 0;
  const hits = new Map<string, number>();
  for (const raw of words) {
    const w = raw.includes('’') ? raw.replace(/’/g, "'") : raw;
    if (ENGLISH.has(w)) {
      english++;
      continue;
    }
    const langs = PROFILE_INDEX.get(w);
    if (langs) for (const lang of langs) hits.set(lang, (hits.get(lang) ?? 0) + 1);
  }
  let best = 'und';
  let bestHits = 0;
  for (const [lang, h] of hits) {
    if (h > bestHits) {
      best = lang;
      bestHits = h;
    }
  }
  return { words: words.length, english, best, bestHits };
}

const UNDETERMINED: LanguageGuess = Object.freeze({ language: 'und', confidence: 0, script: 'none' });

/** The language of `text`'s prose (see the header for how); 'und' when there is too little to go on. */
export function detectLanguage(text: string): LanguageGuess {
  const prose = proseOf(text);
  const counts = new Map<Script, number>();
  let latinAscii = 0;
  for (let i = 0; i < prose.length; i++) {
    let cp = prose.charCodeAt(i);
    if (cp < 0x80) {
      if ((cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122)) latinAscii++;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < prose.length) {
      cp = prose.codePointAt(i) as number;
      i++;
    }
    const s = scriptOf(cp);
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const latin = latinAscii + (counts.get('Latin') ?? 0);
  const han = counts.get('Han') ?? 0;
  const kana = counts.get('Kana') ?? 0;
  let other: Script | 'CJK' | undefined;
  let otherCount = 0;
  let otherWeight = 0;
  if (han + kana > 0) [other, otherCount, otherWeight] = ['CJK', han + kana, (han + kana) * CJK_WEIGHT];
  for (const [s, c] of counts) {
    if (s === 'Latin' || s === 'Han' || s === 'Kana') continue;
    const w = CJK.has(s) ? c * CJK_WEIGHT : c;
    if (w > otherWeight) [other, otherCount, otherWeight] = [s, c, w];
  }
  const total = latin + otherWeight;
  if (total === 0) return UNDETERMINED;
  const minLetters = other === 'CJK' || other === 'Hangul' ? 2 : 4;
  if (other && otherCount >= minLetters && otherWeight / total > 0.5) {
    const confidence = otherWeight / total;
    if (other === 'CJK') return { language: kana > 0.1 * (han + kana) ? 'ja' : 'zh', confidence, script: kana > 0 ? 'Kana' : 'Han' };
    if (other === 'Cyrillic') return { language: countOf(prose, UKRAINIAN) >= Math.max(2, 0.02 * otherCount) ? 'uk' : 'ru', confidence, script: other };
    if (other === 'Arabic') {
      const lang = countOf(prose, URDU) >= 2 ? 'ur' : countOf(prose, PERSIAN) >= 2 ? 'fa' : 'ar';
      return { language: lang, confidence, script: other };
    }
    return { language: SCRIPT_LANGUAGE[other] ?? 'und', confidence, script: other };
  }
  if (latin === 0) return UNDETERMINED;
  const ev = latinEvidence(prose);
  if (ev.bestHits >= 2 && ev.bestHits >= 2 * ev.english + 1 && ev.bestHits >= 0.1 * ev.words) {
    return { language: ev.best, confidence: ev.bestHits / (ev.bestHits + ev.english), script: 'Latin' };
  }
  if (ev.english >= 1) return { language: 'en', confidence: ev.english / (ev.english + ev.bestHits), script: 'Latin' };
  return UNDETERMINED;
}

/** True when `guess` names a language other than English (undetermined texts are not flagged). */
export function isForeign(guess: LanguageGuess): boolean {
  return guess.language !== 'en' && guess.language !== 'und';
}
