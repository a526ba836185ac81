/**
 * Test support: where scripts/backends/build-victoria-metrics.sh caches the single-node
 * VictoriaMetrics binary, and why a VictoriaMetrics test is skipped when it is not there
 * (`npm test` never builds it; `npm run test:backends` does).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VICTORIA_METRICS_VERSION = process.env['VICTORIA_METRICS_VERSION'] ?? 'v1.151.0';
const CACHE = process.env['K8S_PA_CACHE'] ?? join(homedir(), '.cache/k8s-prometheus-adapter');
export const VICTORIA_METRICS_BINARY = join(
  CACHE,
  `victoria-metrics-${VICTORIA_METRICS_VERSION}`,
  'bin/victoria-metrics',
);

/** The skip reason when the binary is not cached, else undefined. */
export const victoriaMetricsSkipReason = (): string | undefined =>
  existsSync(VICTORIA_METRICS_BINARY)
    ? undefined
    : `VictoriaMetrics not built (${VICTORIA_METRICS_BINARY}); run npm run test:backends`;
