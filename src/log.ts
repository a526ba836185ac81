/**
 * JSON-lines logger with klog-style verbosity: `log.v(4)?.info(...)` style is avoided in favour
 * of `log.info(msg, fields, level)`; a line is written when `level <= --v`.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>, level?: number): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  enabled(level: number): boolean;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly verbosity: number;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
  readonly base?: Record<string, unknown>;
}

const SECRET_KEY = /authorization|token|password|secret/i;

/** Redacts values whose key looks secret, so credentials never reach logs. */
const redact = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : v]),
  );

/**
 * An Error as its message, name, errno code and cause chain (the cause says why: ECONNREFUSED…),
 * at most 5 causes deep (a cause chain may loop).
 */
const serialise = (value: unknown, depth = 0): unknown => {
  if (!(value instanceof Error)) return value;
  const { code } = value as { code?: unknown };
  const cause =
    depth >= 5
      ? undefined
      : value.cause instanceof Error
        ? serialise(value.cause, depth + 1)
        : value.cause;
  return {
    message: value.message,
    name: value.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause === undefined ? {} : { cause }),
  };
};

export const createLogger = (options: LoggerOptions): Logger => {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const base = options.base ?? {};
  const emit = (level: string, v: number, msg: string, fields: Record<string, unknown>) => {
    const entry = { ts: now().toISOString(), level, v, msg, ...base, ...redact(fields) };
    write(`${JSON.stringify(entry, (_k, val: unknown) => serialise(val))}\n`);
  };
  return {
    info: (msg, fields = {}, level = 0) => {
      if (level <= options.verbosity) emit('info', level, msg, fields);
    },
    error: (msg, fields = {}) => {
      emit('error', 0, msg, fields);
    },
    enabled: (level) => level <= options.verbosity,
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
};

/** A logger that writes nothing (tests). */
export const silentLogger = (): Logger => createLogger({ verbosity: -1, write: () => undefined });
