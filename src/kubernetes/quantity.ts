/**
 * Quantities (apimachinery pkg/api/resource; upstream-behaviour: quantity): the canonical form of a
 * milli-value (`16m`, `2k`, `1Mi`) and the adapter's float → quantity conversion. Pure, exact
 * (BigInt), no I/O.
 */

/** The two formats the adapter uses: DecimalSI for metric values, BinarySI for memory. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI';

/** A string that is not a Kubernetes quantity. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const DECIMAL_SUFFIXES: ReadonlyMap<number, string> = new Map([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Canonical DecimalSI text of `mantissa × 10^exponent`: trailing zeros move into the exponent, the
 * exponent goes down to a multiple of 3, then the SI suffix. Past the suffixes (above `E`, only
 * reachable from values beyond int64 milli) the DecimalExponent suffix `e<n>` is used, which
 * resource.ParseQuantity reads back; apimachinery itself would print no suffix there at all.
 */
const formatDecimal = (mantissa: bigint, exponent: number): string => {
  if (mantissa === 0n) return '0';
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const down = ((e % 3) + 3) % 3;
  m *= 10n ** BigInt(down);
  e -= down;
  return `${m}${DECIMAL_SUFFIXES.get(e) ?? `e${e}`}`;
};

/** BinarySI text, or undefined when apimachinery falls back to DecimalSI (|q| < 1024, fractions). */
const formatBinary = (milli: bigint): string | undefined => {
  if (milli > -1024000n && milli < 1024000n) return undefined;
  if (milli % 1000n !== 0n) return undefined;
  let value = milli / 1000n;
  let power = 0;
  while (power < BINARY_SUFFIXES.length - 1 && value % 1024n === 0n) {
    value /= 1024n;
    power++;
  }
  return `${value}${BINARY_SUFFIXES[power] ?? ''}`;
};

/**
 * `resource.NewMilliQuantity(milli, format).String()`: `16m`, `20500m`, `1`, `1500`, `2k`, `-500m`;
 * BinarySI `1Mi`, `1048577`, and DecimalSI for |q| < 1024 or fractional bytes. Zero is `0`.
 */
export const formatMilliQuantity = (milli: bigint, format: QuantityFormat): string =>
  (format === 'BinarySI' ? formatBinary(milli) : undefined) ?? formatDecimal(milli, -3);

/** The shortest decimal digits and exponent that round-trip `value` (finite, non-zero). */
const shortestDecimal = (value: number): [mantissa: bigint, exponent: number] => {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(value.toExponential());
  const [, sign = '', lead = '', fraction = '', exp = '0'] = match ?? [];
  return [BigInt(`${sign}${lead}${fraction}`), Number(exp) - fraction.length];
};

/**
 * The adapter's value conversion, `NewMilliQuantity(int64(value*1000), format)`: multiplied as a
 * float, then truncated toward zero (0.0005 gives `0`, -0.5 gives `-500m`). Where Go's int64
 * conversion overflows into garbage, we stay correct, deliberately:
 * - NaN gives `0` (custom metrics do this upstream; external metrics printed garbage there).
 * - +Inf / -Inf saturate to the int64 milli limits, `9223372036854775807m` and
 *   `-9223372036854775808m`: the largest values every Quantity consumer can hold.
 * - Finite values beyond the int64 milli range (|value| ≥ 2^63/1000 ≈ 9.22e15, always integers)
 *   keep their shortest decimal digits in canonical DecimalSI form, with an `e<n>` exponent past
 *   `E` (1e16 gives `10P`, 1.5e20 gives `150E`, 1e300 gives `1e300`), in BinarySI too.
 */
export const quantityFromFloat = (value: number, format: QuantityFormat): string => {
  if (Number.isNaN(value)) return '0';
  if (value === Infinity) return formatMilliQuantity(INT64_MAX, format);
  if (value === -Infinity) return formatMilliQuantity(INT64_MIN, format);
  const milli = Math.trunc(value * 1000);
  if (Number.isFinite(milli) && milli >= -(2 ** 63) && milli < 2 ** 63) {
    return formatMilliQuantity(BigInt(milli), format);
  }
  const [mantissa, exponent] = shortestDecimal(value);
  return formatDecimal(mantissa, exponent);
};

const QUANTITY = /^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE]?)$/;
const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/**
 * The value of a quantity string as a float (`500m` → 0.5, `1Ki` → 1024, `2k` → 2000, `1e3` →
 * 1000). For tests and diagnostics: it accepts resource.ParseQuantity's syntax, but rounds to a
 * float. Throws QuantityError with apimachinery's format message.
 */
export const parseQuantity = (text: string): number => {
  const [, number = '', suffix = ''] = QUANTITY.exec(text) ?? [];
  if (number === '') {
    throw new QuantityError(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  }
  if (suffix.endsWith('i')) {
    return Number(number) * 1024 ** ('KMGTPE'.indexOf(suffix.charAt(0)) + 1);
  }
  const exponent = DECIMAL_EXPONENTS[suffix] ?? Number(suffix.slice(1));
  return Number(`${number}e${exponent}`);
};
