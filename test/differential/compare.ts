/**
 * Comparing upstream's answer with ours for one request: both are normalised for what is expected
 * to differ per run (the serving port in discovery, upstream's random order of discovery items,
 * timestamps taken a moment apart, rate values sampled a moment apart), then every allow-list
 * entry that applies rewrites upstream's answer into what ours answers instead; anything still
 * different is a difference the test fails on.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Probe } from './probes.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Status code, and the body parsed as JSON (or its text, when it is not JSON). */
export interface Answer {
  readonly status: number;
  readonly body: Json;
  /** True when the body was not JSON (then `body` is its trimmed text). */
  readonly text?: boolean;
  /** The body as sent. */
  readonly raw?: string;
  readonly contentType?: string;
}

export const answerOf = (status: number, raw: string, contentType = ''): Answer => {
  try {
    return { status, body: JSON.parse(raw) as Json, raw, contentType };
  } catch {
    return { status, body: raw.trim(), text: true, raw, contentType };
  }
};

const mediaType = (a: Answer): string => (a.contentType ?? '').replace(/\s+/g, '').toLowerCase();

/** A named, documented difference (docs/compatibility.md, "Checked by the differential test"). */
export interface Allowance {
  readonly id: string;
  /** What differs. */
  readonly differs: string;
  /** Why ours differs on purpose. */
  readonly why: string;
  /**
   * `deliberate`: a documented design choice. `found`: first seen by this test and listed in
   * docs/compatibility.md as not yet decided (harmless, but not chosen on purpose).
   */
  readonly kind: 'deliberate' | 'found';
  /** Must be seen in every run (deterministic inputs); otherwise the entry may be stale. */
  readonly always: boolean;
  /**
   * Upstream's answer rewritten into ours when this difference applies (it must check upstream
   * shows the documented behaviour), or undefined when it does not apply.
   */
  readonly rewrite: (probe: Probe, upstream: Answer, ours: Answer) => Answer | undefined;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies `f` to every object in the tree (depth first), returning a new tree. */
export const mapObjects = (
  v: Json,
  f: (o: { [key: string]: Json }) => { [key: string]: Json },
): Json => {
  if (Array.isArray(v)) return v.map((x) => mapObjects(x, f));
  if (!isObject(v)) return v;
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapObjects(x, f);
  return f(out);
};

const byName = (a: Json, b: Json): number => {
  const an = isObject(a) && typeof a['name'] === 'string' ? a['name'] : '';
  const bn = isObject(b) && typeof b['name'] === 'string' ? b['name'] : '';
  return an < bn ? -1 : an > bn ? 1 : 0;
};

/**
 * Normalisation applied to both answers: `serverAddress` `":<port>"` (each adapter's own port)
 * becomes `":<port>"`, and the resources of an APIResourceList are sorted by name (upstream builds
 * them from map iteration, so its order is random run to run).
 */
export const normalise = (a: Answer, port: number): Answer => ({
  ...a,
  body: mapObjects(a.body, (o) => {
    if (o['serverAddress'] === `:${port}`) return { ...o, serverAddress: ':<port>' };
    if (o['kind'] === 'APIResourceList' && Array.isArray(o['resources']))
      return { ...o, resources: [...o['resources']].sort(byName) };
    return o;
  }),
});

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity as a number (undefined when it is not one). */
export const quantity = (s: string): number | undefined => {
  const m = /^([+-]?\d+(?:\.\d+)?)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(s);
  if (m === null) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2]);
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
};

