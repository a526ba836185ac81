/**
 * The `--audit-*` flags of k8s.io/apiserver v0.30 with their defaults. They are accepted and
 * stored (in `Options.audit`) so existing manifests keep working; auditing is not implemented.
 */
import { bool, dur, float, int, str, S, type FlagSpec } from './flag-spec.ts';

const auditBackend = (
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
  const a = { group: 'audit' } as const;
  const p = `audit-${plugin}`;
  return [
    str(
      `${p}-mode`,
      `${p}-mode`,
      batch.mode,
      'Strategy for sending audit events: blocking, blocking-strict or batch.',
      a,
    ),
    int(
      `${p}-batch-buffer-size`,
      `${p}-batch-buffer-size`,
      10000,
      'The size of the buffer to store events before batching and writing. Only used in batch mode.',
      a,
    ),
    int(
      `${p}-batch-max-size`,
      `${p}-batch-max-size`,
      batch.size,
      'The maximum size of a batch. Only used in batch mode.',
      a,
    ),
    dur(
      `${p}-batch-max-wait`,
      `${p}-batch-max-wait`,
      batch.wait,
      "The amount of time to wait before force writing the batch that hadn't reached the max size. Only used in batch mode.",
      a,
    ),
    bool(
      `${p}-batch-throttle-enable`,
      `${p}-batch-throttle-enable`,
      batch.throttle,
      'Whether batching throttling is enabled. Only used in batch mode.',
      a,
    ),
    float(
      `${p}-batch-throttle-qps`,
      `${p}-batch-throttle-qps`,
      batch.qps,
      'Maximum average number of batches per second. Only used in batch mode.',
      a,
    ),
    int(
      `${p}-batch-throttle-burst`,
      `${p}-batch-throttle-burst`,
      batch.burst,
      'Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before. Only used in batch mode.',
      a,
    ),
    bool(
      `${p}-truncate-enabled`,
      `${p}-truncate-enabled`,
      false,
      'Whether event and batch truncating is enabled.',
      a,
    ),
    int(
      `${p}-truncate-max-batch-size`,
      `${p}-truncate-max-batch-size`,
      10485760,
      'Maximum size of the batch sent to the underlying backend.',
      a,
    ),
    int(
      `${p}-truncate-max-event-size`,
      `${p}-truncate-max-event-size`,
      102400,
      'Maximum size of the audit event sent to the underlying backend.',
      a,
    ),
    str(
      `${p}-version`,
      `${p}-version`,
      'audit.k8s.io/v1',
      `API group and version used for serializing audit events written to ${plugin}.`,
      a,
    ),
  ];
};

/** Every audit flag, in usage order. */
export const AUDIT_FLAGS: readonly FlagSpec[] = [
  str(
    'audit-policy-file',
    'audit-policy-file',
    '',
    'Path to the file that defines the audit policy configuration.',
    { group: 'audit' },
  ),
  str(
    'audit-log-path',
    'audit-log-path',
    '',
    "If set, all requests coming to the apiserver will be logged to this file.  '-' means standard out.",
    { group: 'audit' },
  ),
  int(
    'audit-log-maxage',
    'audit-log-maxage',
    0,
    'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.',
    { group: 'audit' },
  ),
  int(
    'audit-log-maxbackup',
    'audit-log-maxbackup',
    0,
    'The maximum number of old audit log files to retain.',
    { group: 'audit' },
  ),
  int(
    'audit-log-maxsize',
    'audit-log-maxsize',
    0,
    'The maximum size in megabytes of the audit log file before it gets rotated.',
    { group: 'audit' },
  ),
  str('audit-log-format', 'audit-log-format', 'json', 'Format of saved audits: legacy or json.', {
    group: 'audit',
  }),
  bool(
    'audit-log-compress',
    'audit-log-compress',
    false,
    'If set, the rotated log files will be compressed using gzip.',
    { group: 'audit' },
  ),
  ...auditBackend('log', { mode: 'blocking', size: 1, wait: 0, throttle: false, qps: 0, burst: 0 }),
  str(
    'audit-webhook-config-file',
    'audit-webhook-config-file',
    '',
    'Path to a kubeconfig formatted file that defines the audit webhook configuration.',
    { group: 'audit' },
  ),
  dur(
    'audit-webhook-initial-backoff',
    'audit-webhook-initial-backoff',
    10 * S,
    'The amount of time to wait before retrying the first failed request.',
    { group: 'audit' },
  ),
  dur(
    'audit-webhook-batch-initial-backoff',
    'audit-webhook-initial-backoff',
    10 * S,
    'The amount of time to wait before retrying the first failed request.',
    { group: 'audit', deprecated: 'Deprecated, use --audit-webhook-initial-backoff instead.' },
  ),
  ...auditBackend('webhook', {
    mode: 'batch',
    size: 400,
    wait: 30 * S,
    throttle: true,
    qps: 10,
    burst: 15,
  }),
];
