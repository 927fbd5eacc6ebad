import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { analyseRecord, describeSchema, ForcedSchemaCheck, InspectAccumulator } from '../../src/core/inspect';
import { readRecords } from '../../src/core/jsonl';
import { adaptRecord, DEFAULT_ADAPTER_OPTIONS, detectSchema, majoritySchema, parsePath, schemaLabel, SCHEMA_IDS } from '../../src/core/schema';
import type { AdapterOptions, AdaptResult, Pair, SchemaId } from '../../src/core/types';
import { fixture } from '../util/paths';

const auto: AdapterOptions = DEFAULT_ADAPTER_OPTIONS;
const withPolicy = (turnPolicy: AdapterOptions['turnPolicy']): AdapterOptions => ({ schema: 'auto', turnPolicy });

function pairs(r: AdaptResult): Pair[] {
  assert.ok(r.ok, `expected pairs, got: ${r.ok ? '' : r.reason}`);
  return r.pairs;
}
function reason(r: AdaptResult): string {
  assert.ok(!r.ok, 'expected a failure');
  return r.reason;
}

const conversation = {
  conversations: [
    { from: 'system', value: 'Be terse.' },
    { from: 'human', value: 'Q1' },
    { from: 'gpt', value: 'A1' },
    { from: 'human', value: 'Q2' },
    { from: 'gpt', value: 'A2' },
    { from: 'human', value: 'Q3 (no reply)' },
  ],
};

