/**
 * An incremental JSON tokenizer over byte chunks (e.g. undici body chunks). It checks the whole
 * RFC 8259 grammar (escapes, control characters, numbers, literals, trailing data) and reports
 * containers, keys and values to a handler as they complete. It keeps only the container stack and
 * the token in progress, never the document: memory stays flat however large the body is. String
 * values the handler does not want are validated and skipped without being decoded.
 */

/** A body that is not JSON; `offset` is the byte where the problem was found. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.offset = offset;
  }
}

export type JsonScalar = string | number | boolean | null;

export interface JsonHandler {
  open(kind: 'object' | 'array'): void;
  close(): void;
  key(name: string): void;
  /** Asked as a string value begins: whether to decode it (else `value(undefined)`). */
  wantsString(): boolean;
  /** A scalar value; `undefined` for a string value the handler did not want. */
  value(v: JsonScalar | undefined): void;
}

export interface JsonTokenizer {
  write(chunk: Uint8Array): void;
  /** Checks that the document is complete. */
  end(): void;
}

/** Containers deeper than this are refused (label sets need 3 levels). */
export const MAX_DEPTH = 512;

/** What the grammar allows next, outside a token. */
const Expect = {
  Value: 0,
  ValueOrClose: 1,
  KeyOrClose: 2,
  Key: 3,
  Colon: 4,
  CommaOrClose: 5,
  Done: 6,
} as const;
type Expect = (typeof Expect)[keyof typeof Expect];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ESCAPES = new Set(Array.from('"\\/bfnrtu', (c) => c.charCodeAt(0)));
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS: ReadonlyMap<string, JsonScalar> = new Map([
  ['true', true],
  ['false', false],
  ['null', null],
]);

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Bytes that may continue a number or a literal. */
const isWordByte = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x41 && c <= 0x5a) ||
  c === 0x2b ||
  c === 0x2d ||
  c === 0x2e;
const isHex = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const shown = (c: number): string => JSON.stringify(String.fromCharCode(c));

export const createJsonTokenizer = (handler: JsonHandler): JsonTokenizer => {
  const stack: boolean[] = []; // true: object
  let expect: Expect = Expect.Value;
  let offset = 0; // bytes before the current chunk
  // The string in progress.
  let inString = false;
  let isKey = false;
  let wanted = false;
  let escaped = false;
  let afterBackslash = false;
  let hexLeft = 0;
  let parts: Buffer[] = [];
  // The number or literal in progress.
  let word = '';

  const fail = (message: string, at: number): never => {
    throw new JsonSyntaxError(message, offset + at);
  };

  const afterValue = (): void => {
    expect = stack.length === 0 ? Expect.Done : Expect.CommaOrClose;
  };

  const finishWord = (at: number): void => {
    const literal = LITERALS.get(word);
    if (literal === undefined && !NUMBER.test(word))
      fail(`invalid literal ${JSON.stringify(word)}`, at);
    handler.value(literal === undefined ? Number(word) : literal);
    word = '';
    afterValue();
  };

  /** Ends the string in progress; `tail` is its text in the last chunk when it is wanted. */
  const finishString = (buf: Buffer, start: number, end: number): void => {
    inString = false;
    let text: string | undefined;
    if (wanted) {
      let raw: string;
      if (parts.length === 0) raw = buf.toString('utf8', start, end);
      else {
        parts.push(Buffer.from(buf.subarray(start, end)));
        raw = Buffer.concat(parts).toString('utf8');
        parts = [];
      }
      text = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
    }
    if (isKey) {
      handler.key(text ?? '');
      expect = Expect.Colon;
    } else {
      handler.value(text);
      afterValue();
    }
  };

  /** Checks one byte of an escape sequence. */
  const escapeByte = (c: number, at: number): void => {
    if (hexLeft > 0) {
      if (!isHex(c)) fail('invalid \\u escape', at);
      hexLeft--;
    } else {
      if (!ESCAPES.has(c)) fail(`invalid escape \\${String.fromCharCode(c)}`, at);
      afterBackslash = false;
      if (c === 0x75) hexLeft = 4;
    }
  };

  /** Scans string bytes from `i`; returns where scanning stopped. */
  const stringBytes = (buf: Buffer, i: number): number => {
    const start = i;
    const n = buf.length;
    while (i < n) {
      if (hexLeft > 0 || afterBackslash) {
        escapeByte(buf[i] as number, i);
        i++;
        continue;
      }
      let c = buf[i] as number;
      while (c !== QUOTE && c !== BACKSLASH && c >= 0x20) {
        if (++i === n) break;
        c = buf[i] as number;
      }
      if (i === n) break;
      if (c === QUOTE) {
        finishString(buf, start, i);
        return i + 1;
      }
      if (c === BACKSLASH) {
        escaped = true;
        afterBackslash = true;
        i++;
      } else {
        fail('control character in string', i);
      }
    }
    if (wanted) parts.push(Buffer.from(buf.subarray(start, n)));
    return n;
  };

  const startString = (key: boolean): void => {
    inString = true;
    isKey = key;
    wanted = key || handler.wantsString();
    escaped = false;
  };

  const open = (object: boolean, at: number): void => {
    if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`, at);
    stack.push(object);
    handler.open(object ? 'object' : 'array');
    expect = object ? Expect.KeyOrClose : Expect.ValueOrClose;
  };

  const close = (c: number, at: number): void => {
    const object = stack.pop();
    if (object === undefined || (c === 0x7d) !== object) fail(`unexpected ${shown(c)}`, at);
    handler.close();
    afterValue();
  };

  const valueStart = (c: number, at: number): void => {
    if (c === 0x7b) open(true, at);
    else if (c === 0x5b) open(false, at);
    else if (c === QUOTE) startString(false);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e)
      word = String.fromCharCode(c);
    else fail(`unexpected ${shown(c)}`, at);
  };

  const structural = (c: number, at: number): void => {
    switch (expect) {
      case Expect.Done:
        fail('unexpected data after the JSON value', at);
        break;
      case Expect.Colon:
        if (c !== 0x3a) fail(`expected ":", found ${shown(c)}`, at);
        expect = Expect.Value;
        break;
      case Expect.CommaOrClose:
        if (c === 0x2c) expect = stack[stack.length - 1] === true ? Expect.Key : Expect.Value;
        else close(c, at);
        break;
      case Expect.KeyOrClose:
      case Expect.Key:
        if (c === 0x7d && expect === Expect.KeyOrClose) close(c, at);
        else if (c === QUOTE) startString(true);
        else fail(`expected a key, found ${shown(c)}`, at);
        break;
      case Expect.ValueOrClose:
        if (c === 0x5d) close(c, at);
        else valueStart(c, at);
        break;
      case Expect.Value:
        valueStart(c, at);
    }
  };

  const write = (chunk: Uint8Array): void => {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    while (i < buf.length) {
      if (inString) {
        i = stringBytes(buf, i);
        continue;
      }
      const c = buf[i] as number;
      if (word !== '') {
        if (isWordByte(c)) {
          word += String.fromCharCode(c);
          i++;
          continue;
        }
        finishWord(i);
      }
      if (!isSpace(c)) structural(c, i);
      i++;
    }
    offset += buf.length;
  };

  const end = (): void => {
    if (inString) fail('unexpected end of JSON input in a string', 0);
    if (word !== '') finishWord(0);
    if (expect !== Expect.Done) fail('unexpected end of JSON input', 0);
  };

  return { write, end };
};
