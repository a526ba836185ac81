import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DiscoveryRule } from '../config/types.ts';
import { NamingError } from './naming-error.ts';
import { compileSeriesFilter } from './series-filter.ts';

const NAMES = [
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'http_requests_total',
  'http_request_duration_seconds_total',
  'up',
];

const rule = (extra: Partial<DiscoveryRule>): DiscoveryRule => ({
  seriesQuery: '{__name__=~".+"}',
  ...extra,
});

describe('compileSeriesFilter', () => {
  const cases: readonly { name: string; rule: DiscoveryRule; kept: readonly string[] }[] = [
    { name: 'no filters keeps everything', rule: rule({}), kept: NAMES },
    {
      name: 'is (unanchored)',
      rule: rule({ seriesFilters: [{ is: 'requests' }] }),
      kept: ['http_requests_total'],
    },
    {
      name: 'isNot',
      rule: rule({ seriesFilters: [{ isNot: '^container_' }] }),
      kept: ['http_requests_total', 'http_request_duration_seconds_total', 'up'],
    },
    {
      name: 'all filters must pass, in order',
      rule: rule({ seriesFilters: [{ is: '_total$' }, { isNot: '_seconds_total$' }] }),
      kept: ['http_requests_total'],
    },
    {
      name: 'config-gen rule 5: isNot without $',
      rule: rule({
        seriesFilters: [{ isNot: '.*_seconds_total' }],
        name: { matches: '^(.*)_total$' },
      }),
      kept: ['http_requests_total'],
    },
    {
      name: 'implicit is from name.matches',
      rule: rule({ name: { matches: '^container_(.*)$' } }),
      kept: ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
    },
    {
      name: 'empty name.matches adds no filter',
      rule: rule({ seriesFilters: [{ isNot: '_total$' }], name: { matches: '', as: '' } }),
      kept: ['container_memory_working_set_bytes', 'up'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const keep = compileSeriesFilter(c.rule);
      assert.deepEqual(NAMES.filter(keep), c.kept);
    });
  }

  const q =
    'unable to generate series name filter associated with series query "{__name__=~\\".+\\"}"';
  const errors: readonly { name: string; rule: DiscoveryRule; message: string }[] = [
    {
      name: 'both is and isNot',
      rule: rule({ seriesFilters: [{ is: 'a', isNot: 'b' }] }),
      message: `${q}: cannot have both an \`is\` ("a") and \`isNot\` ("b") expression in a single filter`,
    },
    {
      name: 'neither is nor isNot',
      rule: rule({ seriesFilters: [{}] }),
      message: `${q}: must have either an \`is\` or \`isNot\` expression in a filter`,
    },
    {
      name: 'empty strings count as unset',
      rule: rule({ seriesFilters: [{ is: '', isNot: '' }] }),
      message: `${q}: must have either an \`is\` or \`isNot\` expression in a filter`,
    },
    {
      name: 'bad regex',
      rule: rule({ seriesFilters: [{ is: '(a' }] }),
      message: `${q}: unable to compile series filter "(a": error parsing regexp: missing closing ): \`(a\``,
    },
    {
      name: 'bad name.matches',
      rule: rule({ name: { matches: 'a(?=b)' } }),
      message:
        'unable to generate series name filter from name rules associated with series query "{__name__=~\\".+\\"}": unable to compile series filter "a(?=b)": RE2 does not support lookahead (?=…) in "a(?=b)"',
    },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      assert.throws(
        () => compileSeriesFilter(c.rule),
        (err: unknown) => err instanceof NamingError && err.message === c.message,
      );
    });
  }
});
