import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildResourceMap,
  parseGroupResource,
  type ApiResource,
  type DiscoveredGroup,
} from './resource-map.ts';

const r = (name: string, kind: string, namespaced = true, singularName?: string): ApiResource => ({
  name,
  kind,
  namespaced,
  singularName,
});

const GROUPS: DiscoveredGroup[] = [
  {
    name: '',
    preferredVersion: 'v1',
    versions: [
      {
        version: 'v1',
        resources: [
          r('pods', 'Pod', true, 'pod'),
          r('pods/log', 'Pod'),
          r('nodes', 'Node', false, 'node'),
          r('events', 'Event', true, 'event'),
          r('endpoints', 'Endpoints', true, ''),
        ],
      },
    ],
  },
  {
    name: 'autoscaling',
    preferredVersion: 'v2',
    versions: [
      {
        version: 'v2',
        resources: [
          r('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, 'horizontalpodautoscaler'),
        ],
      },
      {
        version: 'v1',
        resources: [
          r('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, 'horizontalpodautoscaler'),
          r('legacythings', 'LegacyThing'),
        ],
      },
    ],
  },
  {
    name: 'events.k8s.io',
    preferredVersion: 'v1',
    versions: [{ version: 'v1', resources: [r('events', 'Event', true, 'event')] }],
  },
  {
    name: 'a.example',
    preferredVersion: 'v1',
    versions: [{ version: 'v1', resources: [r('widgets', 'Widget', true, 'widget')] }],
  },
  {
    name: 'b.example',
    preferredVersion: 'v1',
    versions: [{ version: 'v1', resources: [r('widgets', 'Widget', false, 'widget')] }],
  },
  {
    name: 'c.example',
    preferredVersion: 'v1',
    versions: [
      {
        version: 'v1',
        resources: [r('gadgets', 'Gadget', true, 'things'), r('things', 'Thing', true, 'thing')],
      },
    ],
  },
];
const map = buildResourceMap(GROUPS);
const key = (info: ReturnType<typeof map.resolve>): string | undefined =>
  info === undefined ? undefined : `${info.resource}.${info.group}/${info.version}`;

describe('ResourceMap.resolve', () => {
  const cases: { input: { group?: string; resource: string }; want: string | undefined }[] = [
    { input: { resource: 'pods' }, want: 'pods./v1' },
    { input: { resource: 'pod' }, want: 'pods./v1' },
    { input: { resource: 'Pod' }, want: 'pods./v1' },
    { input: { resource: 'PODS' }, want: 'pods./v1' },
    { input: { resource: 'pods/log' }, want: undefined },
    { input: { resource: 'events' }, want: 'events./v1' },
    { input: { group: 'events.k8s.io', resource: 'event' }, want: 'events.events.k8s.io/v1' },
    {
      input: { resource: 'horizontalpodautoscaler' },
      want: 'horizontalpodautoscalers.autoscaling/v2',
    },
    { input: { resource: 'legacything' }, want: 'legacythings.autoscaling/v1' },
    { input: { resource: 'endpoints' }, want: 'endpoints./v1' },
    { input: { resource: 'widgets' }, want: 'widgets.a.example/v1' },
    { input: { group: 'b.example', resource: 'widget' }, want: 'widgets.b.example/v1' },
    { input: { resource: 'thing' }, want: 'things.c.example/v1' },
    { input: { resource: 'things' }, want: undefined },
    { input: { group: 'B.example', resource: 'widget' }, want: undefined },
    { input: { resource: 'unknown' }, want: undefined },
    { input: { resource: '' }, want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.input)} → ${String(c.want)}`, () => {
      assert.equal(key(map.resolve(c.input)), c.want);
    });
  }

  it('returns singular, kind and scope from discovery, guessing the singular from the kind', () => {
    assert.deepEqual(map.resolve({ resource: 'node' }), {
      group: '',
      version: 'v1',
      resource: 'nodes',
      singular: 'node',
      kind: 'Node',
      namespaced: false,
    });
    assert.equal(map.resolve({ resource: 'endpoints' })?.singular, 'endpoints');
    assert.equal(map.resolve({ resource: 'legacythings' })?.singular, 'legacything');
  });
});

describe('ResourceMap.all', () => {
  it('lists each group-resource once at its priority version, core first', () => {
    assert.deepEqual(
      map.all().map((i) => `${i.resource}.${i.group}/${i.version}`),
      [
        'pods./v1',
        'nodes./v1',
        'events./v1',
        'endpoints./v1',
        'horizontalpodautoscalers.autoscaling/v2',
        'legacythings.autoscaling/v1',
        'events.events.k8s.io/v1',
        'widgets.a.example/v1',
        'widgets.b.example/v1',
        'gadgets.c.example/v1',
        'things.c.example/v1',
      ],
    );
    assert.ok(Object.isFrozen(map.all()));
  });
});

describe('parseGroupResource', () => {
  const cases: [string, { group: string; resource: string }][] = [
    ['pods', { group: '', resource: 'pods' }],
    ['deployments.apps', { group: 'apps', resource: 'deployments' }],
    ['ingresses.networking.k8s.io', { group: 'networking.k8s.io', resource: 'ingresses' }],
    ['.x', { group: 'x', resource: '' }],
  ];
  for (const [input, want] of cases) {
    it(input, () => {
      assert.deepEqual(parseGroupResource(input), want);
    });
  }
});