export interface Tolerances {
  /** Timestamps (`timestamp`, `creationTimestamp`) may be this far apart. */
  readonly timeMs: number;
  /** Relative tolerance of quantities in volatile answers. */
  readonly relative: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { timeMs: 15_000, relative: 0.25 };

const TIME_KEYS = new Set(['timestamp', 'creationTimestamp']);
const QUANTITY_KEYS = new Set(['value', 'cpu', 'memory']);

const show = (v: Json | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Within the tolerances: a timestamp, or (in a volatile answer) a quantity. */
const closeEnough = (u: string, o: string, key: string, volatile: boolean, tol: Tolerances) => {
  if (TIME_KEYS.has(key)) {
    const a = Date.parse(u);
    const b = Date.parse(o);
    if (Number.isFinite(a) && Number.isFinite(b)) return Math.abs(a - b) <= tol.timeMs;
  }
  if (volatile && QUANTITY_KEYS.has(key)) {
    const a = quantity(u);
    const b = quantity(o);
    if (a !== undefined && b !== undefined)
      return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-3) <= tol.relative;
  }
  return false;
};

/** Where `upstream` and `ours` differ beyond the tolerances: one line per difference. */
export const differences = (
  upstream: Json | undefined,
  ours: Json | undefined,
  volatile: boolean,
  tol: Tolerances = DEFAULT_TOLERANCES,
): string[] => {
  const walk = (u: Json | undefined, o: Json | undefined, path: string, key: string): string[] => {
    if (typeof u === 'string' && typeof o === 'string' && closeEnough(u, o, key, volatile, tol))
      return [];
    if (Array.isArray(u) && Array.isArray(o)) {
      const out: string[] = [];
      if (u.length !== o.length) out.push(`${path}: ${u.length} items upstream, ${o.length} ours`);
      for (let i = 0; i < Math.min(u.length, o.length); i++)
        out.push(...walk(u[i], o[i], `${path}[${i}]`, key));
      return out;
    }
    if (isObject(u) && isObject(o)) {
      const keys = [...new Set([...Object.keys(u), ...Object.keys(o)])];
      return keys.flatMap((k) => walk(u[k], o[k], `${path}.${k}`, k));
    }
    return isDeepStrictEqual(u, o) ? [] : [`${path}: upstream ${show(u)}, ours ${show(o)}`];
  };
  return walk(upstream, ours, '$', '');
};

export interface Verdict {
  readonly probe: Probe;
  readonly upstream: Answer;
  readonly ours: Answer;
  /** Allow-list entries that changed upstream's answer for this request. */
  readonly allowed: readonly string[];
  /** What still differs (empty: the answers match). */
  readonly diffs: readonly string[];
}

/** Compares one request's answers (already normalised) under the allow-list. */
export const judge = (
  probe: Probe,
  upstream: Answer,
  ours: Answer,
  allowList: readonly Allowance[],
  tol: Tolerances = DEFAULT_TOLERANCES,
): Verdict => {
  let expected = upstream;
  const allowed: string[] = [];
  for (const entry of allowList) {
    const rewritten = entry.rewrite(probe, expected, ours);
    if (rewritten !== undefined && !isDeepStrictEqual(rewritten, expected)) {
      allowed.push(entry.id);
      expected = rewritten;
    }
  }
  const sameText = allowed.length > 0 || !(probe.raw ?? false) || expected.raw === ours.raw;
  const diffs = [
    ...(expected.status === ours.status
      ? []
      : [`status: upstream ${expected.status}, ours ${ours.status}`]),
    ...(mediaType(expected) === mediaType(ours)
      ? []
      : [`content-type: upstream ${mediaType(expected)}, ours ${mediaType(ours)}`]),
    ...(sameText
      ? []
      : [`text: upstream ${JSON.stringify(expected.raw)}, ours ${JSON.stringify(ours.raw)}`]),
    ...differences(expected.body, ours.body, probe.volatile ?? false, tol),
  ];
  return { probe, upstream, ours, allowed, diffs };
};

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** The table of requests and outcomes printed by the test. */
export const table = (verdicts: readonly Verdict[]): string => {
  const rows = verdicts.map((v) => [
    v.probe.id,
    clip(v.probe.path, 100),
    String(v.upstream.status),
    String(v.ours.status),
    v.diffs.length > 0
      ? 'DIFFERENT'
      : v.allowed.length > 0
        ? `allowed: ${v.allowed.join(', ')}`
        : 'same',
  ]);
  const header = ['request', 'path', 'upstream', 'ours', 'outcome'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
};
