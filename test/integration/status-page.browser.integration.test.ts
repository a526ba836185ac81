/**
 * The /status page in a real browser (Debian's chromium, headless, driven by playwright-core) on
 * the built adapter (real Prometheus, fake kube API). The browser authenticates with a bearer
 * token that the fake kube API's TokenReview accepts, and the SubjectAccessReview allows only that
 * user, so the page is behind the same delegated authn/authz as /metrics. It checks that the rules
 * table renders with each rule's file:line, that a rule whose query finds nothing is red with its
 * reason, and that after a broken reload the rejected config's problems are shown in red.
 */
import { existsSync } from 'node:fs';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { configMapVolume, type ConfigMapVolume } from '../support/configmap-volume.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { startAdapter, startHarness, type Harness, type RunningAdapter } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'operator-token';
const RED = 'rgb(176, 0, 32)';

const CONFIG = `rules:
- seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
  resources: {template: <<.Resource>>}
  name: {matches: ^(.*)_total$, as: $1}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
- seriesQuery: 'no_such_series_anywhere{namespace!="",pod!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
`;
/**
 * page.goto, again when Chromium abandoned the navigation because the host's network changed
 * (another suite creating or deleting a cluster bridge fires its netlink watcher): that says
 * nothing about the page.
 */
const goto = async (p: Page, target: string) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await p.goto(target);
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('ERR_NETWORK_CHANGED')) throw err;
    }
  }
};

const BROKEN = `${CONFIG}- seriesQuery: up\n  metricsQeury: typo\n`;

/** Only `operator` (the holder of TOKEN) may do anything but the always-allowed health checks. */
const operatorOnly = (h: Harness): void => {
  h.kube.route('/apis/authentication.k8s.io/v1/tokenreviews', (req, res) => {
    const review = JSON.parse(req.body) as { spec: { token: string } };
    const ok = review.spec.token === TOKEN;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...review,
        status: ok
          ? {
              authenticated: true,
              user: { username: 'operator', groups: ['system:authenticated'] },
            }
          : { authenticated: false, error: 'unknown token' },
      }),
    );
  });
  h.kube.route('/apis/authorization.k8s.io/v1/subjectaccessreviews', (req, res) => {
    const review = JSON.parse(req.body) as { spec: { user?: string } };
    const allowed = review.spec.user === 'operator';
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...review, status: { allowed, reason: allowed ? 'operator' : '' } }));
  });
};

interface Shown {
  readonly cells: readonly string[];
  readonly color: string;
}

/**
 * Runs in the page (as source text: the test is compiled without the DOM library): `selector`'s
 * matches, each with its cells' text (or its own) and the computed colour of its first cell.
 */
const shownScript = (
  selector: string,
): string => `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => {
  const cells = [...e.querySelectorAll('td')].map((td) => td.textContent);
  return { cells: cells.length > 0 ? cells : [e.textContent], color: getComputedStyle(e.querySelector('td') ?? e).color };
})`;

const shown = async (page: Page, selector: string): Promise<Shown[]> =>
  page.evaluate<Shown[]>(shownScript(selector));

/** The rows of the rules table (the table after the "Rules (n)" heading). */
const ruleRows = async (page: Page): Promise<Shown[]> => {
  const index = await page.evaluate<number>(
    `[...document.querySelectorAll('h2')].findIndex((h) => h.textContent.startsWith('Rules'))`,
  );
  return shown(page, `h2:nth-of-type(${index + 1}) + table tbody tr`);
};

describe(
  '/status in a browser',
  {
    timeout: 120_000,
    skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (scripts/ensure-deps.sh installs it)`,
  },
  () => {
    let h: Harness | undefined;
    let adapter: RunningAdapter | undefined;
    let volume: ConfigMapVolume | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    before(async () => {
      h = await startHarness(1);
      operatorOnly(h);
      volume = await configMapVolume('config.yaml', h.dir);
      await volume.publish(CONFIG);
      adapter = await startAdapter({ dir: h.dir, prometheusUrl: h.proxy.url }, [
        `--config=${volume.file}`,
      ]);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
      });
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await adapter?.stop();
      await h?.stop();
    });
    const url = () => `https://127.0.0.1:${adapter!.port}/status`;

    it('is refused without credentials, as /metrics is', async () => {
      assert.equal((await adapter!.get('/status')).status, 403);
      assert.equal((await adapter!.get('/metrics')).status, 403);
      const bad = await adapter!.get('/status', { authorization: 'Bearer wrong' });
      assert.equal(bad.status, 401);
    });

    it('shows every rule with file:line; a rule that finds no series is red with its reason', async () => {
      const p = page!;
      const rows = polled(
        await pollUntil(
          async () => {
            const res = await goto(p, url());
            assert.equal(res?.status(), 200);
            return ruleRows(p);
          },
          (r) => r.length === 2 && (r[0]?.cells[6] ?? '0') !== '0' && (r[1]?.cells[7] ?? '') !== '',
          { timeoutMs: 30_000, intervalMs: 500 },
        ),
        'rules relisted',
      );
      const [good, broken] = rows;
      assert.equal(good?.cells[1], 'rules[0]');
      assert.match(good?.cells[3] ?? '', /config\.yaml:2$/);
      assert.notEqual(good?.color, RED);
      assert.equal(good?.cells[7], '');
      assert.equal(broken?.cells[1], 'rules[1]');
      assert.match(broken?.cells[3] ?? '', /config\.yaml:6$/);
      assert.equal(broken?.color, RED);
      assert.match(broken?.cells[7] ?? '', /found no series in the last relist window/);
      assert.equal(await p.title(), 'prometheus-adapter status');
    });

    it('after a broken reload, shows the rejected config’s problems in red', async () => {
      const p = page!;
      await volume!.publish(BROKEN);
      const problems = polled(
        await pollUntil(
          async () => {
            await goto(p, url());
            const items = await shown(p, 'ul.bad li');
            return items.map((x) => ({ text: x.cells[0] ?? '', color: x.color }));
          },
          (items) => items.length > 0,
          { timeoutMs: 15_000, intervalMs: 300 },
        ),
        'reload problems shown',
      );
      assert.ok(
        problems.some((x) => /config\.yaml:10:\d+: rules\[2\]\.metricsQeury: /.test(x.text)),
        JSON.stringify(problems),
      );
      assert.ok(problems.every((x) => x.color === RED));
      assert.equal((await ruleRows(p)).length, 2, 'still the old config’s two rules');
      const json = await goto(p, `${url()}?format=json`);
      const body = (await json?.json()) as { config: { lastReload: { ok: boolean } } };
      assert.equal(body.config.lastReload.ok, false);
    });
  },
);
