import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatusHtml } from './render-html.ts';
import { statusAnswer, wantsJson } from './status-reply.ts';
import type { StatusSnapshot } from './status-snapshot.ts';

const snapshot = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
  generatedAt: Date.UTC(2026, 11, 4, 18, 0, 0),
  version: 'v0.12.0',
  config: {
    source: '/etc/adapter/config.yaml',
    loadedAt: Date.UTC(2026, 11, 4, 17, 0, 0),
    generation: 1,
    lastReload: undefined,
    warnings: [],
  },
  rules: [
    {
      index: 0,
      kind: 'custom',
      name: 'rules[0]',
      location: '/etc/adapter/config.yaml:2',
      seriesQuery: 'http_requests_total{pod!=""}',
      seriesFound: 3,
      metricsProduced: 1,
    },
    {
      index: 1,
      kind: 'external',
      name: 'externalRules[0]',
      location: '/etc/adapter/config.yaml:9',
      seriesQuery: 'queue{a="<b>"}',
      seriesFound: undefined,
      metricsProduced: 0,
      error: 'series query failed: bad_data: parse error near "<"',
    },
  ],
  counts: { series: 3, customMetrics: 3, externalMetrics: 0 },
  relist: {
    lastRunAt: 1,
    lastSuccessAt: 1,
    queries: 2,
    failing: ['queue{a="<b>"}'],
    lastError: 'x',
  },
  backends: [
    {
      backend: 'default',
      url: 'http://prometheus:9090/',
      healthy: false,
      detail: '1 of 2 failing',
    },
  ],
  apis: ['custom.metrics.k8s.io'],
  readiness: [{ name: 'metrics-relist', ok: true }],
  ...over,
});

/** The `<tr>` elements of the page's rules table. */
const ruleRows = (html: string): string[] => {
  const rules = html.slice(html.indexOf('<h2>Rules'), html.indexOf('<h2>Relist'));
  return [...rules.matchAll(/<tr(?: class="bad")?><td>.*?<\/tr>/gs)].map((m) => m[0]);
};

describe('status page HTML', () => {
  it('lists every rule with its place, counts and, in red, why a broken rule serves nothing', () => {
    const rows = ruleRows(renderStatusHtml(snapshot()));
    assert.equal(rows.length, 2);
    assert.match(
      rows[0] ?? '',
      /^<tr><td>0<\/td><td>rules\[0\]<\/td>.*config\.yaml:2.*<td>3<\/td><td>1<\/td><td><\/td><\/tr>$/s,
    );
    assert.match(
      rows[1] ?? '',
      /^<tr class="bad">.*series query failed: bad_data: parse error near &quot;&lt;&quot;/s,
    );
  });

  it('escapes everything that comes from config, Prometheus or the file system', () => {
    const html = renderStatusHtml(
      snapshot({
        rules: [
          {
            index: 0,
            kind: 'custom',
            name: 'rules[0]',
            location: '<script>alert(1)</script>:1',
            seriesQuery: `x{a='"><img src=x onerror=alert(1)>'}`,
            seriesFound: 0,
            metricsProduced: 0,
            error: '<b>&amp;</b>',
          },
        ],
      }),
    );
    assert.ok(!html.includes('<script>'), 'no script element');
    assert.ok(!html.includes('<img'), 'no injected element');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;:1'));
    assert.ok(html.includes('&lt;b&gt;&amp;amp;&lt;/b&gt;'));
    assert.ok(html.includes('x{a=&#39;&quot;&gt;&lt;img'));
  });

  const reloads = [
    {
      name: 'none yet',
      lastReload: undefined,
      want: /No reload attempted since start\./,
      bad: false,
    },
    {
      name: 'applied',
      lastReload: { at: 5, ok: true, reason: 'SIGHUP', problems: [] },
      want: /Last reload \(SIGHUP\).*<span class="ok">applied<\/span>/,
      bad: false,
    },
    {
      name: 'rejected, with every problem',
      lastReload: {
        at: 5,
        ok: false,
        reason: 'file changed',
        problems: [
          {
            file: 'c.yaml',
            line: 7,
            col: 3,
            path: 'rules[1].bogus',
            message: 'field bogus not found',
          },
          { file: 'c.yaml', line: 9, col: 5, path: '', message: 'second' },
        ],
      },
      want: /<ul class="bad"><li>c\.yaml:7:3: rules\[1\]\.bogus: field bogus not found<\/li><li>c\.yaml:9:5: second<\/li><\/ul>/,
      bad: true,
    },
    {
      name: 'unreadable',
      lastReload: {
        at: 5,
        ok: false,
        reason: 'file changed',
        problems: [],
        error: 'cannot read c.yaml: ENOENT',
      },
      want: /<span class="bad">failed: cannot read c\.yaml: ENOENT<\/span>/,
      bad: true,
    },
  ];
  for (const r of reloads) {
    it(`shows the last reload: ${r.name}`, () => {
      const base = snapshot();
      const html = renderStatusHtml(
        snapshot({ config: { ...base.config, lastReload: r.lastReload } }),
      );
      assert.match(html, r.want);
      const section = html.slice(html.indexOf('<h2>Configuration'), html.indexOf('<h2>Rules'));
      assert.equal(section.includes('class="bad"'), r.bad);
    });
  }

  it('is a whole document with no script', () => {
    const html = renderStatusHtml(snapshot());
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<\/body><\/html>$/);
    assert.ok(!/<script/i.test(html));
  });
});

describe('status reply', () => {
  const formats: readonly [string | null, string | undefined, boolean][] = [
    [null, undefined, false],
    ['json', undefined, true],
    ['json', 'text/html', true],
    ['html', 'application/json', false],
    [null, 'application/json', true],
    [null, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    [null, 'text/html, application/json', false],
    [null, 'application/json;q=1, text/html', true],
  ];
  for (const [format, accept, json] of formats) {
    it(`format=${String(format)} accept=${String(accept)} → ${json ? 'JSON' : 'HTML'}`, () => {
      assert.equal(wantsJson(format, accept), json);
    });
  }

  it('the JSON is the snapshot itself', () => {
    const s = snapshot();
    const answer = statusAnswer(s, true);
    assert.equal(answer.contentType, 'application/json');
    assert.deepEqual(JSON.parse(answer.body), JSON.parse(JSON.stringify(s)));
    assert.equal(statusAnswer(s, false).contentType, 'text/html; charset=utf-8');
  });
});
