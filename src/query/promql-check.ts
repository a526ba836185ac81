/**
 * Syntax check of PromQL with the Prometheus project's own grammar (@prometheus-io/lezer-promql).
 * Used at start on every rendered `metricsQuery`, so a broken template is a config error.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlSyntaxError {
  /** 0-based offset of the first error in the query. */
  readonly offset: number;
  readonly message: string;
}

/** Returns the first syntax error of `query`, or undefined when it parses. */
export const checkPromql = (query: string): PromqlSyntaxError | undefined => {
  const tree = parser.parse(query);
  let offset: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (offset !== undefined) return false;
      if (node.type.isError) offset = node.from;
      return undefined;
    },
  });
  if (offset === undefined) return undefined;
  const near = query.slice(Math.max(0, offset - 20), offset + 20);
  return {
    offset,
    message: `invalid PromQL at column ${offset + 1} (near ${JSON.stringify(near)}): ${query}`,
  };
};