describe('schema adapters', () => {
  describe('Alpaca', () => {
    it('uses the instruction alone when input is empty or absent', () => {
      assert.deepEqual(adaptRecord({ instruction: 'Name a colour.', input: '', output: 'Red.' }, auto), {
        ok: true, schema: 'alpaca',
        pairs: [{ instruction: 'Name a colour.', response: 'Red.', exchange: 0, source: { instruction: 'instruction', response: 'output' } }],
      });
      assert.equal(pairs(adaptRecord({ instruction: 'Name a colour.', output: 'Red.' }, auto))[0].instruction, 'Name a colour.');
    });
    it('joins a non-empty input to the instruction with a blank line', () => {
      assert.deepEqual(pairs(adaptRecord({ instruction: 'Translate.', input: 'Bonjour', output: 'Hello' }, auto)), [
        { instruction: 'Translate.\n\nBonjour', response: 'Hello', exchange: 0, source: { instruction: 'instruction+input', response: 'output' } },
      ]);
    });
    it('keeps a system field apart from the instruction', () => {
      assert.deepEqual(pairs(adaptRecord({ system: 'Be kind.', instruction: 'Hi', output: 'Hello' }, auto)), [
        { instruction: 'Hi', response: 'Hello', system: 'Be kind.', exchange: 0, source: { instruction: 'instruction', response: 'output', system: 'system' } },
      ]);
    });
    it('explains a missing, non-string or empty field', () => {
      assert.equal(reason(adaptRecord({ instruction: 'x', output: 3 }, auto)), "field 'output' is not a string (found a number)");
      assert.equal(reason(adaptRecord({ instruction: 'x', output: '  ' }, auto)), "field 'output' is empty");
      assert.equal(reason(adaptRecord({ instruction: 'x', input: 'y' }, auto)), "field 'output' is missing");
      assert.equal(reason(adaptRecord({ instruction: '', input: '', output: 'y' }, auto)), "field 'instruction' is empty");
      assert.equal(reason(adaptRecord({ instruction: 'x', input: ['a'], output: 'y' }, auto)), "field 'input' is not a string (found an array)");
    });
  });

  describe('flat two-field schemas', () => {
    const cases: Array<[SchemaId, Record<string, string>, string, string]> = [
      ['prompt-completion', { prompt: 'P', completion: 'C' }, 'prompt', 'completion'],
      ['prompt-response', { prompt: 'P', response: 'C' }, 'prompt', 'response'],
      ['question-answer', { question: 'P', answer: 'C' }, 'question', 'answer'],
      ['query-response', { query: 'P', response: 'C' }, 'query', 'response'],
      ['instruction-response', { instruction: 'P', response: 'C' }, 'instruction', 'response'],
    ];
    for (const [id, value, i, r] of cases) {
      it(`detects and adapts ${id}`, () => {
        assert.equal(detectSchema(value), id);
        assert.deepEqual(adaptRecord(value, auto), { ok: true, schema: id, pairs: [{ instruction: 'P', response: 'C', exchange: 0, source: { instruction: i, response: r } }] });
      });
    }
    it('explains a wrong type in a flat schema', () => {
      assert.deepEqual(adaptRecord({ question: 'Q', answer: null }, auto), { ok: false, schema: 'question-answer', reason: "field 'answer' is not a string (found null)" });
    });
  });

  describe('ShareGPT', () => {
    it('takes the first exchange by default, with the system turn apart', () => {
      assert.deepEqual(adaptRecord(conversation, auto), {
        ok: true, schema: 'sharegpt',
        pairs: [{ instruction: 'Q1', response: 'A1', system: 'Be terse.', exchange: 0, source: { instruction: 'conversations[1].value', response: 'conversations[2].value', system: 'conversations[0].value' } }],
      });
    });
    it("takes the last answered exchange with 'last'", () => {
      assert.deepEqual(pairs(adaptRecord(conversation, withPolicy('last'))), [
        { instruction: 'Q2', response: 'A2', system: 'Be terse.', exchange: 1, source: { instruction: 'conversations[3].value', response: 'conversations[4].value', system: 'conversations[0].value' } },
      ]);
    });
    it("takes every exchange with 'all', each with its index", () => {
      const ps = pairs(adaptRecord(conversation, withPolicy('all')));
      assert.deepEqual(ps.map((p) => [p.instruction, p.response, p.exchange]), [['Q1', 'A1', 0], ['Q2', 'A2', 1]]);
    });
    it('accepts every known speaker name, case-insensitively', () => {
      for (const [u, a] of [['human', 'gpt'], ['USER', 'Assistant'], ['Human', 'chatgpt'], ['user', 'bing'], ['user', 'bard']]) {
        const r = adaptRecord({ conversations: [{ from: u, value: 'q' }, { from: a, value: 'a' }] }, auto);
        assert.deepEqual(pairs(r).map((p) => [p.instruction, p.response]), [['q', 'a']], `${u}/${a}`);
      }
    });
    it('joins consecutive turns of one side so no text is lost', () => {
      const r = adaptRecord({ conversations: [{ from: 'human', value: 'part 1' }, { from: 'human', value: 'part 2' }, { from: 'gpt', value: 'reply' }] }, auto);
      assert.deepEqual(pairs(r), [{ instruction: 'part 1\n\npart 2', response: 'reply', exchange: 0, source: { instruction: 'conversations[0].value+conversations[1].value', response: 'conversations[2].value' } }]);
    });
    it('explains conversations that yield no pair', () => {
      assert.equal(reason(adaptRecord({ conversations: [{ from: 'human', value: 'hi' }] }, auto)), 'no assistant turn');
      assert.equal(reason(adaptRecord({ conversations: [{ from: 'gpt', value: 'hi' }] }, auto)), 'no user turn');
      assert.equal(reason(adaptRecord({ conversations: [] }, auto)), "field 'conversations' is empty");
      assert.equal(reason(adaptRecord({ conversations: 'hi' }, auto)), "field 'conversations' is not a list (found a string)");
      assert.equal(reason(adaptRecord({ conversations: [{ from: 'narrator', value: 'x' }] }, auto)), "'conversations[0].from' is 'narrator', not a known speaker (expected human, user, gpt, assistant, chatgpt, bing, bard, system)");
      assert.equal(reason(adaptRecord({ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: 7 }] }, auto)), "field 'conversations[1].value' is not a string (found a number)");
      assert.equal(reason(adaptRecord({ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: '' }] }, auto)), "field 'conversations[1].value' is empty");
    });
  });

  describe('OpenAI chat', () => {
    const chat = {
      messages: [
        { role: 'system', content: 'Sys' },
        { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'a.png' } }, { type: 'text', text: 'here' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: '1' }] },
        { role: 'tool', content: '42' },
        { role: 'assistant', content: 'It is 42.' },
        { role: 'user', content: 'Thanks' },
        { role: 'assistant', content: [{ type: 'text', text: 'Welcome.' }] },
      ],
    };
    it('joins text parts, skips tool traffic and keeps the system message apart', () => {
      assert.deepEqual(adaptRecord(chat, auto), {
        ok: true, schema: 'openai',
        pairs: [{ instruction: 'Look\nhere', response: 'It is 42.', system: 'Sys', exchange: 0, source: { instruction: 'messages[1].content', response: 'messages[4].content', system: 'messages[0].content' } }],
      });
    });
    it('applies the turn policy', () => {
      assert.deepEqual(pairs(adaptRecord(chat, withPolicy('last'))).map((p) => [p.instruction, p.response, p.exchange]), [['Thanks', 'Welcome.', 1]]);
      assert.equal(pairs(adaptRecord(chat, withPolicy('all'))).length, 2);
    });
    it('explains bad messages', () => {
      assert.equal(reason(adaptRecord({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, auto)), "field 'messages[0].content' has no text part");
      assert.equal(reason(adaptRecord({ messages: [{ role: 'robot', content: 'x' }] }, auto)), "'messages[0].role' is 'robot', not a known role (expected system, developer, user, assistant, tool)");
      assert.equal(reason(adaptRecord({ messages: [{ role: 'user', content: 5 }] }, auto)), "field 'messages[0].content' is not a string or a list of text parts (found a number)");
      assert.equal(reason(adaptRecord({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'q' }] }, auto)), 'no assistant turn');
    });
  });

  describe('custom mapping', () => {
    const mapping = { instruction: 'data.turns[0].text', response: 'data.turns[1].text', system: 'meta.sys' };
    const value = { data: { turns: [{ text: 'Ping' }, { text: 'Pong' }] }, meta: { sys: 'S' } };
    it('reads dot paths with array indexes', () => {
      assert.deepEqual(adaptRecord(value, { schema: 'custom', turnPolicy: 'first', mapping }), {
        ok: true, schema: 'custom',
        pairs: [{ instruction: 'Ping', response: 'Pong', system: 'S', exchange: 0, source: { instruction: 'data.turns[0].text', response: 'data.turns[1].text', system: 'meta.sys' } }],
      });
    });
    it('is tried first under auto when set, and auto detection still works for other lines', () => {
      const opts: AdapterOptions = { schema: 'auto', turnPolicy: 'first', mapping: { instruction: 'q', response: 'a' } };
      assert.equal(pairs(adaptRecord({ q: 'x', a: 'y', prompt: 'p', completion: 'c' }, opts))[0].instruction, 'x');
      assert.equal(pairs(adaptRecord({ prompt: 'p', completion: 'c' }, opts))[0].instruction, 'p');
      assert.equal(reason(adaptRecord({ z: 1 }, opts)), "custom mapping: path 'q' not found");
    });
    it('explains a path that is missing, not a string, or malformed', () => {
      const opts = (instruction: string): AdapterOptions => ({ schema: 'custom', turnPolicy: 'first', mapping: { instruction, response: 'data.turns[1].text' } });
      assert.equal(reason(adaptRecord(value, opts('data.a'))), "custom mapping: path 'data.a' not found");
      assert.equal(reason(adaptRecord(value, opts('data.turns[5].text'))), "custom mapping: path 'data.turns[5].text' not found");
      assert.equal(reason(adaptRecord(value, opts('data.turns'))), "custom mapping: path 'data.turns' is not a string (found an array)");
      assert.equal(reason(adaptRecord(value, opts('data..x'))), "custom mapping: path 'data..x' is not a valid path (use dots and [n], e.g. data.turns[0].text)");
      assert.equal(reason(adaptRecord(value, opts('data.constructor'))), "custom mapping: path 'data.constructor' not found");
    });
    it('parses paths', () => {
      assert.deepEqual(parsePath('a.b[0].c'), ['a', 'b', 0, 'c']);
      assert.deepEqual(parsePath('[2][0]'), [2, 0]);
      assert.deepEqual(parsePath('x'), ['x']);
      for (const bad of ['', 'a.', '.a', 'a[', 'a[x]', 'a[0]b']) assert.equal(parsePath(bad), undefined, bad);
    });
  });

  describe('detection and forced schemas', () => {
    it('explains values that are not objects and objects of no known schema', () => {
      assert.deepEqual(adaptRecord([1, 2], auto), { ok: false, reason: 'line is a JSON array, not an object' });
      assert.equal(reason(adaptRecord('text', auto)), 'line is a JSON string, not an object');
      assert.equal(reason(adaptRecord(null, auto)), 'line is null, not an object');
      assert.equal(reason(adaptRecord(3, auto)), 'line is a JSON number, not an object');
      assert.equal(
        reason(adaptRecord({ a: 1, b: 2, c: 3 }, auto)),
        'unrecognised schema: fields a, b, c (expected one of Alpaca {instruction, output}, ShareGPT {conversations}, OpenAI chat {messages}, prompt/completion, prompt/response, question/answer, query/response, instruction/response, or set a custom field mapping)',
      );
    });
    it('applies a forced schema and names the missing field', () => {
      const forced: AdapterOptions = { schema: 'prompt-completion', turnPolicy: 'first' };
      assert.deepEqual(adaptRecord({ instruction: 'a', output: 'b' }, forced), { ok: false, schema: 'prompt-completion', reason: "field 'prompt' is missing" });
      assert.equal(pairs(adaptRecord({ prompt: 'a', completion: 'b' }, forced))[0].response, 'b');
    });
    it('labels every schema and picks the majority with stable ties', () => {
      assert.deepEqual(SCHEMA_IDS.map(schemaLabel), ['Alpaca', 'ShareGPT', 'OpenAI chat', 'prompt/completion', 'prompt/response', 'question/answer', 'query/response', 'instruction/response', 'custom mapping']);
      assert.equal(majoritySchema(new Map([['sharegpt', 3], ['alpaca', 5]])), 'alpaca');
      assert.equal(majoritySchema(new Map([['sharegpt', 2], ['openai', 2]])), 'sharegpt');
      assert.equal(majoritySchema(new Map()), undefined);
    });
  });

  describe('analyseRecord and InspectAccumulator', () => {
    it('summarises the fixtures of each schema', () => {
      const expectations: Array<[string, string, number, number, number]> = [
        // file, schema, non-blank lines, pairs, problems
        ['alpaca.jsonl', 'alpaca', 3, 3, 0],
        ['sharegpt.jsonl', 'sharegpt', 3, 2, 1],
        ['openai.jsonl', 'openai', 2, 2, 0],
        ['blank-lines.jsonl', 'prompt-completion', 2, 2, 0],
        ['trailing-comma.jsonl', 'unknown', 2, 0, 2],
        ['not-pairs.jsonl', 'unknown', 6, 0, 6],
      ];
      for (const [file, schema, lines, pairCount, problems] of expectations) {
        const acc = new InspectAccumulator();
        for (const r of readRecords(fs.readFileSync(fixture(file), 'utf8'))) acc.addAnalysis(analyseRecord(r, auto));
        const s = acc.summary();
        assert.deepEqual([s.schema, s.lines, s.pairs, s.problems, s.errors.length], [schema, lines, pairCount, problems, problems], file);
      }
    });
    it('reports mixed files, file-level problems, and caps the kept messages but not the count', () => {
      const doc = ['{"prompt":"a","completion":"b"}', '{"conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"a"}]}', '{"question":"q","answer":"a"}', '{"x":1,}', '{"y":2,}'].join('\n');
      const acc = new InspectAccumulator({ maxErrors: 1 });
      for (const r of readRecords(doc)) acc.addAnalysis(analyseRecord(r, auto));
      const s = acc.summary();
      assert.equal(s.schema, 'mixed');
      assert.deepEqual(s.schemaCounts, { 'prompt-completion': 1, sharegpt: 1, 'question-answer': 1 });
      assert.equal(describeSchema(s), 'mixed (prompt/completion 1, ShareGPT 1, question/answer 1)');
      assert.deepEqual(s.errors, [{ line: 4, message: "invalid JSON at column 8: trailing comma before '}' (JSON allows no comma after the last item)" }]);
      assert.equal(s.problems, 2);
      const arr = new InspectAccumulator();
      for (const r of readRecords('[\n{"prompt":"a","completion":"b"},\n]')) arr.addAnalysis(analyseRecord(r, auto));
      assert.equal(arr.summary().fileProblem, 'This file looks like a JSON array, not JSON Lines (one JSON object per line).');
    });
    it('gives blank lines no problem and counts every pair under the all policy', () => {
      const [blank] = readRecords('   \n');
      assert.deepEqual(analyseRecord(blank, auto), { record: blank });
      const acc = new InspectAccumulator();
      const [rec] = readRecords(JSON.stringify(conversation));
      acc.addAnalysis(analyseRecord(rec, withPolicy('all')));
      assert.deepEqual([acc.summary().lines, acc.summary().pairs], [1, 2]);
    });
  });
});

