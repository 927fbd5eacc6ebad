// The method-completion view of a ClassEval pair: each method that both solutions define becomes a pair in the
// prompt/completion shape of function-completion benchmarks (HumanEval and the like). The prompt is the method's
// signature and docstring from the task's skeleton; each side's completion is its body, docstrings removed (the
// model side often repeats the skeleton's). Both are dedented so the `def` sits at column 0 and the body at 4.
// Plain functions of text: pairs.js passes the product's stripFencesAndDocstrings (src/core/code.ts).
'use strict';

const indentOf = (line) => line.length - line.trimStart().length;

/** A block's lines with `by` columns of indentation removed (never more than a line has). */
const dedent = (lines, by) => lines.map((l) => l.slice(Math.min(by, indentOf(l))));

/** The lines under line `start` indented deeper than `indent` (blank lines inside kept, trailing ones dropped). */
function blockAfter(lines, start, indent) {
  const out = [];
  for (let k = start; k < lines.length; k++) {
    if (lines[k].trim() !== '' && indentOf(lines[k]) <= indent) break;
    out.push(lines[k]);
  }
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();
  return out;
}

/** The methods of a class in `code` (indented `def`s): name -> body text, dedented; the first definition of a name wins. */
function methodBodies(code) {
  const lines = code.split('\n');
  const out = new Map();
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s+)(?:async\s+)?def\s+(\w+)\s*\(/.exec(lines[i]);
    if (!m) continue;
    let end = i;
    while (end < lines.length - 1 && !/:\s*(?:#.*)?$/.test(lines[end])) end++; // a signature over several lines
    const body = blockAfter(lines, end + 1, m[1].length);
    if (!out.has(m[2])) out.set(m[2], dedent(body, m[1].length).join('\n'));
    i = end + body.length;
  }
  return out;
}

/** The skeleton's signature and docstring of method `name`, dedented, or null when the skeleton lacks it. */
function methodPrompt(skeleton, name) {
  const lines = skeleton.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*(?:async\\s+)?def\\s+${name}\\s*\\(`).test(l));
  if (at < 0) return null;
  const indent = indentOf(lines[at]);
  return dedent([lines[at], ...blockAfter(lines, at + 1, indent)], indent).join('\n') + '\n';
}

/**
 * The method-completion pairs of one ClassEval row: [{ method, instruction, human, llm }], for the methods both
 * solutions define, except `__init__` (the skeleton often gives its body) and bodies the two sides share verbatim.
 * `strip` removes fences (and the prose outside them) and docstrings from a solution.
 */
function methodPairs(row, strip) {
  const human = methodBodies(strip(row.human));
  const llm = methodBodies(strip(row.llm));
  const out = [];
  for (const [method, h] of human) {
    const l = llm.get(method);
    if (method === '__init__' || l === undefined || h.trim() === '' || l.trim() === '' || h === l) continue;
    const instruction = methodPrompt(row.instruction ?? '', method);
    if (instruction !== null) out.push({ method, instruction, human: h, llm: l });
  }
  return out;
}

module.exports = { methodPairs, methodBodies, methodPrompt };
