import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './log.ts';

const logged = (fields: Record<string, unknown>): Record<string, unknown> => {
  const lines: string[] = [];
  const log = createLogger({ verbosity: 0, write: (l) => lines.push(l), now: () => new Date(0) });
  log.error('failed', fields);
  return JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
};

describe('logger', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  });
  const cases: { name: string; err: unknown; want: unknown }[] = [
    { name: 'plain error', err: new Error('boom'), want: { message: 'boom', name: 'Error' } },
    {
      name: 'the cause chain and errno code say why',
      err: new TypeError('unable to retrieve the list of server APIs', {
        cause: new Error('fetch failed', { cause: refused }),
      }),
      want: {
        message: 'unable to retrieve the list of server APIs',
        name: 'TypeError',
        cause: {
          message: 'fetch failed',
          name: 'Error',
          cause: {
            message: 'connect ECONNREFUSED 127.0.0.1:1',
            name: 'Error',
            code: 'ECONNREFUSED',
          },
        },
      },
    },
    {
      name: 'a non-error cause as is',
      err: new Error('x', { cause: 'why' }),
      want: { message: 'x', name: 'Error', cause: 'why' },
    },
  ];
  it('stops a looping cause chain', () => {
    const a = new Error('a');
    a.cause = new Error('b', { cause: a });
    const depth = (v: unknown): number =>
      typeof v === 'object' && v !== null && 'cause' in v ? 1 + depth(v.cause) : 0;
    assert.equal(depth(logged({ err: a })['err']), 5);
  });

  for (const c of cases) {
    it(`serialises an error: ${c.name}`, () => {
      assert.deepEqual(logged({ err: c.err })['err'], c.want);
    });
  }

  it('redacts secret-looking keys', () => {
    assert.equal(logged({ token: 'abc' })['token'], '[redacted]');
  });
});
