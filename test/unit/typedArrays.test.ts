import * as assert from 'node:assert/strict';
import { grownTo } from '../../src/core/typedArrays';

describe('typed arrays: grownTo', () => {
  it('keeps the kind and the values, zero-fills the rest, and never shrinks', () => {
    const a = Int32Array.from([3, -1, 7]);
    const b = grownTo(a, 6);
    assert.ok(b instanceof Int32Array);
    assert.deepEqual(Array.from(b), [3, -1, 7, 0, 0, 0]);
    const f = grownTo(Float64Array.from([0.5]), 2);
    assert.ok(f instanceof Float64Array);
    assert.deepEqual(Array.from(f), [0.5, 0]);
    assert.deepEqual(Array.from(grownTo(Uint32Array.from([4294967295, 1]), 1)), [4294967295, 1]);
  });
});
