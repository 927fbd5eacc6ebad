import * as assert from 'node:assert/strict';
import { emptyResponseField } from '../../src/core/emptyResponse';
import { adaptRecord, DEFAULT_ADAPTER_OPTIONS } from '../../src/core/schema';
import type { AdapterOptions } from '../../src/core/types';

function check(value: unknown, options: AdapterOptions = DEFAULT_ADAPTER_OPTIONS): string | undefined {
  const r = adaptRecord(value, options);
  assert.equal(r.ok, false, 'the fixture must yield no pair');
  return emptyResponseField(value, (r as { reason: string }).reason, options);
}

describe('emptyResponseField', () => {
  it('finds an empty response in each schema', () => {
    assert.equal(check({ instruction: 'Name a prime.', input: '', output: '  ' }), 'output');
    assert.equal(check({ conversations: [{ from: 'human', value: 'Hi?' }, { from: 'gpt', value: '' }] }), 'conversations[1].value');
    assert.equal(check({ messages: [{ role: 'user', content: 'Hi?' }, { role: 'assistant', content: '\n' }] }), 'messages[1].content');
    assert.equal(check({ prompt: 'Hi?', completion: '' }), 'completion');
    assert.equal(check({ question: 'Why?', answer: '' }), 'answer');
    const custom: AdapterOptions = { schema: 'custom', turnPolicy: 'first', mapping: { instruction: 'data.q', response: 'data.a' } };
    assert.equal(check({ data: { q: 'Why?', a: ' ' } }, custom), 'data.a');
  });

  it('does not call an empty instruction, or another problem, an empty response', () => {
    assert.equal(check({ instruction: '', input: '', output: 'A reply.' }), undefined);
    assert.equal(check({ conversations: [{ from: 'human', value: ' ' }, { from: 'gpt', value: 'Hello.' }] }), undefined);
    assert.equal(check({ instruction: 'Hi?' }), undefined);
    assert.equal(check({ conversations: [{ from: 'human', value: 'Hi?' }] }), undefined);
    assert.equal(emptyResponseField('a string', "field 'output' is empty", DEFAULT_ADAPTER_OPTIONS), undefined);
  });
});
