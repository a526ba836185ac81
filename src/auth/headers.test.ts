import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { distinctHeaders, firstValue, valuesOf } from './headers.ts';

describe('distinctHeaders', () => {
  it('keeps every header line as its own value under a lowercase name', () => {
    const headers = distinctHeaders([
      'X-Remote-Group',
      'a, b',
      'x-remote-group',
      'c',
      'X-Remote-User',
      'alice',
      'dangling',
    ]);
    assert.deepEqual(
      { ...headers },
      { 'x-remote-group': ['a, b', 'c'], 'x-remote-user': ['alice'] },
    );
    assert.deepEqual(valuesOf(headers, 'x-remote-group'), ['a, b', 'c']);
    assert.equal(firstValue(headers, 'x-remote-user'), 'alice');
    assert.equal(firstValue(headers, 'missing'), undefined);
    assert.deepEqual(valuesOf({ a: 'one' }, 'a'), ['one']);
  });
});
