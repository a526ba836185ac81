/**
 * Reduces series to their shapes (name and label-name set), deduplicated as they arrive, so a
 * relist holds one entry per distinct shape rather than one per series.
 */
import type { Series, SeriesSet, SeriesShape } from './types.ts';

export interface ShapeCollector {
  /** Adds one series; `labelNames` (without `__name__`) may be reused by the caller afterwards. */
  add(name: string, labelNames: string[]): void;
  result(): SeriesSet;
}

export const createShapeCollector = (): ShapeCollector => {
  const shapes = new Map<string, SeriesShape>();
  let count = 0;
  // Series come grouped by name with the same labels: the previous one's shape usually repeats.
  let lastName: string | undefined;
  let lastNames: readonly string[] = [];
  const repeats = (name: string, labelNames: readonly string[]): boolean =>
    name === lastName &&
    labelNames.length === lastNames.length &&
    labelNames.every((l, i) => l === lastNames[i]);
  return {
    add: (name, labelNames) => {
      count++;
      if (repeats(name, labelNames)) return;
      lastName = name;
      lastNames = [...labelNames];
      labelNames.sort();
      const key = `${name}\u0000${labelNames.join('\u0000')}`;
      if (!shapes.has(key)) shapes.set(key, { name, labelNames: Object.freeze([...labelNames]) });
    },
    result: () => ({ count, shapes: [...shapes.values()] }),
  };
};

/** The shapes of decoded series (`__name__` already split out as `name`). */
export const shapesOf = (series: Iterable<Series>): SeriesSet => {
  const collector = createShapeCollector();
  for (const s of series) collector.add(s.name, Object.keys(s.labels));
  return collector.result();
};

/** One set from several (e.g. one per tenant): counts add up, each shape is kept once. */
export const mergeShapes = (sets: readonly SeriesSet[]): SeriesSet => {
  if (sets.length === 1 && sets[0] !== undefined) return sets[0];
  const shapes = new Map<string, SeriesShape>();
  for (const set of sets) {
    for (const s of set.shapes) shapes.set(`${s.name}\u0000${s.labelNames.join('\u0000')}`, s);
  }
  return { count: sets.reduce((n, s) => n + s.count, 0), shapes: [...shapes.values()] };
};
