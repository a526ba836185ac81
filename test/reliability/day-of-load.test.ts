/**
 * The short variant of `npm run soak:day` (day-of-load-main.ts): 100 HPAs at 10× the controller's
 * rate for 40 s, judged like the long run but over 10 s windows: every request served, RSS and
 * handles steady after warm-up. The figures of the 30-minute run are in docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDay } from './day-of-load.ts';
import { dayProblems, summarize } from './day-stats.ts';

test('a day of load, short: 100 HPAs at 10× for 40 s', { timeout: 240_000 }, async () => {
  const result = await runDay({
    hpas: 100,
    namespaces: 4,
    speedup: 10,
    seconds: 40,
    warmupS: 15,
    windowS: 10,
    sampleS: 5,
    adapterFlags: [],
  });
  const summary = summarize(result);
  const detail = JSON.stringify({ outcomes: result.outcomes, ...summary });
  // 100 HPAs every 1.5 s for 40 s: about 2,670 requests.
  assert.ok(summary.requests > 2000, detail);
  assert.ok(
    result.samples.every((s) => s.openFds > 0 && s.handles > 0),
    detail,
  );
  // A short run's RSS still settles, so only failures and leaks are judged here.
  assert.deepEqual(
    dayProblems(summary).filter((p) => !p.startsWith('RSS drift')),
    [],
    detail,
  );
});
