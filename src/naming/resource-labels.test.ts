import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ResourceMapping } from '../config/types.ts';
import type { GroupResource } from '../kubernetes/types.ts';
import { fakeResourceMap } from '../../test/support/fake-resource-map.ts';
import { NamingError } from './naming-error.ts';
import { compileResourceConverter, isRootScoped } from './resource-labels.ts';

const converter = (mapping?: ResourceMapping) => compileResourceConverter(mapping, fakeResourceMap);
const gr = (resource: string, group = ''): GroupResource => ({ group, resource });
const names = (grs: readonly GroupResource[]): string[] =>
  grs.map((g) => (g.group === '' ? g.resource : `${g.resource}.${g.group}`));

const throwsNaming = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (err: unknown) => err instanceof NamingError && pattern.test(err.message));
};

describe('labelForResource (upstream-behaviour: resources)', () => {
  const cases: readonly [string, GroupResource, string][] = [
    ['<<.Resource>>', gr('pods'), 'pod'],
    ['kube_<<.Resource>>', gr('pods'), 'kube_pod'],
    ['kube_<<.Group>>_<<.Resource>>', gr('deployments', 'apps'), 'kube_apps_deployment'],
    ['kube_<<.Group>>_<<.Resource>>', gr('pods'), 'kube__pod'],
    ['<<.Group>>/<<.Resource>>', gr('ingresses', 'networking.k8s.io'), 'networking_k8s_io/ingress'],
  ];
  for (const [template, resource, want] of cases) {
    it(`${template} for ${names([resource]).join()}`, () => {
      assert.equal(converter({ template }).labelForResource(resource), want);
    });
  }
  it('prefers the override for the resource', () => {
    const c = converter({
      template: 'kube_<<.Resource>>',
      overrides: { exported_pod: { resource: 'pod' } },
    });
    assert.equal(c.labelForResource(gr('pods')), 'exported_pod');
    assert.equal(c.labelForResource(gr('nodes')), 'kube_node');
  });
  it('normalises overrides (singular, plural, group)', () => {
    const c = converter({
      overrides: {
        namespace: { resource: 'namespace' },
        deploy: { group: 'apps', resource: 'Deployment' },
      },
    });
    assert.equal(c.labelForResource(gr('namespaces')), 'namespace');
    assert.equal(c.labelForResource(gr('deployments', 'apps')), 'deploy');
  });
  it('fails without a template or override for the resource', () => {
    throwsNaming(
      () => converter({ overrides: { pod: { resource: 'pods' } } }).labelForResource(gr('nodes')),
      /^unable to convert resource nodes into label: no generic resource label form specified for this metric$/,
    );
    throwsNaming(
      () => converter(undefined).labelForResource(gr('pods')),
      /no generic resource label form/,
    );
  });
  it('fails on an empty label', () => {
    throwsNaming(
      () =>
        converter({ template: '<<if ne .Resource "pod">><<.Resource>><<end>>' }).labelForResource(
          gr('pods'),
        ),
      /empty label produced by label template$/,
    );
  });
});