describe('ForcedSchemaCheck', () => {
  const check = (text: string, options: AdapterOptions): string | undefined => {
    const c = new ForcedSchemaCheck(options);
    for (const r of readRecords(text)) c.addAnalysis(analyseRecord(r, options));
    return c.problem();
  };
  const alpaca = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `q${i}`, output: `a${i}` })).join('\n') + '\n';

  it('names the schema the file looks like when a forced schema fits no line', () => {
    assert.equal(check(alpaca(197), { schema: 'sharegpt', turnPolicy: 'first' }),
      'no line fits the schema sharegpt; the file looks like alpaca (197 of 197 lines); use --schema alpaca or --schema auto');
  });
  it('counts the majority schema among all non-blank lines (blank lines aside, broken lines in the total)', () => {
    const text = alpaca(3) + '\n{"prompt": "p", "completion": "c"}\n{"broken",}\n';
    assert.equal(check(text, { schema: 'openai', turnPolicy: 'first' }),
      'no line fits the schema openai; the file looks like alpaca (3 of 5 lines); use --schema alpaca or --schema auto');
  });
  it('says so when no line is in any known schema, and names a custom mapping that fits nothing', () => {
    assert.match(check('{"foo": 1}\n{"bar": 2}\n', { schema: 'alpaca', turnPolicy: 'first' })!,
      /^no line fits the schema alpaca, and no line is in a schema SCAR Lens knows; map its fields with --map-instruction and --map-response$/);
    assert.equal(check(alpaca(2), { schema: 'custom', mapping: { instruction: 'data.q', response: 'data.a' }, turnPolicy: 'first' }),
      'no line has the fields of the custom mapping (--map-instruction data.q, --map-response data.a); the file looks like alpaca (2 of 2 lines); use --schema alpaca or --schema auto');
  });
  it('is silent when one line fits, when the schema is auto, and for an empty file', () => {
    assert.equal(check(alpaca(5) + '{"conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]}\n', { schema: 'sharegpt', turnPolicy: 'first' }), undefined);
    assert.equal(check('{"foo": 1}\n', { schema: 'auto', turnPolicy: 'first' }), undefined);
    assert.equal(check('\n  \n', { schema: 'alpaca', turnPolicy: 'first' }), undefined);
  });
});
