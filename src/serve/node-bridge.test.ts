import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headersOf, newHeaderRecord, type NodeRequest } from './node-bridge.ts';

const requestWith = (rawHeaders: string[]): NodeRequest =>
  ({ rawHeaders }) as unknown as NodeRequest;

describe('headersOf', () => {
  it('lowercases names, keeps repeated lines apart and drops HTTP/2 pseudo-headers', () => {
    const headers = headersOf(
      requestWith([':path', '/x', 'Accept', 'a', 'X-Remote-Group', 'g1', 'x-remote-group', 'g2']),
    );
    assert.deepEqual(Object.entries(headers), [
      ['accept', 'a'],
      ['x-remote-group', ['g1', 'g2']],
    ]);
  });
  it('inherits nothing: __proto__ and constructor are plain keys, absent names undefined', () => {
    const headers = headersOf(requestWith(['__proto__', 'p', 'Constructor', 'c']));
    assert.deepEqual(Object.keys(headers), ['__proto__', 'constructor']);
    assert.equal(headers['__proto__'], 'p');
    assert.equal(headers['constructor'], 'c');
    assert.equal('toString' in headersOf(requestWith([])), false);
  });
});

describe('newHeaderRecord', () => {
  it('is empty and has no inherited properties', () => {
    const record = newHeaderRecord<string>();
    assert.deepEqual(Object.keys(record), []);
    assert.equal('hasOwnProperty' in record, false);
    record['__proto__'] = 'x';
    assert.deepEqual(Object.keys(record), ['__proto__']);
  });
});
