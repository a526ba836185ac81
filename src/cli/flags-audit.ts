/**
 * The `--audit-*` flags of k8s.io/apiserver v0.30 with their defaults. They are accepted and
 * stored (in `Options.audit`) so existing manifests keep working; auditing is not implemented.
 */
import { S, type FlagReader } from './flag-spec.ts';
import type { FlagValue } from './values.ts';

const auditBackend = (
  f: FlagReader,
  plugin: 'log' | 'webhook',
  batch: {
    mode: string;
    size: number;
    wait: number;
    throttle: boolean;
    qps: number;
    burst: number;
  },
) => {
  const p = `audit-${plugin}`;
  return {
    [`${p}-mode`]: f.string(
      `${p}-mode`,
      batch.mode,
      'Strategy for sending audit events: blocking, blocking-strict or batch.',
    ),
    [`${p}-batch-buffer-size`]: f.int(
      `${p}-batch-buffer-size`,
      10000,
      'The size of the buffer to store events before batching and writing. Only used in batch mode.',
    ),
    [`${p}-batch-max-size`]: f.int(
      `${p}-batch-max-size`,
      batch.size,
      'The maximum size of a batch. Only used in batch mode.',
    ),
    [`${p}-batch-max-wait`]: f.duration(
      `${p}-batch-max-wait`,
      batch.wait,
      "The amount of time to wait before force writing the batch that hadn't reached the max size. Only used in batch mode.",
    ),
    [`${p}-batch-throttle-enable`]: f.bool(
      `${p}-batch-throttle-enable`,
      batch.throttle,
      'Whether batching throttling is enabled. Only used in batch mode.',
    ),
    [`${p}-batch-throttle-qps`]: f.float(
      `${p}-batch-throttle-qps`,
      batch.qps,
      'Maximum average number of batches per second. Only used in batch mode.',
    ),
    [`${p}-batch-throttle-burst`]: f.int(
      `${p}-batch-throttle-burst`,
      batch.burst,
      'Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before. Only used in batch mode.',
    ),
    [`${p}-truncate-enabled`]: f.bool(
      `${p}-truncate-enabled`,
      false,
      'Whether event and batch truncating is enabled.',
    ),
    [`${p}-truncate-max-batch-size`]: f.int(
      `${p}-truncate-max-batch-size`,
      10485760,
      'Maximum size of the batch sent to the underlying backend.',
    ),
    [`${p}-truncate-max-event-size`]: f.int(
      `${p}-truncate-max-event-size`,
      102400,
      'Maximum size of the audit event sent to the underlying backend.',
    ),
    [`${p}-version`]: f.string(
      `${p}-version`,
      'audit.k8s.io/v1',
      `API group and version used for serializing audit events written to ${plugin}.`,
    ),
  };
};

/** Every audit flag, in usage order, filling `Options.audit` by flag name. */
export const auditFlags = (f: FlagReader): Readonly<Record<string, FlagValue>> => ({
  'audit-policy-file': f.string(
    'audit-policy-file',
    '',
    'Path to the file that defines the audit policy configuration.',
  ),
  'audit-log-path': f.string(
    'audit-log-path',
    '',
    "If set, all requests coming to the apiserver will be logged to this file.  '-' means standard out.",
  ),
  'audit-log-maxage': f.int(
    'audit-log-maxage',
    0,
    'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.',
  ),
  'audit-log-maxbackup': f.int(
    'audit-log-maxbackup',
    0,
    'The maximum number of old audit log files to retain.',
  ),
  'audit-log-maxsize': f.int(
    'audit-log-maxsize',
    0,
    'The maximum size in megabytes of the audit log file before it gets rotated.',
  ),
  'audit-log-format': f.string(
    'audit-log-format',
    'json',
    'Format of saved audits: legacy or json.',
  ),
  'audit-log-compress': f.bool(
    'audit-log-compress',
    false,
    'If set, the rotated log files will be compressed using gzip.',
  ),
  ...auditBackend(f, 'log', {
    mode: 'blocking',
    size: 1,
    wait: 0,
    throttle: false,
    qps: 0,
    burst: 0,
  }),
  'audit-webhook-config-file': f.string(
    'audit-webhook-config-file',
    '',
    'Path to a kubeconfig formatted file that defines the audit webhook configuration.',
  ),
  'audit-webhook-initial-backoff': f.duration(
    'audit-webhook-initial-backoff',
    10 * S,
    'The amount of time to wait before retrying the first failed request.',
    {
      alias: {
        name: 'audit-webhook-batch-initial-backoff',
        deprecated: 'Deprecated, use --audit-webhook-initial-backoff instead.',
      },
    },
  ),
  ...auditBackend(f, 'webhook', {
    mode: 'batch',
    size: 400,
    wait: 30 * S,
    throttle: true,
    qps: 10,
    burst: 15,
  }),
});
