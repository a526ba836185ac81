import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Explanation } from '../explain/types.ts';
import { runExplain, type ExplainSession } from './explain.ts';
import { parseArgs, type ExplainOptions } from './options.ts';

const parse = (argv: readonly string[]) => {
  const parsed = parseArgs(['explain', ...argv]);
  assert.equal(parsed.command, 'explain');
  return parsed;
};

/** A session whose explanation has the given answer status (the engine is tested in explain/). */
const session = (status: number, calls: string[]): ExplainSession => ({
  explain: (path) => {
    calls.push(`explain ${path}`);
    return Promise.resolve({
      request: {
        path,
        api: 'custom',
        group: 'g',
        version: 'v',
        route: 'r',
        namespace: '',
        resource: '',
        name: '',
        metric: '',
        labelSelector: '',
        metricLabelSelector: '',
      },
      at: '2026-01-01T00:00:00.000Z',
      nearMisses: [],
      didYouMean: [],
      queries: [],
      outcomes: [],
      straySamples: [],
      answer: { status, body: {} },
      verdict: `${status}: because`,
    } satisfies Explanation);
  },
  close: () => {
    calls.push('close');
    return Promise.resolve();
  },
});

const runWith = async (argv: readonly string[], status = 200) => {
  const parsed = parse(argv);
  const io = { out: '', err: '', code: -1 };
  const calls: string[] = [];
  await runExplain(parsed.options, parsed.args, () => Promise.resolve(session(status, calls)), {
    out: (t) => (io.out += t),
    err: (t) => (io.err += t),
    setExitCode: (c) => (io.code = c),
  });
  return { ...io, calls };
};

describe('explain subcommand', () => {
  it('takes the serving flags plus --output and --kubeconfig', () => {
    const { options, args } = parse([
      '--config=c.yaml',
      '--prometheus-url=http://p:9090',
      '--kubeconfig=k',
      '--metrics-relist-interval=30s',
      '--output=json',
      'custom.metrics.k8s.io/v1beta1/pods/a/m',
    ]);
    const want: Partial<ExplainOptions> = {
      configFile: 'c.yaml',
      prometheusUrl: 'http://p:9090',
      kubeconfig: 'k',
      output: 'json',
      metricsRelistIntervalMs: 30_000,
      metricsMaxAgeMs: 30_000,
    };
    for (const [k, v] of Object.entries(want))
      assert.deepEqual(options[k as keyof ExplainOptions], v, k);
    assert.deepEqual(args, ['custom.metrics.k8s.io/v1beta1/pods/a/m']);
  });

  it('prints text, exits 0 on a 200 and 1 otherwise, and closes the session', async () => {
    const ok = await runWith(['p']);
    assert.match(ok.out, /^Verdict {5}200: because$/m);
    assert.equal(ok.code, 0);
    assert.deepEqual(ok.calls, ['explain p', 'close']);
    const notFound = await runWith(['--output=json', 'p'], 404);
    assert.equal((JSON.parse(notFound.out) as Explanation).verdict, '404: because');
    assert.equal(notFound.code, 1);
  });

  it('refuses a bad command line with exit 2 before opening anything', async () => {
    for (const argv of [[], ['a', 'b'], ['--output=yaml', 'p'], ['--prometheus-verb=PUT', 'p']]) {
      const r = await runWith(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.deepEqual(r.calls, []);
      assert.notEqual(r.err, '');
    }
  });
});
