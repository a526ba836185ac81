import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigWithPositions } from '../config/load.ts';
import { contentHash, type FileRead } from '../config/config-watch.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { createLogger } from '../log.ts';
import { compileState } from '../rules/rules-state.ts';
import { createConfigReloader } from './config-reload.ts';
import { createLiveState, type AppBuilder } from './live-state.ts';

const FILE = '/etc/adapter/config.yaml';
const GOOD = `rules:
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  resources: {template: <<.Resource>>}
  name: {matches: ^(.*)_total$, as: $1}
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)
`;
const TWO_RULES = `${GOOD}- seriesQuery: 'queue_depth{namespace!="",pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
`;

/** The app is not what this test is about: each snapshot's app says how many rules it has. */
const builder: AppBuilder = ({ state }) => ({
  app: {
    handle: () => Promise.resolve({ status: 200, headers: {}, body: String(state.rules.length) }),
  },
  apis: state.rules.length > 0 ? ['custom.metrics.k8s.io'] : [],
});

const setup = (checkConfig: (c: unknown) => readonly string[] = () => []) => {
  const loaded = loadConfigWithPositions(GOOD, FILE);
  const live = createLiveState(
    { loaded, state: compileState(loaded, builtinResourceMap()) },
    builder,
    () => 1000,
  );
  const lines: Record<string, unknown>[] = [];
  const records: boolean[] = [];
  let applied = 0;
  const reloader = createConfigReloader({
    file: FILE,
    live,
    stateOptions: {},
    checkConfig,
    applied: () => {
      applied++;
    },
    record: (ok) => records.push(ok),
    logger: createLogger({
      verbosity: 0,
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    now: () => 2000,
  });
  return { live, reloader, lines, records, applied: () => applied };
};

const text = (t: string): FileRead => ({ ok: true, text: t, hash: contentHash(t) });

describe('config reload', () => {
  it('a good config replaces the served one whole and triggers a relist', async () => {
    const s = setup();
    const before = s.live.current();
    s.reloader.apply(text(TWO_RULES), 'file changed');
    const now = s.live.current();
    assert.notEqual(now, before);
    assert.equal(now.generation, 2);
    assert.equal(now.state.rules.length, 2);
    assert.equal((await s.live.app.handle({ method: 'GET', path: '/', headers: {} })).body, '2');
    assert.equal(s.applied(), 1);
    assert.deepEqual(s.records, [true]);
    assert.deepEqual(s.reloader.last(), {
      ok: true,
      at: 2000,
      reason: 'file changed',
      problems: [],
    });
  });

  const bad = [
    {
      name: 'schema and rule problems, all at once, positioned',
      config: `${GOOD}- seriesQuery: up\n  bogus: 1\n- seriesQuery: up\n  resources: {overrides: {pod: {resource: nosuchthings}}}\n`,
      want: [/config\.yaml:7:\d+: rules\[1\]\.bogus/, /config\.yaml:9:\d+: rules\[2\]/],
    },
    { name: 'YAML syntax', config: 'rules: [\n', want: [/config\.yaml:\d+:\d+: invalid YAML/] },
    {
      name: 'an option check that needs the config',
      config: GOOD,
      check: () => ['--metrics-max-age must be at least --metrics-relist-interval'],
      want: [/config\.yaml:1:1: --metrics-max-age/],
    },
  ];
  for (const c of bad) {
    it(`a rejected config (${c.name}) changes nothing and says why`, () => {
      const s = setup(c.check);
      const before = s.live.current();
      s.reloader.apply(text(c.config), 'SIGHUP');
      assert.equal(s.live.current(), before, 'the same snapshot is served');
      assert.equal(s.applied(), 0);
      assert.deepEqual(s.records, [false]);
      const last = s.reloader.last();
      assert.equal(last?.ok, false);
      const logged = s.lines.find(
        (l) => l['msg'] === 'config reload failed; still serving the last good config',
      );
      assert.ok(logged, JSON.stringify(s.lines));
      const problems = logged['problems'] as string[];
      assert.equal(problems.length, last?.problems.length);
      for (const re of c.want)
        assert.ok(
          problems.some((p) => re.test(p)),
          `${re} in ${problems.join('\n')}`,
        );
    });
  }

  it('an unreadable file keeps the last good config and reports it', () => {
    const s = setup();
    const before = s.live.current();
    s.reloader.apply({ ok: false, error: 'ENOENT: no such file or directory' }, 'file changed');
    assert.equal(s.live.current(), before);
    assert.deepEqual(s.records, [false]);
    assert.match(s.reloader.last()?.error ?? '', /cannot read .*config\.yaml: ENOENT/);
    s.reloader.apply(text(GOOD), 'file changed');
    assert.equal(s.live.current().generation, 2, 'the file back: reloaded');
    assert.deepEqual(s.records, [false, true]);
  });

  it('a resource-map refresh keeps the config, its generation and load time', () => {
    const s = setup();
    const before = s.live.current();
    const next = s.live.refresh(compileState(before.loaded, builtinResourceMap()));
    assert.notEqual(next, before);
    assert.equal(next.loaded, before.loaded);
    assert.equal(next.generation, 1);
    assert.equal(next.loadedAt, before.loadedAt);
  });
});
