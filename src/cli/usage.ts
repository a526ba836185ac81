/** Usage text in spf13/pflag's `FlagUsages` layout: name and type, aligned help, non-zero defaults. */
import { formatGoDuration } from '../lib/go-fmt/go-fmt.ts';
import type { FlagSpec } from './flag-spec.ts';
import type { FlagType, FlagValue, NamedCertKey } from './values.ts';

const TYPE_NAMES: Readonly<Record<FlagType, string>> = {
  string: 'string',
  bool: '',
  int: 'int',
  level: 'Level',
  float: 'float32',
  duration: 'duration',
  ip: 'ip',
  stringArray: 'stringArray',
  stringSlice: 'strings',
  namedCertKey: 'namedCertKey',
};

const isZero = (value: FlagValue): boolean =>
  value === '' ||
  value === 0 ||
  value === false ||
  (typeof value === 'object' && value.length === 0);

/** pflag's rendering of a default: `"x"` for strings, `10m0s` for durations, `[a,b]` for lists. */
const showDefault = (spec: FlagSpec): string => {
  const value = spec.default;
  if (spec.type === 'string') return JSON.stringify(value);
  if (spec.type === 'duration' && typeof value === 'number') return formatGoDuration(value);
  if (typeof value === 'object') {
    const items: readonly (string | NamedCertKey)[] = value;
    return `[${items.map((v) => (typeof v === 'string' ? v : `${v.certFile},${v.keyFile}`)).join(',')}]`;
  }
  return String(value);
};

const left = (spec: FlagSpec): string => {
  const short = spec.shorthand === undefined ? '    ' : `-${spec.shorthand}, `;
  const type = TYPE_NAMES[spec.type];
  return `  ${short}--${spec.name}${type === '' ? '' : ` ${type}`}`;
};

const right = (spec: FlagSpec): string => {
  const deflt = isZero(spec.default) ? '' : ` (default ${showDefault(spec)})`;
  const note = spec.deprecated === undefined ? '' : ` (DEPRECATED: ${spec.deprecated})`;
  return `${spec.usage}${deflt}${note}`;
};

/** `header`, a blank line, `Flags:` and one aligned line per flag (plus `-h, --help`). */
export const formatUsage = (header: string, specs: readonly FlagSpec[]): string => {
  const rows: [string, string][] = [
    ...specs.map((s): [string, string] => [left(s), right(s)]),
    ['  -h, --help', 'help for adapter'],
  ];
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = rows.map(([l, r]) => `${l.padEnd(width)}   ${r}`);
  return `${header}\n\nFlags:\n${lines.join('\n')}\n`;
};
