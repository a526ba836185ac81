/** An Explanation as text a person reads top to bottom. */
import { whereOf } from './rule-ref.ts';
import type { QueryTarget } from '../prometheus/types.ts';
import type { Explanation, ObjectFate, QueryRecord, RuleRef } from './types.ts';

const INDENT = '            ';
const row = (title: string, text: string): string => `${title.padEnd(INDENT.length)}${text}`;
const more = (text: string): string => `${INDENT}${text}`;

const labelsText = (labels: Readonly<Record<string, string>>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

const ruleText = (r: RuleRef): string => `${r.path} at ${whereOf(r)} (${r.name})`;

const requestLines = (e: Explanation): string[] => {
  const r = e.request;
  return [
    row('Request', `GET ${r.path}`),
    row('API', r.api === undefined ? r.group : `${r.group} ${r.version}: ${r.route || '?'}`),
    ...(r.labelSelector === '' ? [] : [more(`labelSelector: ${r.labelSelector}`)]),
    ...(r.metricLabelSelector === ''
      ? []
      : [more(`metricLabelSelector: ${r.metricLabelSelector}`)]),
    ...(r.problem === undefined ? [] : [row('Problem', r.problem)]),
    row('At', e.at),
  ];
};

const ruleLines = (e: Explanation): string[] => {
  if (e.rule !== undefined) {
    const from = e.rule.seriesName === undefined ? '' : `, from series ${e.rule.seriesName}`;
    return [row('Rule', `${ruleText(e.rule)}${from}`)];
  }
  if (e.request.problem !== undefined || e.request.api === 'resource') {
    return e.request.api === 'resource'
      ? [row('Rule', 'none: the config has no resourceRules')]
      : [];
  }
  const lines = [row('Rule', 'none serves this metric')];
  if (e.nearMisses.length === 0) lines.push(more('no rule came close'));
  for (const m of e.nearMisses) {
    lines.push(more(`${ruleText(m.rule)}:`));
    for (const reason of m.reasons) lines.push(more(`  - ${reason.message}`));
  }
  if (e.didYouMean.length > 0) lines.push(more(`did you mean: ${e.didYouMean.join(', ')}?`));
  return lines;
};

/** `backend vm, answered by http://…, tenant header X-Scope-OrgID: team-a`. */
export const targetText = (t: QueryTarget): string =>
  [
    `backend ${t.name}`,
    t.url === undefined ? 'no URL answered' : `answered by ${t.url}`,
    t.tenant === undefined
      ? 'no tenant header'
      : `tenant header ${t.tenant.header}: ${JSON.stringify(t.tenant.value)}`,
  ].join(', ');

const queryLines = (q: QueryRecord): string[] => [
  row('PromQL', q.promql),
  ...(q.backend === undefined ? [] : [more(targetText(q.backend))]),
  more(`evaluated at ${new Date(q.time * 1000).toISOString()} (${q.time})`),
  ...(q.error === undefined
    ? [
        more(
          `${q.samples.length} sample(s)${q.resultType === undefined ? '' : ` (${q.resultType})`}:`,
        ),
        ...q.samples.map((s) => more(`  ${labelsText(s.labels)} ${s.value} @ ${s.timestamp}`)),
      ]
    : [more(`failed: ${q.error}`)]),
];

const fateText = (f: ObjectFate): string =>
  f.kind === 'served'
    ? `served ${f.value}`
    : f.kind === 'served-nonfinite'
      ? `served ${f.value} (${f.message})`
      : `dropped: ${f.message}`;

const objectLines = (e: Explanation): string[] => {
  const lines: string[] = [];
  if (e.objects !== undefined) {
    const how = e.request.name === '*' ? 'matched the selector' : 'named in the path';
    lines.push(
      row(
        'Objects',
        `${e.objects.length} ${how}${e.objects.length > 0 ? `: ${e.objects.join(', ')}` : ''}`,
      ),
    );
  }
  lines.push(...e.queries.flatMap(queryLines));
  if (e.outcomes.length > 0) {
    lines.push(
      row('Per object', e.objectLabel === undefined ? '' : `(matched on label ${e.objectLabel})`),
    );
    const width = Math.max(...e.outcomes.map((o) => o.name.length));
    for (const o of e.outcomes) lines.push(more(`  ${o.name.padEnd(width)}  ${fateText(o.fate)}`));
  }
  for (const s of e.straySamples) lines.push(row('Stray', `${labelsText(s.labels)} ${s.message}`));
  return lines;
};

const squeezeBlank = (lines: readonly string[]): string[] =>
  lines.filter((l, i) => l !== '' || (i > 0 && lines[i - 1] !== ''));

/** The whole explanation; the answer's JSON is indented as kubectl prints it. */
export const renderText = (e: Explanation): string =>
  squeezeBlank([
    ...requestLines(e),
    '',
    ...ruleLines(e),
    '',
    ...objectLines(e),
    '',
    row('Answer', `HTTP ${e.answer.status}`),
    ...JSON.stringify(e.answer.body, null, 2)
      .split('\n')
      .map((l) => more(l)),
    '',
    row('Verdict', e.verdict),
    '',
  ]).join('\n');
