/**
 * The status page as plain server-side HTML: no script, no external resource, readable in any
 * browser or with curl. A pure function of the snapshot.
 */
import { el, esc, table, when, type Html } from './html.ts';
import type { ProblemView, ReloadView, StatusSnapshot } from './status-snapshot.ts';

const STYLE = `body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f2}.bad,.bad td{color:#b00020;font-weight:bold}.ok{color:#1b5e20}code{font-size:.95em}`;

const problemText = (p: ProblemView): string =>
  `${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;

const problemList = (problems: readonly ProblemView[], cls: string): Html =>
  el(
    'ul',
    problems.map((p) => el('li', problemText(p))),
    cls,
  );

const reloadSection = (r: ReloadView | undefined): Html[] => {
  if (r === undefined) return [el('p', 'No reload attempted since start.')];
  const head = `Last reload (${r.reason}) at ${when(r.at)}: `;
  if (r.ok) return [el('p', [head, el('span', 'applied', 'ok')])];
  const why = r.error === undefined ? 'rejected; the previous config is still served' : r.error;
  return [
    el('p', [head, el('span', `failed: ${why}`, 'bad')], 'bad'),
    ...(r.problems.length > 0 ? [problemList(r.problems, 'bad')] : []),
  ];
};

const configSection = (s: StatusSnapshot): Html[] => [
  el('h2', 'Configuration'),
  table(
    ['source', 'generation', 'loaded at'],
    [{ cells: [el('code', s.config.source), s.config.generation, when(s.config.loadedAt)] }],
  ),
  ...reloadSection(s.config.lastReload),
  ...(s.config.warnings.length > 0
    ? [el('p', 'Warnings:'), problemList(s.config.warnings, 'warn')]
    : []),
];

const rulesSection = (s: StatusSnapshot): Html[] => [
  el('h2', `Rules (${s.rules.length})`),
  table(
    ['#', 'rule', 'kind', 'where', 'seriesQuery', 'series', 'metrics', 'problem'],
    s.rules.map((r) => ({
      bad: r.error !== undefined,
      cells: [
        r.index,
        r.name,
        r.kind,
        el('code', r.location),
        el('code', r.seriesQuery),
        r.seriesFound ?? '–',
        r.metricsProduced,
        r.error ?? '',
      ],
    })),
  ),
];

const serviceSection = (s: StatusSnapshot): Html[] => [
  el('h2', 'Relist'),
  table(
    ['last run', 'last success', 'series queries', 'failing', 'series', 'custom', 'external'],
    [
      {
        bad: s.relist.failing.length > 0,
        cells: [
          when(s.relist.lastRunAt),
          when(s.relist.lastSuccessAt),
          s.relist.queries,
          s.relist.failing.length === 0
            ? 'none'
            : `${s.relist.failing.length}: ${s.relist.lastError ?? ''}`,
          s.counts.series,
          s.counts.customMetrics,
          s.counts.externalMetrics,
        ],
      },
    ],
  ),
  el('h2', 'Backends'),
  table(
    ['backend', 'URL', 'health'],
    s.backends.map((b) => ({
      bad: !b.healthy,
      cells: [b.backend, el('code', b.url), b.detail],
    })),
  ),
  el('h2', 'APIs served'),
  el(
    'ul',
    s.apis.map((a) => el('li', el('code', a))),
  ),
  el('h2', 'Readiness'),
  table(
    ['check', 'state'],
    s.readiness.map((c) => ({
      bad: !c.ok,
      cells: [c.name, c.ok ? 'ok' : (c.reason ?? 'failing')],
    })),
  ),
];

export const renderStatusHtml = (s: StatusSnapshot): string =>
  [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>prometheus-adapter status</title><style>${STYLE}</style></head><body>`,
    el('h1', 'prometheus-adapter status').html,
    el('p', `Version ${s.version}; page generated at ${when(s.generatedAt)}.`).html,
    ...[...configSection(s), ...rulesSection(s), ...serviceSection(s)].map((h) => h.html),
    `<p><a href="?format=json">${esc('This page as JSON')}</a></p>`,
    '</body></html>',
  ].join('\n');
