/**
 * Go's float formatting (`strconv.FormatFloat` with 'e', 'f' and 'g'). Shortest forms use
 * the JS shortest round-trip digits (the same as Go's); fixed precisions round the exact
 * binary value half-to-even, as Go does (JS `toFixed` rounds half up: 2.5 → "3", Go → "2").
 */

/** `0.d₁d₂…dₙ × 10^dp`; `digits` has no trailing zeros ("" for zero). */
interface Decimal {
  readonly digits: string;
  readonly dp: number;
}

const trimZeros = (d: Decimal): Decimal => ({ digits: d.digits.replace(/0+$/, ''), dp: d.dp });

/** The exact decimal expansion of a finite non-negative double. */
const exactDecimal = (x: number): Decimal => {
  if (x === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp = biased === 0 ? -1074 : biased - 1075;
  if (exp >= 0) {
    const digits = (mantissa << BigInt(exp)).toString();
    return trimZeros({ digits, dp: digits.length });
  }
  const digits = (mantissa * 5n ** BigInt(-exp)).toString();
  return trimZeros({ digits, dp: digits.length + exp });
};

/** Keeps the first `n` digits, rounding half to even on the exact value. */
const roundTo = (d: Decimal, n: number): Decimal => {
  if (n < 0) return { digits: '', dp: d.dp };
  if (d.digits.length <= n) return d;
  const next = d.digits.charCodeAt(n) - 48;
  const halfway = next === 5 && d.digits.length === n + 1;
  const previousOdd = n > 0 && (d.digits.charCodeAt(n - 1) - 48) % 2 === 1;
  const up = halfway ? previousOdd : next >= 5;
  const kept = d.digits.slice(0, n);
  if (!up) return trimZeros({ digits: kept, dp: d.dp });
  const bumped = (BigInt(kept === '' ? '0' : kept) + 1n).toString();
  const grew = bumped.length > kept.length;
  return trimZeros({
    digits: grew ? bumped.slice(0, -1) || bumped : bumped,
    dp: d.dp + (grew ? 1 : 0),
  });
};

/** The shortest round-trip digits of a finite non-negative double. */
const shortestDecimal = (x: number): Decimal => {
  if (x === 0) return { digits: '', dp: 0 };
  const [mantissa = '0', exponent = '0'] = x.toExponential().split('e');
  return trimZeros({ digits: mantissa.replace('.', ''), dp: Number(exponent) + 1 });
};

/** Go's exponent part: `e+06`, `E-10`. */
const exponentSuffix = (exp: number, upper: boolean): string =>
  `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;

const fixedString = (d: Decimal, decimals: number): string => {
  const whole = d.dp <= 0 ? '0' : d.digits.slice(0, d.dp).padEnd(d.dp, '0');
  let fraction = '';
  for (let i = 0; i < decimals; i++) fraction += d.digits[d.dp + i] ?? '0';
  return decimals > 0 ? `${whole}.${fraction}` : whole;
};

const expString = (d: Decimal, decimals: number, upper: boolean): string => {
  const digits = d.digits.padEnd(decimals + 1, '0');
  const mantissa =
    decimals > 0 ? `${digits[0] ?? '0'}.${digits.slice(1, decimals + 1)}` : (digits[0] ?? '0');
  return mantissa + exponentSuffix(d.digits === '' ? 0 : d.dp - 1, upper);
};

/** Infinities and NaN as Go prints them, or undefined for finite numbers. */
export const nonFinite = (x: number): string | undefined => {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return undefined;
};

/** `%.<decimals>f` of |x|. */
export const formatFixed = (x: number, decimals: number): string => {
  const d = exactDecimal(Math.abs(x));
  return fixedString(roundTo(d, d.dp + decimals), decimals);
};

/** `%.<decimals>e` of |x| (shortest digits when `decimals` is undefined). */
export const formatExp = (x: number, decimals: number | undefined, upper: boolean): string => {
  const ax = Math.abs(x);
  if (decimals === undefined) {
    const d = shortestDecimal(ax);
    return expString(d, Math.max(d.digits.length - 1, 0), upper);
  }
  return expString(roundTo(exactDecimal(ax), decimals + 1), decimals, upper);
};

/**
 * Go's `strconv.FormatFloat(x, 'g', prec, 64)` (signed); `prec` undefined means the shortest
 * representation (as `%v` uses), which switches to an exponent from 1e+06 on.
 */
export const formatFloatG = (x: number, prec?: number, upper = false): string => {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const shortest = prec === undefined;
  const ax = Math.abs(x);
  const rounded = shortest ? shortestDecimal(ax) : roundTo(exactDecimal(ax), Math.max(prec, 1));
  const d = rounded.digits === '' ? { digits: '0', dp: 1 } : rounded;
  const nd = d.digits.length;
  let p = shortest ? nd : Math.max(prec, 1);
  let eprec = p > nd && nd >= d.dp ? nd : p;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return sign + expString(d, Math.min(p, nd) - 1, upper);
  if (p > d.dp) p = nd;
  return sign + fixedString(d, Math.max(p - d.dp, 0));
};
