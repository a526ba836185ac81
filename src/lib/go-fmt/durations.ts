/**
 * Durations in the two syntaxes the adapter meets: Go `time.ParseDuration` (command-line flags)
 * and Prometheus `model.ParseDuration` (the config's `window`). Both work on integer nanoseconds
 * internally, as Go does, and exchange milliseconds with callers.
 */

/** Thrown for a malformed duration; the message is the upstream Go error text. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const NS_PER_MS = 1_000_000n;
const MAX_U63 = 1n << 63n;

const GO_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's time-package `quote`: ASCII printable kept, `"`/`\` escaped, anything else as `\xNN` UTF-8 bytes. */
const timeQuote = (s: string): string => {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code >= 0x80) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
};

interface Component {
  readonly ns: bigint;
  readonly rest: string;
}

/** Reads `[0-9]*(\.[0-9]*)?unit` from the front of `s`; `orig` is only used in messages. */
const goComponent = (s: string, orig: string): Component => {
  const invalid = () => new DurationError(`time: invalid duration ${timeQuote(orig)}`);
  const m = /^(\d*)(?:\.(\d*))?/.exec(s);
  const intDigits = m?.[1] ?? '';
  const fracDigits = m?.[2];
  if (intDigits === '' && (fracDigits === undefined || fracDigits === '')) throw invalid();
  const unitText = /^[^.\d]*/.exec(s.slice(m?.[0].length ?? 0))?.[0] ?? '';
  if (unitText === '') throw new DurationError(`time: missing unit in duration ${timeQuote(orig)}`);
  const unit = GO_UNITS.get(unitText);
  if (unit === undefined) {
    throw new DurationError(
      `time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(orig)}`,
    );
  }
  const whole = BigInt(intDigits === '' ? '0' : intDigits);
  if (whole > MAX_U63) throw invalid();
  let ns = whole * unit;
  if (ns > MAX_U63) throw invalid();
  ns += fraction(fracDigits ?? '', unit);
  if (ns > MAX_U63) throw invalid();
  return { ns, rest: s.slice((m?.[0].length ?? 0) + unitText.length) };
};

/** Go's fraction handling: digits beyond int64 precision are dropped, then float64 scaling. */
const fraction = (digits: string, unit: bigint): bigint => {
  let f = 0n;
  let scale = 1;
  for (const d of digits) {
    if (f > (MAX_U63 - 1n) / 10n) break;
    const next = f * 10n + BigInt(d);
    if (next > MAX_U63) break;
    f = next;
    scale *= 10;
  }
  return f === 0n ? 0n : BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
};

/**
 * Parses a Go duration (`300ms`, `1.5h`, `1h30m`, `-2m`, `0`) to nanoseconds, exactly as
 * `time.ParseDuration`. Throws `DurationError` with Go's message on bad input.
 */
export const parseGoDurationNs = (text: string): bigint => {
  let s = text;
  const neg = s.startsWith('-');
  if (neg || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${timeQuote(text)}`);
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) {
      throw new DurationError(`time: invalid duration ${timeQuote(text)}`);
    }
    const { ns, rest } = goComponent(s, text);
    total += ns;
    if (total > MAX_U63) throw new DurationError(`time: invalid duration ${timeQuote(text)}`);
    s = rest;
  }
  if (!neg && total === MAX_U63)
    throw new DurationError(`time: invalid duration ${timeQuote(text)}`);
  return neg ? -total : total;
};

/** `parseGoDurationNs` in milliseconds (fractional below 1ms, e.g. `1us` → 0.001). */
export const parseGoDuration = (text: string): number => Number(parseGoDurationNs(text)) / 1e6;

/** Milliseconds → integer nanoseconds, rounding to the nearest nanosecond. */
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

/** `digits` → `int.frac` with trailing zeros (and a bare dot) removed: (1500, 3) → "1.5". */
const withFraction = (value: bigint, decimals: number): string => {
  const text = value.toString().padStart(decimals + 1, '0');
  const whole = text.slice(0, text.length - decimals);
  const frac = text.slice(text.length - decimals).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
};

/** Go `Duration.String()` of a nanosecond count: `0s`, `1.5µs`, `500ms`, `1.5s`, `1m30s`, `1h0m0s`. */
export const formatGoDurationNs = (ns: bigint): string => {
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u === 0n) return '0s';
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${withFraction(u, 3)}\u00b5s`;
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 6)}ms`;
  const seconds = withFraction(u % 60_000_000_000n, 9);
  const minutes = u / 60_000_000_000n;
  if (minutes === 0n) return `${sign}${seconds}s`;
  const hours = minutes / 60n;
  const head = hours === 0n ? '' : `${hours}h`;
  return `${sign}${head}${minutes % 60n}m${seconds}s`;
};

/** Go `Duration.String()` of a millisecond count: 300000 → `5m0s`, 90000 → `1m30s`. */
export const formatGoDuration = (ms: number): string => formatGoDurationNs(msToNs(ms));

/** Prometheus units, largest first; the order they must appear in. */
const PROM_UNITS: readonly (readonly [string, bigint])[] = [
  ['y', 365n * 24n * 3_600_000n],
  ['w', 7n * 24n * 3_600_000n],
  ['d', 24n * 3_600_000n],
  ['h', 3_600_000n],
  ['m', 60_000n],
  ['s', 1_000n],
  ['ms', 1n],
];

const MAX_PROM_MS = (MAX_U63 - 1n) / NS_PER_MS;

/**
 * Parses a Prometheus duration (`1d`, `5m`, `1h30m`, `100ms`, `0`) to milliseconds, as
 * `model.ParseDuration`: integer counts, units `y w d h m s ms` each at most once, largest first.
 */
export const parsePromDuration = (text: string): number => {
  if (text === '0') return 0;
  if (text === '') throw new DurationError('empty duration string');
  const invalid = () => new DurationError(`not a valid duration string: ${JSON.stringify(text)}`);
  let s = text;
  let lastIndex = -1;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d+)(\D*)/.exec(s);
    if (m === null) throw invalid();
    const [all, digits = '', unitText = ''] = m;
    if (unitText === '') throw invalid();
    const index = PROM_UNITS.findIndex(([name]) => name === unitText);
    if (index < 0) {
      throw new DurationError(
        `unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`,
      );
    }
    if (index <= lastIndex) throw invalid();
    lastIndex = index;
    total += BigInt(digits) * (PROM_UNITS[index]?.[1] ?? 1n);
    if (total > MAX_PROM_MS) throw new DurationError('duration out of range');
    s = s.slice(all.length);
  }
  return Number(total);
};

/**
 * Prometheus `Duration.String()` of milliseconds: `0s`, `5m`, `1m30s`, `1d`, `1w`, `90d`
 * (years and weeks only when they divide exactly). Sub-millisecond parts are dropped.
 */
export const formatPromDuration = (ms: number): string => {
  let rest = BigInt(Math.trunc(ms));
  if (rest === 0n) return '0s';
  let out = '';
  for (const [index, [unit, mult]] of PROM_UNITS.entries()) {
    if (index < 2 && rest % mult !== 0n) continue;
    const count = rest / mult;
    if (count > 0n) {
      out += `${count}${unit}`;
      rest -= count * mult;
    }
  }
  return out;
};
