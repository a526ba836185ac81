import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coalescedQueries } from './coalesced.ts';
import type { QueryResult } from '../prometheus/types.ts';

describe('coalesced queries', () => {
  it('runs identical PromQL of the same second once, at the whole second', async () => {
    const asked: [string, number][] = [];
    const shared: boolean[] = [];
    const client = coalescedQueries(
      {
        query: (q, t) => {
          asked.push([q, t]);
          return Promise.resolve<QueryResult>({ type: 'scalar', timestamp: t, value: 1 });
        },
      },
      1000,
      (s) => shared.push(s),
    );
    const results = await Promise.all([
      client.query('up', 100.2),
      client.query('up', 100.9),
      client.query('down', 100.5),
      client.query('up', 101.1),
    ]);
    assert.deepEqual(asked, [
      ['up', 100],
      ['down', 100],
      ['up', 101],
    ]);
    assert.deepEqual(shared, [false, true, false, false]);
    assert.equal(results[0], results[1]);
  });
});