describe('resourcesForLabels', () => {
  it('maps every label of the (upstream-behaviour: resources) table with <<.Resource>>', () => {
    const c = converter({ template: '<<.Resource>>' });
    const labels = [
      'pod',
      'namespace',
      'node',
      'service',
      'job',
      'deployment',
      'ingress',
      'instance',
      'container',
      'le',
    ];
    const { resources } = c.resourcesForLabels(labels);
    assert.deepEqual(names(resources), [
      'pods',
      'namespaces',
      'nodes',
      'services',
      'jobs.batch',
      'deployments.apps',
      'ingresses.networking.k8s.io',
    ]);
  });
  it('matches prefixed templates only when the prefix is there', () => {
    const c = converter({ template: 'kube_<<.Resource>>' });
    assert.deepEqual(
      names(c.resourcesForLabels(['kube_pod', 'pod', 'kube_nope', 'kube_namespace']).resources),
      ['pods', 'namespaces'],
    );
  });
  it('extracts the group from the label (core needs a non-empty group, as upstream)', () => {
    const c = converter({ template: 'kube_<<.Group>>_<<.Resource>>' });
    assert.deepEqual(
      names(
        c.resourcesForLabels(['kube_apps_deployment', 'kube_batch_job', 'kube__pod']).resources,
      ),
      ['deployments.apps', 'jobs.batch'],
    );
  });
  it('escapes the literal template text (unlike upstream)', () => {
    const c = converter({ template: 'k.<<.Resource>>' });
    assert.deepEqual(names(c.resourcesForLabels(['k.pod', 'kxpod']).resources), ['pods']);
  });
  it('uses overrides before the template and removes duplicates', () => {
    const c = converter({
      template: '<<.Resource>>',
      overrides: { kube_pod: { resource: 'pods' }, service: { resource: 'nodes' } },
    });
    assert.deepEqual(names(c.resourcesForLabels(['kube_pod', 'pod', 'service']).resources), [
      'pods',
      'nodes',
    ]);
  });
  it('uses only overrides without a template (config-gen container rules)', () => {
    const c = converter({
      overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } },
    });
    assert.deepEqual(
      names(c.resourcesForLabels(['namespace', 'pod', 'container', 'node']).resources),
      ['namespaces', 'pods'],
    );
  });
  it('returns the same answer on repeated calls', () => {
    const c = converter({ template: '<<.Resource>>' });
    const first = c.resourcesForLabels(['pod', 'nope']);
    assert.deepEqual(c.resourcesForLabels(new Set(['pod', 'nope'])), first);
  });
  const namespacedCases: readonly [string, readonly string[], boolean][] = [
    ['a namespaced resource', ['pod', 'namespace'], true],
    ['only root-scoped resources', ['namespace', 'node'], false],
    ['a label naming no resource counts (upstream quirk)', ['namespace', 'instance'], true],
    ['a template match naming no resource is skipped', ['namespace', 'kube_nope'], false],
    ['no labels', [], false],
  ];
  for (const [name, labels, want] of namespacedCases) {
    it(`namespaced flag: ${name}`, () => {
      const c = converter({
        template: 'kube_<<.Resource>>',
        overrides: { namespace: { resource: 'namespaces' }, node: { resource: 'nodes' } },
      });
      assert.equal(c.resourcesForLabels(labels).namespaced, want);
    });
  }
});

describe('compileResourceConverter errors', () => {
  it('rejects an override naming an unknown resource, naming the label', () => {
    throwsNaming(
      () => converter({ overrides: { kube_thing: { group: 'example.com', resource: 'things' } } }),
      /^unable to normalize group-resource \{example\.com things\} for label "kube_thing"/,
    );
  });
  it('requires .Resource in the template', () => {
    throwsNaming(
      () => converter({ template: 'kube_<<.Group>>' }),
      /^unable to generate label format from template "kube_<<\.Group>>": must include at least `<<\.Resource>>` in the label template$/,
    );
  });
  it('reports template parse errors', () => {
    throwsNaming(
      () => converter({ template: '<<.Resource' }),
      /^unable to parse label template "<<\.Resource": template: resource-label:1: unclosed action$/,
    );
  });
  it('rejects fields other than Group and Resource at compile time', () => {
    throwsNaming(() => converter({ template: '<<.Kind>>' }), /can't evaluate field Kind/);
  });
});

describe('isRootScoped', () => {
  it('is true for core namespaces, nodes and persistentvolumes only', () => {
    assert.deepEqual(
      [
        gr('namespaces'),
        gr('nodes'),
        gr('persistentvolumes'),
        gr('pods'),
        gr('nodes', 'example.com'),
      ].map(isRootScoped),
      [true, true, true, false, false],
    );
  });
});
