/**
 * Reads a `/api/v1/series` response body as it arrives and keeps only series shapes
 * (series-shapes.ts): never the body text nor a tree of every series, so a relist of millions of
 * series needs memory for the metric names only. Same outcomes as decodeEnvelope +
 * parseSeriesList on the whole body: an `error` envelope throws `<errorType>: <error>`, anything
 * else malformed throws `bad_response`.
 */
import { PrometheusError } from './errors.ts';
import { createJsonTokenizer, JsonSyntaxError, type JsonHandler } from './json-stream.ts';
import { createShapeCollector, type ShapeCollector } from './series-shapes.ts';
import type { SeriesSet } from './types.ts';

const ENVELOPE_STRINGS = new Set(['status', 'errorType', 'error']);
const bad = (detail: string): PrometheusError => new PrometheusError('bad_response', detail);

interface SeriesHandler extends JsonHandler {
  finish(): SeriesSet;
}

/** Depths: 0 the document, 1 the envelope, 2 the data array, 3 one series' label set. */
const seriesHandler = (): SeriesHandler => {
  const envelope = new Map<string, string>();
  let depth = 0;
  let topKey = '';
  let labelKey = '';
  let inData = false;
  let data: 'missing' | 'null' | 'array' | 'bad' = 'missing';
  let firstError: string | undefined;
  let collector: ShapeCollector = createShapeCollector();
  let name = '';
  const names: string[] = [];

  const elementError = (detail: string): void => {
    firstError ??= detail;
  };

  return {
    open: (kind) => {
      const level = depth++;
      if (level === 0 && kind !== 'object') throw bad('response is not a JSON object');
      if (level === 1 && topKey === 'data') {
        inData = kind === 'array';
        data = inData ? 'array' : 'bad';
        collector = createShapeCollector();
        firstError = undefined;
      } else if (level === 2 && inData) {
        if (kind === 'array') elementError('series: expected a label set');
        name = '';
        names.length = 0;
      } else if (level === 3 && inData) {
        elementError('series: label values must be strings');
      }
    },
    close: () => {
      const level = --depth;
      if (level === 1) inData = false;
      if (level === 2 && inData && firstError === undefined) collector.add(name, names);
    },
    key: (k) => {
      if (depth === 1) topKey = k;
      else if (depth === 3) labelKey = k;
    },
    wantsString: () =>
      (depth === 1 && ENVELOPE_STRINGS.has(topKey)) ||
      (depth === 3 && inData && labelKey === '__name__'),
    value: (v) => {
      if (depth === 0) throw bad('response is not a JSON object');
      if (depth === 1) {
        if (ENVELOPE_STRINGS.has(topKey)) {
          if (typeof v === 'string') envelope.set(topKey, v);
          else envelope.delete(topKey);
        } else if (topKey === 'data') {
          data = v === null ? 'null' : 'bad';
          collector = createShapeCollector();
        }
      } else if (depth === 2 && inData) {
        elementError('series: expected a label set');
      } else if (depth === 3 && inData) {
        if (v === undefined || typeof v === 'string') {
          if (labelKey === '__name__') name = v ?? '';
          else if (!names.includes(labelKey)) names.push(labelKey);
        } else {
          elementError('series: label values must be strings');
        }
      }
    },
    finish: () => {
      if (envelope.get('status') === 'error') {
        throw new PrometheusError(envelope.get('errorType') ?? '', envelope.get('error') ?? '');
      }
      if (data === 'missing' || data === 'bad') throw bad('series data must be an array');
      if (firstError !== undefined) throw bad(firstError);
      return collector.result();
    },
  };
};

/**
 * Consumes `body` (chunks as undici delivers them). Errors of the body stream itself are
 * rethrown as they are; the caller tells transport failures from PrometheusErrors.
 */
export const readSeriesBody = async (body: AsyncIterable<Uint8Array>): Promise<SeriesSet> => {
  const handler = seriesHandler();
  const tokenizer = createJsonTokenizer(handler);
  try {
    for await (const chunk of body) tokenizer.write(chunk);
    tokenizer.end();
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      throw new PrometheusError('bad_response', err.message, { cause: err });
    }
    throw err;
  }
  return handler.finish();
};
