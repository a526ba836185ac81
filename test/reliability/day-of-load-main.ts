/**
 * `npm run soak:day`: a day of HPA load in 30 minutes (issue 10, target 6). DAY_HPAS (1000)
 * HPAs over DAY_NAMESPACES (10) namespaces, DAY_SPEEDUP (10) syncs per 15 s, DAY_SECONDS (1800),
 * DAY_WARMUP_S (300), DAY_WINDOW_S (300); DAY_FLAGS are extra adapter flags. Prints one line per
 * sample, the summary as JSON, and exits 1 with the problems when the run failed its targets
 * (any failed request, RSS drift ≥ 5 %, growth of handles, timers or fds).
 */
import { runDay } from './day-of-load.ts';
import { dayProblems, summarize } from './day-stats.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const result = await runDay({
  hpas: env('DAY_HPAS', 1000),
  namespaces: env('DAY_NAMESPACES', 10),
  speedup: env('DAY_SPEEDUP', 10),
  seconds: env('DAY_SECONDS', 1800),
  warmupS: env('DAY_WARMUP_S', 300),
  windowS: env('DAY_WINDOW_S', 300),
  sampleS: 10,
  adapterFlags: (process.env['DAY_FLAGS'] ?? '').split(' ').filter((f) => f !== ''),
  progress: (line) => process.stderr.write(`[day ${new Date().toISOString()}] ${line}\n`),
});
for (const s of result.samples) {
  console.log(
    `t=${s.atS.toFixed(0)}s n=${String(s.requests)} rss=${s.rssMiB.toFixed(1)}MiB heap=${s.heapUsedMiB.toFixed(1)}MiB ` +
      `fds=${String(s.openFds)} handles=${String(s.handles)} timers=${String(s.timers)} ` +
      `lagP99=${s.lagP99Ms.toFixed(1)}ms queries=${String(s.queries)} lists=${String(s.lists)}`,
  );
}
const summary = summarize(result);
console.log(JSON.stringify({ outcomes: result.outcomes, ...summary }, undefined, 2));
const problems = dayProblems(summary);
if (problems.length > 0) console.log(`FAILED: ${problems.join('; ')}`);
process.exitCode = problems.length === 0 ? 0 : 1;
