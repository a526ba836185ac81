import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { NameMapping as NameConfig } from '../config/types.ts';
import { compileNameMapping } from './namer.ts';
import { NamingError } from './naming-error.ts';

const QUERY = '{__name__=~"^container_.*"}';
const mapping = (name?: NameConfig) =>
  compileNameMapping(name === undefined ? { seriesQuery: QUERY } : { seriesQuery: QUERY, name });

describe('compileNameMapping', () => {
  const cases: readonly {
    name: string;
    config: NameConfig | undefined;
    series: string;
    want: string | undefined;
  }[] = [
    { name: 'no name section: the series name', config: undefined, series: 'up', want: 'up' },
    { name: 'empty matches and as', config: { matches: '', as: '' }, series: 'up', want: 'up' },
    {
      name: 'one group defaults to $1',
      config: { matches: '^(.*)_total$' },
      series: 'http_requests_total',
      want: 'http_requests',
    },
    {
      name: 'no group defaults to $0',
      config: { matches: '_total$' },
      series: 'http_requests_total',
      want: '_total',
    },
    {
      name: 'container seconds counter (config-gen rule 1)',
      config: { matches: '^container_(.*)_seconds_total$' },
      series: 'container_cpu_usage_seconds_total',
      want: 'cpu_usage',
    },
    {
      name: '${1}_per_second',
      config: { matches: '^(.*)_total$', as: '${1}_per_second' },
      series: 'http_requests_total',
      want: 'http_requests_per_second',
    },
    {
      name: '$1_per_second is a group named 1_per_second',
      config: { matches: '^(.*)_total$', as: '$1_per_second' },
      series: 'http_requests_total',
      want: '',
    },
    {
      name: '$$ is a dollar',
      config: { matches: '^(.*)_total$', as: '$$_$1' },
      series: 'a_total',
      want: '$_a',
    },
    {
      name: 'named groups',
      config: { matches: '^(?P<base>.*)_(?P<unit>[a-z]+)_total$', as: '${unit}_of_${base}' },
      series: 'disk_bytes_total',
      want: 'bytes_of_disk',
    },
    {
      name: '$0y names a group "0y"',
      config: { matches: 'req', as: 'x$0y' },
      series: 'req',
      want: 'x',
    },
    {
      name: 'only the match expansion, leftmost',
      config: { matches: 'req', as: 'x${0}y' },
      series: 'http_requests_requests',
      want: 'xreqy',
    },
    { name: 'no match', config: { matches: '^(.*)_total$' }, series: 'up', want: undefined },
    {
      name: 'unknown group expands to empty',
      config: { matches: '^(a)(b)?$', as: '[$2][$3][$x]' },
      series: 'a',
      want: '[][][]',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(mapping(c.config).metricNameFor(c.series), c.want);
    });
  }

  it('reports the effective matches and as', () => {
    assert.deepEqual({ ...mapping(undefined) }.as, '$0');
    const m = mapping({ matches: '^(.*)_total$' });
    assert.equal(m.matches, '^(.*)_total$');
    assert.equal(m.as, '$1');
    assert.equal(mapping({}).matches, '.*');
  });

  const errors: readonly { name: string; config: NameConfig; message: string }[] = [
    {
      name: 'two groups and no as',
      config: { matches: '^(.*)_(.*)$' },
      message: `must specify an 'as' value for name matcher "^(.*)_(.*)$" associated with series query "{__name__=~\\"^container_.*\\"}"`,
    },
    {
      name: 'bad regex',
      config: { matches: 'a{2,1}' },
      message:
        'unable to compile series name match expression "a{2,1}" associated with series query "{__name__=~\\"^container_.*\\"}": error parsing regexp: invalid repeat count: `{2,1}`',
    },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      assert.throws(
        () => mapping(c.config),
        (err: unknown) => err instanceof NamingError && err.message === c.message,
      );
    });
  }
});
