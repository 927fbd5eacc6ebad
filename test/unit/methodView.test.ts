// training/method-view.js: the method-completion view of a code pair (the prompt/completion shape of
// function-completion data) that trains and validates the ranker on method bodies.
import * as assert from 'node:assert/strict';
import { stripFencesAndDocstrings } from '../../src/core/code';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { methodPairs, methodBodies, methodPrompt } = require('../../training/method-view.js') as {
  methodPairs: (row: { instruction: string; human: string; llm: string }, strip: (s: string) => string) => Array<{ method: string; instruction: string; human: string; llm: string }>;
  methodBodies: (code: string) => Map<string, string>;
  methodPrompt: (skeleton: string, name: string) => string | null;
};

const SKELETON = [
  'Complete the following Python class.',
  '',
  'class Stack:',
  '    """A stack."""',
  '',
  '    def __init__(self):',
  '        self.items = []',
  '',
  '    def push(self, item):',
  '        """',
  '        Push an item.',
  '        >>> s = Stack()',
  '        >>> s.push(1)',
  '        """',
  '',
  '    def peek(self,',
  '             default=None):',
  '        """Return the top item, or default."""',
].join('\n');

const HUMAN = [
  'class Stack:',
  '    def __init__(self):',
  '        self.items = []',
  '',
  '    def push(self, item):',
  '        self.items.append(item)',
  '',
  '    def peek(self,',
  '             default=None):',
  '        if not self.items:',
  '            return default',
  '',
  '        return self.items[-1]',
].join('\n');

const LLM = [
  "Here's the class:",
  '',
  '```python',
  'class Stack:',
  '    """A stack."""',
  '',
  '    def __init__(self):',
  '        self.items = []',
  '',
  '    def push(self, item):',
  '        """',
  '        Push an item.',
  '        """',
  '        # Append to the end: the top of the stack.',
  '        self.items.append(item)',
  '',
  '    def peek(self, default=None):',
  '        """Return the top item, or default."""',
  '        return self.items[-1] if self.items else default',
  '```',
].join('\n');

describe('method-completion view of a code pair (training/method-view.js)', () => {
  it('cuts a class into method bodies, dedented to a 4-column body, across multi-line signatures and blank lines', () => {
    const bodies = methodBodies(HUMAN);
    assert.deepEqual([...bodies.keys()], ['__init__', 'push', 'peek']);
    assert.equal(bodies.get('push'), '    self.items.append(item)');
    assert.equal(bodies.get('peek'), '    if not self.items:\n        return default\n\n    return self.items[-1]');
  });

  it("takes the prompt from the skeleton: the method's signature and docstring, nothing of the next method", () => {
    assert.equal(methodPrompt(SKELETON, 'push'), 'def push(self, item):\n    """\n    Push an item.\n    >>> s = Stack()\n    >>> s.push(1)\n    """\n');
    assert.equal(methodPrompt(SKELETON, 'peek'), 'def peek(self,\n         default=None):\n    """Return the top item, or default."""\n');
    assert.equal(methodPrompt(SKELETON, 'pop'), null);
  });

  it('pairs the methods both sides define, without __init__, fences, docstrings or verbatim-equal bodies', () => {
    const pairs = methodPairs({ instruction: SKELETON, human: HUMAN, llm: LLM }, stripFencesAndDocstrings);
    assert.deepEqual(pairs.map((p) => p.method), ['push', 'peek']);
    const push = pairs[0];
    assert.equal(push.human, '    self.items.append(item)');
    assert.equal(push.llm, '    # Append to the end: the top of the stack.\n    self.items.append(item)');
    assert.ok(push.instruction.startsWith('def push(self, item):'));
    for (const p of pairs) {
      assert.ok(!/"""|```/.test(p.human + p.llm), `${p.method}: a docstring or a fence is left`);
    }
    const same = methodPairs({ instruction: SKELETON, human: HUMAN, llm: HUMAN }, stripFencesAndDocstrings);
    assert.deepEqual(same, []);
  });
});
