import * as assert from 'node:assert/strict';
import { analyseCode, stripFencesAndDocstrings } from '../../src/core/code';
import { createFeaturiser, FeaturiserConfig } from '../../src/core/featurise';
import { COMPOSITION_FEATURES, PRESENTATION_FEATURES } from '../../src/core/style';
import { countTokens, INDENT_TOKEN, tokenise } from '../../src/core/tokenise';

const PY_BARE = [
  'class Stack:',
  '    def __init__(self):',
  '        self.items = []',
  '',
  '    def push(self, item):',
  '        self.items.append(item)',
  '',
  '    def pop(self):',
  '        return self.items.pop()',
].join('\n');

const PY_FENCED = [
  "Here's the completed class:",
  '',
  '```python',
  'class Stack:',
  '    """A last-in, first-out stack."""',
  '',
  '    def __init__(self) -> None:',
  '        """Start empty."""',
  '        self.items: list[int] = []',
  '',
  '    def push(self, item: int) -> None:',
  '        # append at the top',
  '        self.items.append(item)',
  '```',
  '',
  'The stack keeps its items in a list.',
].join('\n');

describe('code detection', () => {
  it('finds bare Python code and its style', () => {
    const c = analyseCode(PY_BARE);
    assert.equal(c.kind, 'bare');
    assert.equal(c.language, 'python');
    assert.equal(c.codeLines, 7);
    assert.equal(c.codeBlankLines, 2);
    assert.equal(c.defs, 3);
    assert.equal(c.hintedDefs, 0);
    assert.equal(c.docstringLines, 0);
    assert.equal(c.indentedLines, 6);
    assert.equal(c.regularIndentLines, 6);
    assert.equal(c.proseLines, 0);
  });

  it('finds a fenced block, its language tag, docstrings, comments, type hints and the prose around it', () => {
    const c = analyseCode(PY_FENCED);
    assert.equal(c.kind, 'fenced');
    assert.equal(c.language, 'python');
    assert.equal(c.taggedFences, 1);
    assert.equal(c.docstringLines, 2);
    assert.equal(c.commentLines, 1);
    assert.equal(c.defs, 2);
    assert.equal(c.hintedDefs, 2);
    assert.equal(c.proseLines, 2);
  });

  it('tells languages apart without a fence tag', () => {
    assert.equal(analyseCode('const add = (a, b) => a + b;\nconsole.log(add(1, 2));').language, 'javascript');
    assert.equal(analyseCode('```\nSELECT name, age\nFROM users\nWHERE age > 30;\n```').language, 'sql');
    assert.equal(analyseCode('#include <stdio.h>\nint main() {\n  printf("hi");\n  return 0;\n}').language, 'c');
  });

  it('sees no code in prose, lists or a colon-ended sentence', () => {
    for (const t of ['The capital of France is Paris. It lies on the Seine.', 'Here are the steps:\n1. Open the box.\n2. Take it out.', 'Note: this is fine.']) {
      assert.equal(analyseCode(t).kind, 'none', t);
    }
  });

  it('measures naming style and consistency', () => {
    const c = analyseCode('def get_value(self):\n    my_total = 1\n    otherTotal = 2\n    return my_total');
    assert.equal(c.snakeNames, 2);
    assert.equal(c.camelNames, 1);
  });

  it('strips fences (and the prose outside them) and docstrings', () => {
    const s = stripFencesAndDocstrings(PY_FENCED);
    assert.ok(!s.includes('```') && !s.includes('"""') && !s.includes("Here's"), s);
    assert.ok(s.startsWith('class Stack:\n'), s);
    assert.ok(s.includes('        self.items.append(item)'));
    assert.equal(stripFencesAndDocstrings(PY_BARE), PY_BARE);
  });
});

describe('code tokens', () => {
  it('splits camelCase and PascalCase identifiers into sub-words; snake_case splits at "_"', () => {
    assert.deepEqual(tokenise('getUserName HTTPServer snake_case'), ['get', 'user', 'name', 'http', 'server', 'snake', '_', 'case']);
    assert.deepEqual(tokenise("McDonald's"), ['mc', 'donald', "'s"]);
    assert.deepEqual(tokenise('NASA and PhD'), ['nasa', 'and', 'ph', 'd']);
  });

  it('marks the indentation of a line with one token per level', () => {
    assert.deepEqual(tokenise('if x:\n    y\n        z\n\tw\n'), ['if', 'x', ':', '\n', INDENT_TOKEN, 'y', '\n', INDENT_TOKEN, INDENT_TOKEN, 'z', '\n', INDENT_TOKEN, 'w', '\n']);
    assert.deepEqual(tokenise('a\n   \nb'), ['a', '\n', '\n', 'b'], 'a line of spaces only has no indentation token');
    assert.deepEqual(tokenise('a\n b'), ['a', '\n', 'b'], 'one space is not indentation');
  });

  it('counts sub-words and indentation against the limit', () => {
    assert.equal(countTokens('getUserName', 2), 2);
    assert.equal(countTokens('a\n        b', 3), 3);
  });

  it('gives code features to code and neutral values to prose', () => {
    const P = PRESENTATION_FEATURES.length;
    const C = COMPOSITION_FEATURES.length;
    const config: FeaturiserConfig = {
      format: 'scar-lens-featuriser', version: 't', vocabFile: 'vocab.txt', oovBuckets: 4, ngramBuckets: 64, charNgramMin: 0,
      charNgramMax: 0, maxNgrams: 100, maxInstructionTokens: 8, maxResponseTokens: 100, maxAnalysisTokens: 200,
      presentationFeatures: [...PRESENTATION_FEATURES], compositionFeatures: [...COMPOSITION_FEATURES],
      presentationNorm: { mean: new Array(P).fill(0), std: new Array(P).fill(1) },
      compositionNorm: { mean: new Array(C).fill(0), std: new Array(C).fill(1) },
    };
    const f = createFeaturiser(config, []);
    const at = (name: string): number => PRESENTATION_FEATURES.indexOf(name);
    const code = f.rawFeatures({ instruction: 'Write a Python stack class.', response: PY_FENCED }).presentation;
    const bare = f.rawFeatures({ instruction: 'Write a Python stack class.', response: PY_BARE }).presentation;
    const prose = f.rawFeatures({ instruction: 'Hi', response: 'Hello there. How are you?' }).presentation;
    assert.equal(bare[at('bare_code')], 1);
    assert.equal(code[at('bare_code')], 0);
    assert.equal(code[at('fence_language_tagged')], 1);
    assert.ok(code[at('docstring_per_code_line')] > 0 && bare[at('docstring_per_code_line')] === 0);
    assert.equal(code[at('type_hint_rate')], 1);
    assert.equal(bare[at('type_hint_rate')], 0);
    assert.ok(code[at('log_prose_lines_with_code')] > 0);
    assert.equal(prose[at('code_line_frac')], 0);
    const comp = f.rawFeatures({ instruction: 'Write a Python stack class.', response: PY_BARE }).composition;
    assert.equal(comp[COMPOSITION_FEATURES.indexOf('code_given_for_code')], 1);
  });
});
