import assert from 'node:assert/strict';
import { it } from 'node:test';
import { metricWarnings } from './hpa-reads.ts';

it('metricWarnings keeps every warning about metrics and drops the controller’s write conflicts', () => {
  const cases: [string[], string[]][] = [
    [[], []],
    [['2026-12-05T01:14:56Z FailedUpdateStatus Operation cannot be fulfilled on hpa'], []],
    [
      [
        '2026-12-05T01:14:56Z FailedGetPodsMetric unable to get metric http_requests',
        '2026-12-05T01:14:57Z FailedUpdateStatus Operation cannot be fulfilled on hpa',
        '2026-12-05T01:14:58Z FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1)',
        '2026-12-05T01:14:59Z FailedRescale New size: 5; reason: error',
      ],
      [
        '2026-12-05T01:14:56Z FailedGetPodsMetric unable to get metric http_requests',
        '2026-12-05T01:14:58Z FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1)',
        '2026-12-05T01:14:59Z FailedRescale New size: 5; reason: error',
      ],
    ],
    // A message that merely mentions the reason is not that reason.
    [
      ['2026-12-05T01:15:00Z FailedGetPodsMetric FailedUpdateStatus in message'],
      ['2026-12-05T01:15:00Z FailedGetPodsMetric FailedUpdateStatus in message'],
    ],
  ];
  for (const [lines, want] of cases) assert.deepEqual(metricWarnings(lines), want);
});
