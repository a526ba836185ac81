/**
 * apimachinery's validation of label keys and values (util/validation) and the error texts it
 * produces (field.Invalid, utilerrors aggregates), so selector errors read exactly as upstream's.
 */
import { goQuote } from '../lib/go-fmt/go-fmt.ts';

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const VALUE_FMT = `(${QNAME_FMT})?`;
const VALUE_MSG = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
const DNS_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_FMT = `${DNS_LABEL_FMT}(\\.${DNS_LABEL_FMT})*`;
const DNS_MSG =
  "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const QNAME_RE = new RegExp(`^${QNAME_FMT}$`);
const VALUE_RE = new RegExp(`^${VALUE_FMT}$`);
const DNS_RE = new RegExp(`^${DNS_FMT}$`);

const regexError = (msg: string, fmt: string, ...examples: string[]): string =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
/** Go's len() counts UTF-8 bytes. */
const tooLong = (s: string, max: number): string | undefined =>
  Buffer.byteLength(s, 'utf8') > max ? `must be no more than ${max} characters` : undefined;

/** validation.IsQualifiedName (the errors, none when valid): `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63. */
export const qualifiedNameErrors = (value: string): string[] => {
  const parts = value.split('/');
  const nameRule = regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc');
  if (parts.length > 2) {
    return [
      `a qualified name ${nameRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.at(-1) ?? '';
  const prefix = parts.length === 2 ? (parts[0] ?? '') : undefined;
  const errors: string[] = [];
  if (prefix === '') errors.push('prefix part must be non-empty');
  else if (prefix !== undefined) {
    const dns = [
      tooLong(prefix, 253),
      DNS_RE.test(prefix) ? undefined : regexError(DNS_MSG, DNS_FMT, 'example.com'),
    ];
    errors.push(...dns.filter((e) => e !== undefined).map((e) => `prefix part ${e}`));
  }
  const nameLength = name === '' ? 'must be non-empty' : tooLong(name, 63);
  if (nameLength !== undefined) errors.push(`name part ${nameLength}`);
  if (!QNAME_RE.test(name)) errors.push(`name part ${nameRule}`);
  return errors;
};

/** validation.IsValidLabelValue: empty, or a qualified name part of at most 63 characters. */
export const labelValueErrors = (value: string): string[] =>
  [
    tooLong(value, 63),
    VALUE_RE.test(value)
      ? undefined
      : regexError(VALUE_MSG, VALUE_FMT, 'MyValue', 'my_value', '12345'),
  ].filter((e) => e !== undefined);

/** field.Invalid(...).Error(): `<path>: Invalid value: "<value>": <details>`. */
export const fieldInvalid = (path: string, value: string, details: readonly string[]): string =>
  `${path}: Invalid value: ${goQuote(value)}: ${details.join('; ')}`;

/** utilerrors.NewAggregate(...).Error(): de-duplicated, bracketed when more than one. */
export const aggregateErrors = (messages: readonly string[]): string => {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
};
