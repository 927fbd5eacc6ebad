// Code as a first-class input of the ranker (ranker 2): finds the code in a text (fenced markdown blocks, or a
// bare code response), tells its language where it can, and measures the code's style: comments and docstrings
// per line of code, type hints, naming style and its consistency, indentation and blank-line regularity, line
// length, operator spacing, and the prose around the code. One pass over the lines; raw counts only (style.ts
// turns them into features).

/** Languages the detector names; 'other' is code of no language it can tell, 'none' a text without code. */
export const CODE_LANGUAGES = ['none', 'python', 'javascript', 'typescript', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'ruby', 'php', 'sql', 'shell', 'html', 'css', 'other'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export interface CodeStats {
  /** Where the code is: 'none', 'fenced' (markdown fences, maybe with prose around), 'bare' (the text is code). */
  kind: 'none' | 'fenced' | 'bare';
  language: CodeLanguage;
  /** Fenced blocks whose opening fence names a language. */
  taggedFences: number;
  fencedBlocks: number;
  /** Non-blank lines of code, and blank lines between lines of code. */
  codeLines: number;
  codeBlankLines: number;
  /** Non-blank lines outside the code (explanations around it). */
  proseLines: number;
  commentLines: number;
  docstringLines: number;
  /** Function definitions, and those with a type hint (a return type or an annotated parameter). */
  defs: number;
  hintedDefs: number;
  /** Defined names (functions, variables) by style. */
  snakeNames: number;
  camelNames: number;
  /** Indented code lines, those whose indent is a multiple of the text's indent unit, and those indented by tabs. */
  indentedLines: number;
  regularIndentLines: number;
  tabIndentLines: number;
  /** Sum of code line lengths (characters, after the indent), and lines longer than 79 characters in all. */
  codeChars: number;
  longLines: number;
  /** Assignments written `a = b` and `a=b`. */
  spacedAssign: number;
  tightAssign: number;
}

const FENCE_LANGS: Record<string, CodeLanguage> = {
  python: 'python', py: 'python', python3: 'python', javascript: 'javascript', js: 'javascript', jsx: 'javascript', node: 'javascript',
  typescript: 'typescript', ts: 'typescript', tsx: 'typescript', java: 'java', c: 'c', h: 'c', cpp: 'cpp', 'c++': 'cpp', cc: 'cpp',
  hpp: 'cpp', csharp: 'csharp', cs: 'csharp', 'c#': 'csharp', go: 'go', golang: 'go', rust: 'rust', rs: 'rust', ruby: 'ruby',
  rb: 'ruby', php: 'php', sql: 'sql', mysql: 'sql', postgresql: 'sql', sqlite: 'sql', bash: 'shell', sh: 'shell', shell: 'shell',
  zsh: 'shell', console: 'shell', powershell: 'shell', html: 'html', xml: 'html', css: 'css', scss: 'css',
};

// Line openings that make a line code-like (checked on the trimmed line).
const CODE_STARTS = /^(?:def |class |import |from \S+ import |return\b|elif |else:|try:|except\b|finally:|with |raise |yield |async def |await |lambda |if .*[:{]\s*$|for .*[:{)]\s*$|while .*[:{]\s*$|function\b|const |let |var |export |public |private |protected |static |#include|package |func |fn |using |namespace |print\(|console\.|System\.|SELECT |INSERT |UPDATE |DELETE |CREATE |@\w|\}|\)|\]|<\/?[a-z][\w-]*[\s>])/;
const ASSIGN = /^[A-Za-z_$][\w.$\[\]'"]*\s*(?:[-+*/%|&^]|\/\/|\*\*)?=(?!=)\s*\S/;
const CALL_LINE = /^[A-Za-z_$][\w.$]*\(.*\)\s*;?$/;

function codeLike(t: string): boolean {
  if (CODE_STARTS.test(t) || ASSIGN.test(t) || CALL_LINE.test(t)) return true;
  const last = t.charCodeAt(t.length - 1);
  // Ends like a statement or a block opener, and holds a symbol that prose rarely has.
  if ((last === 0x3b /* ; */ || last === 0x7b /* { */) && /[=(){}\[\];]/.test(t.slice(0, -1))) return true;
  return /\bself\.|\bthis\.|=>|==|!=|\+\+|&&|\|\||::/.test(t);
}

/** Guesses the language of code lines from their keywords. */
function guessLanguage(lines: readonly string[]): CodeLanguage {
  const score: Partial<Record<CodeLanguage, number>> = {};
  const add = (l: CodeLanguage, n = 1): void => { score[l] = (score[l] ?? 0) + n; };
  for (const raw of lines) {
    const t = raw.trim();
    if (/^(?:async )?def \w+\(|^elif |^from \S+ import |^import \w+(?:\.\w+)*(?: as \w+)?$|\bself\b|:\s*$/.test(t) && !/[;{]\s*$/.test(t)) add('python');
    if (/^(?:const|let|var) \w+|=>|^function\b|console\.log|require\(|===/.test(t)) add('javascript');
    if (/:\s*(?:string|number|boolean|void|any)\b|^interface \w+|^type \w+ =|^export (?:type|interface)/.test(t)) add('typescript', 2);
    if (/^(?:public|private|protected) |System\.out|\bString\[\]/.test(t)) add('java');
    if (/^#include\b|printf\(|\bint main\(/.test(t)) add('c');
    if (/std::|cout\s*<<|^template\s*</.test(t)) add('cpp', 2);
    if (/^using System|Console\.Write/.test(t)) add('csharp', 2);
    if (/^func |^package \w+$|:= /.test(t)) add('go');
    if (/^fn |\blet mut\b|println!|^use \w+::/.test(t)) add('rust', 2);
    if (/^(?:SELECT|INSERT|UPDATE|DELETE|CREATE|WITH)\b.*|\bFROM \w+|\bWHERE\b/i.test(t) && /\b(?:SELECT|FROM|WHERE|TABLE)\b/.test(t)) add('sql', 2);
    if (/^#!\/bin\/|^(?:echo|export|sudo|apt|npm|pip|cd|ls) /.test(t)) add('shell');
    if (/^<(?:!DOCTYPE|html|div|body|head|span|p)\b/i.test(t)) add('html', 2);
    if (/^<\?php|\$\w+\s*=/.test(t)) add('php');
    if (/^end$|^puts |^require '/.test(t)) add('ruby');
  }
  if ((score.typescript ?? 0) > 0) score.typescript = (score.typescript ?? 0) + (score.javascript ?? 0);
  let best: CodeLanguage = 'other';
  let bestN = 0;
  for (const l of CODE_LANGUAGES) {
    const n = score[l] ?? 0;
    if (n > bestN) { best = l; bestN = n; }
  }
  return best;
}

const DEF = /^(?:async\s+)?def\s+(\w+)\s*\((.*)/;
const FUNC = /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*\((.*)/;
const DECL = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)/;
const ASSIGN_NAME = /^([A-Za-z_][\w]*)\s*(?::[^=]+)?=(?!=)/;

function nameStyle(name: string, st: CodeStats): void {
  const core = name.replace(/^_+|_+$/g, '');
  if (core.length < 2 || core.toUpperCase() === core) return; // constants and one-letter names say nothing
  if (core.includes('_')) st.snakeNames++;
  else if (/^[a-z]/.test(core) && /[A-Z]/.test(core)) st.camelNames++;
}

function newStats(): CodeStats {
  return {
    kind: 'none', language: 'none', taggedFences: 0, fencedBlocks: 0, codeLines: 0, codeBlankLines: 0, proseLines: 0,
    commentLines: 0, docstringLines: 0, defs: 0, hintedDefs: 0, snakeNames: 0, camelNames: 0, indentedLines: 0,
    regularIndentLines: 0, tabIndentLines: 0, codeChars: 0, longLines: 0, spacedAssign: 0, tightAssign: 0,
  };
}

/** How many lines analyseCode reads at most (a huge text costs no more than this). */
export const MAX_CODE_LINES = 2000;

/**
 * Finds and measures the code in `text`. Fenced blocks (``` or ~~~) are code and the rest prose; a text without
 * fences is bare code when at least half of its non-blank lines (and at least two) look like code.
 */
export function analyseCode(text: string): CodeStats {
  const st = newStats();
  const lines = text.split('\n', MAX_CODE_LINES);
  const isCode = new Uint8Array(lines.length);
  let fenceLang: CodeLanguage | undefined;
  let inFence = false;
  let fenceMark = '';
  let anyFence = false;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t.startsWith('```') || t.startsWith('~~~')) {
      const mark = t.slice(0, 3);
      if (!inFence) {
        inFence = true;
        fenceMark = mark;
        anyFence = true;
        st.fencedBlocks++;
        const tag = t.slice(3).trim().toLowerCase().split(/[\s{]/)[0];
        if (tag !== '') {
          st.taggedFences++;
          fenceLang ??= FENCE_LANGS[tag] ?? 'other';
        }
      } else if (mark === fenceMark) {
        inFence = false;
      }
      continue;
    }
    if (inFence) isCode[i] = 1;
  }
  if (anyFence) {
    st.kind = 'fenced';
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      if (!isCode[i] && t !== '' && !t.startsWith('```') && !t.startsWith('~~~')) st.proseLines++;
    }
  } else {
    let nonBlank = 0;
    let like = 0;
    let doc = '';
    for (const l of lines) {
      const t = l.trim();
      if (t === '') continue;
      // Lines of a docstring, and doctest or comment lines, count as code when the text has code around them.
      if (doc !== '') {
        if (t.includes(doc)) doc = '';
        continue;
      }
      const m = /^[rbuRBU]?("""|''')/.exec(t);
      if (m) {
        if (!t.slice(m[0].length).includes(m[1])) doc = m[1];
        continue;
      }
      if (t.startsWith('>>>') || t.startsWith('# ') || t.startsWith('//')) continue;
      nonBlank++;
      if (codeLike(t)) like++;
    }
    if (like >= 2 && like * 2 >= nonBlank) {
      st.kind = 'bare';
      for (let i = 0; i < lines.length; i++) isCode[i] = 1;
    }
  }
  if (st.kind === 'none') return st;

  // The code lines, measured.
  const code: string[] = [];
  let indentFour = 0;
  let indentTwo = 0;
  const indents: number[] = [];
  let inDoc = '';
  let inBlockComment = false;
  let pendingBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!isCode[i]) { pendingBlank = 0; continue; }
    const line = lines[i].replace(/\r$/, '');
    const t = line.trim();
    if (t === '') { if (st.codeLines > 0) pendingBlank++; continue; }
    st.codeBlankLines += pendingBlank;
    pendingBlank = 0;
    st.codeLines++;
    code.push(line);
    let w = 0;
    let tabs = false;
    for (let k = 0; k < line.length; k++) {
      const c = line.charCodeAt(k);
      if (c === 0x20) w++;
      else if (c === 0x09) { w += 4; tabs = true; }
      else break;
    }
    if (w > 0) {
      st.indentedLines++;
      if (tabs) st.tabIndentLines++;
      if (w % 4 === 0) indentFour++;
      if (w % 2 === 0) indentTwo++;
      indents.push(w);
    }
    st.codeChars += t.length;
    if (line.trimEnd().length > 79) st.longLines++;
    // Docstrings (Python triple quotes) and comments.
    if (inDoc !== '') {
      st.docstringLines++;
      if (t.includes(inDoc)) inDoc = '';
      continue;
    }
    if (inBlockComment) {
      st.commentLines++;
      if (t.includes('*/')) inBlockComment = false;
      continue;
    }
    if (t.startsWith('"""') || t.startsWith("'''") || /^[rbuRBU]?("""|''')/.test(t)) {
      const q = t.includes('"""') ? '"""' : "'''";
      st.docstringLines++;
      const rest = t.slice(t.indexOf(q) + 3);
      if (!rest.includes(q)) inDoc = q;
      continue;
    }
    if (t.startsWith('/*')) {
      st.commentLines++;
      if (!t.includes('*/')) inBlockComment = true;
      continue;
    }
    if (t.startsWith('#') && !t.startsWith('#include') && !t.startsWith('#!')) { st.commentLines++; continue; }
    if (t.startsWith('//') || t.startsWith('-- ')) { st.commentLines++; continue; }
    if (/\s#\s|\s\/\/\s/.test(t)) st.commentLines++; // a trailing comment
    // Definitions, type hints and naming.
    let m = DEF.exec(t);
    if (m) {
      st.defs++;
      const params = m[2];
      if (t.includes('->') || /\w\s*:\s*[A-Za-z_\[]/.test(params.replace(/\bself\b|\bcls\b/g, ''))) st.hintedDefs++;
      nameStyle(m[1], st);
    } else if ((m = FUNC.exec(t))) {
      st.defs++;
      if (/\)\s*:\s*\w/.test(t) || /\w\s*:\s*\w/.test(m[2])) st.hintedDefs++;
      nameStyle(m[1], st);
    } else if ((m = DECL.exec(t)) || (m = ASSIGN_NAME.exec(t))) {
      nameStyle(m[1], st);
    }
    // Spacing around a plain assignment (not ==, <=, >=, !=, =>, keyword arguments inside parentheses).
    const eq = t.search(/[^=!<>+\-*/%&|^:]=[^=>]/);
    if (eq >= 0 && !/\(/.test(t.slice(0, eq + 1))) {
      if (t.charCodeAt(eq) === 0x20 && t.charCodeAt(eq + 2) === 0x20) st.spacedAssign++;
      else if (t.charCodeAt(eq) !== 0x20 && t.charCodeAt(eq + 2) !== 0x20) st.tightAssign++;
    }
  }
  // The indent unit: 4 when most indented lines are multiples of 4, else 2.
  st.regularIndentLines = indentFour * 10 >= indents.length * 8 ? indentFour : indentTwo;
  st.language = fenceLang && fenceLang !== 'other' ? fenceLang : guessLanguage(code);
  return st;
}

/** Removes markdown fences (keeping only the code inside them when a text has fences) and Python docstrings. */
export function stripFencesAndDocstrings(text: string): string {
  const lines = text.split('\n');
  let kept: string[] = [];
  const hasFence = lines.some((l) => /^\s*(```|~~~)/.test(l));
  if (hasFence) {
    let inFence = false;
    for (const l of lines) {
      if (/^\s*(```|~~~)/.test(l)) { inFence = !inFence; continue; }
      if (inFence) kept.push(l);
    }
  } else {
    kept = lines;
  }
  const out: string[] = [];
  let inDoc = '';
  for (let i = 0; i < kept.length; i++) {
    const t = kept[i].trim();
    if (inDoc !== '') {
      if (t.includes(inDoc)) inDoc = '';
      continue;
    }
    const m = /^[rbuRBU]?("""|''')/.exec(t);
    if (m) {
      // A docstring opens a statement of its own (after a def/class line, or at the top): drop it.
      const rest = t.slice(m[0].length);
      if (!rest.includes(m[1])) inDoc = m[1];
      continue;
    }
    out.push(kept[i]);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/^\n+|\s+$/g, '');
}
