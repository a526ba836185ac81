/**
 * How gopkg.in/yaml.v2 (v2.4, libyaml's emitter) writes a string scalar: which style it picks
 * (plain, 'single', "double", or a | literal block) and where it folds long lines (after
 * column 80, at a single space). Used to print configs byte-for-byte like `config-gen`.
 */

/** Receives emitted text and tracks the current column, like libyaml's emitter state. */
export interface Writer {
  readonly column: number;
  put(text: string): void;
  /** Line break, then pad to `indent` columns. */
  newline(indent: number): void;
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

const BEST_WIDTH = 80;
const isBreakChar = (c: string | undefined): boolean =>
  c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlankZ = (c: string | undefined): boolean =>
  c === undefined || c === ' ' || c === '\t' || isBreakChar(c);

const isPrintable = (c: string): boolean => {
  const cp = c.codePointAt(0) ?? 0;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
};

/** Would yaml.v2 read this text, unquoted, as something other than a string? */
const resolvesAsNonString = (s: string): boolean => {
  if (s === '') return true;
  if (
    /^(?:[yYnN~]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(
      s,
    )
  )
    return true;
  if (/^(?:null|Null|NULL|<<|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(s)) return true;
  if (!/^[-+0-9.]/.test(s)) return false;
  const plain = s.replaceAll('_', '');
  if (/^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return true;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true; // base-60 float
  return /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?\s*(?:Z|[-+]\d{1,2}(?::\d{2})?)?)?$/.test(
    s,
  );
};

interface Analysis {
  readonly blockPlain: boolean;
  readonly single: boolean;
  readonly block: boolean;
}

const indicatorsAt = (chars: readonly string[], i: number, precededBySpace: boolean): boolean => {
  const c = chars[i] ?? '';
  const followedBySpace = isBlankZ(chars[i + 1]);
  if (i === 0) {
    if ('#,[]{}&*!|>\'"%@`'.includes(c)) return true;
    return (c === '?' || c === ':' || c === '-') && followedBySpace;
  }
  return (c === ':' && followedBySpace) || (c === '#' && precededBySpace);
};

/** libyaml `analyze_scalar`, reduced to what block context needs. */
const analyze = (value: string): Analysis => {
  const chars = Array.from(value);
  if (chars.length === 0) return { blockPlain: true, single: true, block: false };
  let indicators = value.startsWith('---') || value.startsWith('...');
  let special = false;
  let spaceBreak = false;
  let breakSpace = false;
  for (const [i, c] of chars.entries()) {
    indicators ||= indicatorsAt(chars, i, i === 0 || isBlankZ(chars[i - 1]));
    special ||= !isPrintable(c) || c === '\ufeff';
    if (c === ' ' && isBreakChar(chars[i + 1])) spaceBreak = true;
    if (isBreakChar(c) && chars[i + 1] === ' ') breakSpace = true;
  }
  const first = chars[0] ?? '';
  const last = chars[chars.length - 1] ?? '';
  const edgeSpace = first === ' ' || last === ' ' || isBreakChar(first) || isBreakChar(last);
  const multiline = chars.some(isBreakChar);
  const bad = spaceBreak || special;
  return {
    blockPlain: !bad && !breakSpace && !edgeSpace && !multiline && !indicators,
    single: !bad && !breakSpace,
    block: !bad && last !== ' ',
  };
};

/** The style yaml.v2 ends up with for a string value (`simpleKey` for mapping keys). */
export const chooseStyle = (value: string, simpleKey = false): ScalarStyle => {
  const a = analyze(value);
  if (value.includes('\n')) return a.block && !simpleKey ? 'literal' : 'double';
  if (resolvesAsNonString(value)) return 'double';
  if (a.blockPlain && !(value === '' && simpleKey)) return 'plain';
  return a.single ? 'single' : 'double';
};

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

const escapeChar = (c: string): string => {
  const named = ESCAPES[c];
  if (named !== undefined) return `\\${named}`;
  const hex = (c.codePointAt(0) ?? 0).toString(16).toUpperCase();
  if (hex.length <= 2) return `\\x${hex.padStart(2, '0')}`;
  return hex.length <= 4 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
};

const mustEscape = (c: string): boolean =>
  (!isPrintable(c) || c === '\ufeff' || isBreakChar(c) || c === '"' || c === '\\') &&
  c !== '\u00a0';

/**
 * Writes one scalar in `style`. The caller has already written the separating space; long
 * values fold onto lines indented to `indent` unless `allowBreaks` is false (mapping keys).
 */
export const writeScalar = (
  w: Writer,
  value: string,
  indent: number,
  style: ScalarStyle,
  allowBreaks = true,
): void => {
  if (style === 'literal') {
    writeLiteral(w, value, indent);
    return;
  }
  const chars = Array.from(value);
  const quote = style === 'single' ? "'" : style === 'double' ? '"' : '';
  w.put(quote);
  let spaces = false;
  for (const [i, c] of chars.entries()) {
    if (c === ' ') {
      const inner = style === 'plain' || (i !== 0 && i !== chars.length - 1);
      const nextOk = style === 'double' || chars[i + 1] !== ' ';
      if (allowBreaks && !spaces && inner && nextOk && w.column > BEST_WIDTH) {
        w.newline(indent);
        if (style === 'double' && chars[i + 1] === ' ') w.put('\\');
      } else {
        w.put(' ');
      }
      spaces = true;
      continue;
    }
    spaces = false;
    if (style === 'double' && mustEscape(c)) w.put(escapeChar(c));
    else w.put(style === 'single' && c === "'" ? "''" : c);
  }
  w.put(quote);
};

/** A `|` block: chomping `-` without a final newline, `+` with several; lines at `indent`. */
const writeLiteral = (w: Writer, value: string, indent: number): void => {
  const indentHint = value.startsWith(' ') || value.startsWith('\n') ? '2' : '';
  const chomp = !value.endsWith('\n') ? '-' : value === '\n' || value.endsWith('\n\n') ? '+' : '';
  w.put(`|${indentHint}${chomp}`);
  const lines = value.split('\n');
  if (chomp !== '-') lines.pop();
  for (const line of lines) {
    if (line === '') w.put('\n');
    else {
      w.newline(indent);
      w.put(line);
    }
  }
};
