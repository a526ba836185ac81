/**
 * A block-style YAML printer that reproduces gopkg.in/yaml.v2 `Marshal` output for trees of
 * strings, booleans, lists and ordered mappings: 2-space indent, lists under a key not indented,
 * `[]`/`{}` for empty collections, and long scalars folded after column 80.
 */
import { chooseStyle, writeScalar, type Writer } from './yaml-v2-scalar.ts';

/** A printable value. Mappings print in their insertion order (sort Go maps with `goMapKeyCompare`). */
export type YamlNode = string | boolean | readonly YamlNode[] | ReadonlyMap<string, YamlNode>;

const cp = (c: string | undefined): number => c?.codePointAt(0) ?? 0;
const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);

const digitRun = (
  chars: readonly string[],
  from: number,
  seed: number,
): readonly [number, number] => {
  let n = seed;
  let i = from;
  for (; i < chars.length && isDigit(chars[i]); i++) n = n * 10 + (cp(chars[i]) - 48);
  return [n, i];
};

/** yaml.v2's map key order: letters after other characters, digit runs compared as numbers. */
const keyLess = (a: string, b: string): boolean => {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i];
    const y = br[i];
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return cp(x) < cp(y);
    if (xl || yl) return yl;
    let seed = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          seed = 1;
          break;
        }
      }
    }
    const [an, ai] = digitRun(ar, i, seed);
    const [bn, bi] = digitRun(br, i, seed);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return cp(x) < cp(y);
  }
  return ar.length < br.length;
};

/** Comparator giving the order yaml.v2 prints Go map keys in. */
export const goMapKeyCompare = (a: string, b: string): number =>
  keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;

const createWriter = (): Writer & { text(): string } => {
  let text = '';
  let column = 0;
  return {
    get column() {
      return column;
    },
    put(s: string) {
      text += s;
      const nl = s.lastIndexOf('\n');
      column = nl < 0 ? column + Array.from(s).length : Array.from(s.slice(nl + 1)).length;
    },
    newline(indent: number) {
      text += `\n${' '.repeat(indent)}`;
      column = indent;
    },
    text: () => text,
  };
};

const isList = (v: YamlNode): v is readonly YamlNode[] => Array.isArray(v);

/** A value after `key:` or `-` (nothing written yet after the indicator); `indent` is the owner's. */
const emitValue = (w: Writer, value: YamlNode, indent: number, inList: boolean): void => {
  if (typeof value === 'string') {
    w.put(' ');
    writeScalar(w, value, indent + 2, chooseStyle(value));
  } else if (typeof value === 'boolean') {
    w.put(value ? ' true' : ' false');
  } else if (isList(value)) {
    if (value.length === 0) w.put(' []');
    else emitList(w, value, inList ? indent + 2 : indent, inList);
  } else if (value.size === 0) {
    w.put(' {}');
  } else {
    if (inList) w.put(' ');
    emitMapping(w, value, indent + 2, inList);
  }
};

const emitList = (
  w: Writer,
  list: readonly YamlNode[],
  indent: number,
  firstInline: boolean,
): void => {
  for (const [i, item] of list.entries()) {
    if (i === 0 && firstInline) w.put(' ');
    else w.newline(indent);
    w.put('-');
    emitValue(w, item, indent, true);
  }
};

const emitMapping = (
  w: Writer,
  map: ReadonlyMap<string, YamlNode>,
  indent: number,
  firstInline: boolean,
): void => {
  let first = true;
  for (const [key, value] of map) {
    if (!(first && firstInline)) w.newline(indent);
    first = false;
    writeScalar(w, key, indent, chooseStyle(key, true), false);
    w.put(':');
    emitValue(w, value, indent, false);
  }
};

/** Prints a document whose root is a mapping, ending with a newline (no `---`). */
export const emitYamlV2 = (root: ReadonlyMap<string, YamlNode>): string => {
  if (root.size === 0) return '{}\n';
  const w = createWriter();
  emitMapping(w, root, 0, true);
  return `${w.text()}\n`;
};
