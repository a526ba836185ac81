/**
 * Go's `strconv.Quote` / `strconv.QuoteRune` (and so `%q`): printable runes are kept, the rest
 * use Go escapes (`\n`, `\x1f`, `\u00a0`, `\U0001f600`). Also `unicode.IsPrint`.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go `unicode.IsPrint` for one code point given as a string. */
export const isPrint = (ch: string): boolean => PRINTABLE.test(ch);

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const escapeRune = (ch: string, quote: string, asciiOnly: boolean): string => {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  let cp = ch.codePointAt(0) ?? 0;
  if (isPrint(ch) && (!asciiOnly || cp < 0x80)) return ch;
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  return cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
};

/** Go `strconv.Quote` (or `QuoteToASCII` with `asciiOnly`). */
export const goQuote = (s: string, asciiOnly = false): string => {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return `${out}"`;
};

/** Go `strconv.QuoteRune`: `'a'`, `'\n'`. */
export const goQuoteRune = (codePoint: number, asciiOnly = false): string => {
  const valid =
    codePoint >= 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return `'${escapeRune(String.fromCodePoint(valid ? codePoint : 0xfffd), "'", asciiOnly)}'`;
};
