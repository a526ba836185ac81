import { PrometheusError } from './errors.ts';
import type { QueryResult, Sample } from './types.ts';

type Json = Readonly<Record<string, unknown>>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (detail: string): PrometheusError => new PrometheusError('bad_response', detail);

/** Status codes after which Prometheus still sends its JSON envelope. */
export const hasEnvelope = (status: number): boolean =>
  (status >= 200 && status < 300) || status === 400 || status === 422 || status === 503;

/**
 * Unwraps `{status, data, errorType, error}` from a response body whose status passed
 * `hasEnvelope`. Throws PrometheusError `bad_response` for an undecodable body and
 * `<errorType>: <error>` when `status` is `error`; returns `data` otherwise.
 */
export const decodeEnvelope = (body: string): unknown => {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new PrometheusError('bad_response', err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }
  if (!isJson(doc)) throw bad('response is not a JSON object');
  if (doc['status'] === 'error') {
    const type = typeof doc['errorType'] === 'string' ? doc['errorType'] : '';
    throw new PrometheusError(type, typeof doc['error'] === 'string' ? doc['error'] : '');
  }
  return doc['data'];
};

const labelsOf = (v: unknown, what: string): Record<string, string> => {
  if (!isJson(v)) throw bad(`${what}: expected a label set`);
  for (const value of Object.values(v)) {
    if (typeof value !== 'string') throw bad(`${what}: label values must be strings`);
  }
  return v as Record<string, string>;
};

/** Go strconv.ParseFloat as used by model.SampleValue: decimals, `NaN`, `±Inf`. */
export const parseSampleValue = (text: unknown): number => {
  if (typeof text !== 'string') throw bad('sample value must be a string');
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) {
    throw bad(`invalid sample value ${JSON.stringify(text)}`);
  }
  return Number(text);
};

const pointOf = (v: unknown): { timestamp: number; value: number } => {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') {
    throw bad('expected a [timestamp, "value"] pair');
  }
  return { timestamp: v[0], value: parseSampleValue(v[1]) };
};

/** A native-histogram sample carries `histogram` instead of `value`; its value reads as 0, as in Go. */
const histogramPoint = (v: unknown): { timestamp: number; value: number } | undefined =>
  Array.isArray(v) && typeof v[0] === 'number' ? { timestamp: v[0], value: 0 } : undefined;

const sampleOf = (v: unknown): Sample => {
  if (!isJson(v)) throw bad('vector entry must be an object');
  const point = v['value'] === undefined ? histogramPoint(v['histogram']) : pointOf(v['value']);
  return { labels: labelsOf(v['metric'], 'vector metric'), ...(point ?? pointOf(undefined)) };
};

/** JSON `null` decodes to an empty slice in Go. */
const arrayOf = (v: unknown, what: string): readonly unknown[] => {
  if (v === null) return [];
  if (!Array.isArray(v)) throw bad(`${what} must be an array`);
  return v;
};

/** `/api/v1/query` data → QueryResult. Result types other than vector/scalar/matrix are errors. */
export const parseQueryResult = (data: unknown): QueryResult => {
  if (!isJson(data)) throw bad('query data must be an object');
  const { resultType, result } = data;
  switch (resultType) {
    case 'vector':
      return { type: 'vector', samples: arrayOf(result, 'vector result').map(sampleOf) };
    case 'scalar':
      return { type: 'scalar', ...pointOf(result) };
    case 'matrix':
      return { type: 'matrix', seriesCount: arrayOf(result, 'matrix result').length };
    default:
      throw bad(`unexpected value type ${JSON.stringify(resultType)}`);
  }
};
