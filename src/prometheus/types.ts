/** One series from `/api/v1/series`: `__name__` split out as `name`. */
export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The label-name set of series of one name: all that discovery needs of a series. */
export interface SeriesShape {
  readonly name: string;
  /** Sorted, without `__name__`. */
  readonly labelNames: readonly string[];
}

/**
 * A `/api/v1/series` answer reduced to what discovery needs: each distinct shape once and how many
 * series were read. Its size grows with the number of metric names, not of series.
 */
export interface SeriesSet {
  readonly count: number;
  readonly shapes: readonly SeriesShape[];
}

/** One sample of an instant vector. `timestamp` is in seconds (float), as Prometheus sends it. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: number;
  readonly value: number;
}

export type QueryResult =
  | { readonly type: 'vector'; readonly samples: readonly Sample[] }
  | { readonly type: 'scalar'; readonly timestamp: number; readonly value: number }
  | { readonly type: 'matrix'; readonly seriesCount: number };

/**
 * Which backend (config `backends`, default `default`) and, for tenant headers, which request
 * namespace a call is for. Plain clients ignore it; start/backends.ts routes by it.
 */
export interface QueryRoute {
  readonly backend?: string | undefined;
  readonly namespace?: string | undefined;
  /**
   * Told once where the query went, answered or not (explain records it). Plain clients ignore
   * it; a coalesced call tells only the caller that started it.
   */
  readonly onTarget?: ((target: QueryTarget) => void) | undefined;
}

/** Where a query went: its backend, the URL that answered (after failover), the tenant sent. */
export interface QueryTarget {
  /** The backend's name (`default`: the one the --prometheus-* flags define). */
  readonly name: string;
  /** The URL that answered; absent when none did. */
  readonly url?: string;
  /** The tenant header sent; absent when none was. */
  readonly tenant?: { readonly header: string; readonly value: string };
}

/** The two calls the adapter makes. `time`/`start` are Date-free: seconds since the epoch. */
export interface PrometheusClient {
  series(
    match: string,
    start: number,
    signal?: AbortSignal,
    route?: QueryRoute,
  ): Promise<SeriesSet>;
  query(
    promql: string,
    time: number,
    signal?: AbortSignal,
    route?: QueryRoute,
  ): Promise<QueryResult>;
}
