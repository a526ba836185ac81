/**
 * `resources` (upstream-behaviour: resources; PA `resource_converter.go`): which series labels name
 * objects of which group-resource, through `overrides` (label → group-resource, normalised at
 * compile time) and the generic `template` (e.g. `kube_<<.Resource>>`).
 *
 * A converter is compiled against one ResourceMap snapshot. It memoises label lookups in maps it
 * owns; results only depend on that snapshot, so the converter behaves as immutable.
 */
import type { GroupResourceRef, ResourceMapping } from '../config/types.ts';
import { groupResourceString, type GroupResource, type ResourceMap } from '../kubernetes/types.ts';
import { goQuote } from '../lib/go-fmt/go-fmt.ts';
import { NamingError } from './naming-error.ts';
import { compileLabelForm, type LabelForm } from './resource-label-form.ts';

/** A compiled `resources` section: label names ↔ group-resources. */
export interface ResourceConverter {
  /**
   * The label holding objects of `gr` (a normalised group-resource): the override for it,
   * else the template with the singular resource and the group with `.`/`-` as `_`.
   * Throws NamingError when there is neither, or the template renders "".
   */
  labelForResource(gr: GroupResource): string;
  /**
   * The resources a series with these label names describes, in label order without
   * duplicates. Every label is tried: overrides first, else the template form, normalised
   * through the ResourceMap (labels naming no known resource are skipped). `namespaced` is
   * upstream's flag: true when some label maps to anything but namespaces, nodes or
   * persistentvolumes, or to nothing (the index decides per resource; upstream-behaviour: scope).
   */
  resourcesForLabels(labelNames: Iterable<string>): {
    readonly resources: readonly GroupResource[];
    readonly namespaced: boolean;
  };
}

const ROOT_SCOPED = new Set(['namespaces', 'nodes', 'persistentvolumes']);

/** Whether `gr`'s metrics are root-scoped in the custom metrics API (upstream-behaviour: scope). */
export const isRootScoped = (gr: GroupResource): boolean =>
  gr.group === '' && ROOT_SCOPED.has(gr.resource);

const keyOf = (gr: GroupResource): string => `${gr.resource}/${gr.group}`;

/** Normalises through the ResourceMap; an empty group means "any group", as the RESTMapper. */
const normalise = (map: ResourceMap, ref: GroupResourceRef): GroupResource | undefined => {
  const info = map.resolve(
    ref.group ? { group: ref.group, resource: ref.resource } : { resource: ref.resource },
  );
  return info === undefined ? undefined : { group: info.group, resource: info.resource };
};

interface Overrides {
  readonly byLabel: ReadonlyMap<string, GroupResource>;
  readonly byResource: ReadonlyMap<string, string>;
}

const compileOverrides = (mapping: ResourceMapping | undefined, map: ResourceMap): Overrides => {
  const byLabel = new Map<string, GroupResource>();
  const byResource = new Map<string, string>();
  for (const [label, ref] of Object.entries(mapping?.overrides ?? {})) {
    const gr = normalise(map, ref);
    if (gr === undefined) {
      const written = `{${ref.group ?? ''} ${ref.resource}}`;
      throw new NamingError(
        `unable to normalize group-resource ${written} for label ${goQuote(label)}: no unique resource matches ${goQuote(groupResourceString({ group: ref.group ?? '', resource: ref.resource }))}`,
      );
    }
    byLabel.set(label, gr);
    byResource.set(keyOf(gr), label);
  }
  return { byLabel, byResource };
};

/** A label's outcome: a resource, a template match naming no known resource, or nothing. */
type Outcome = GroupResource | 'unknown' | undefined;

const templateLabel = (
  form: LabelForm | undefined,
  map: ResourceMap,
  gr: GroupResource,
): string => {
  if (form === undefined)
    throw new Error('no generic resource label form specified for this metric');
  const singular = (map.resolve(gr) ?? map.resolve({ resource: gr.resource }))?.singular;
  if (singular === undefined)
    throw new Error(`unable to singularize resource ${groupResourceString(gr)}`);
  const label = form.render(gr.group.replace(/[.-]/g, '_'), singular);
  if (label === '') throw new Error('empty label produced by label template');
  return label;
};

/** Compiles one rule's `resources`; throws NamingError (upstream-behaviour: resources). */
export const compileResourceConverter = (
  mapping: ResourceMapping | undefined,
  resourceMap: ResourceMap,
): ResourceConverter => {
  const form = mapping?.template ? compileLabelForm(mapping.template) : undefined;
  const overrides = compileOverrides(mapping, resourceMap);
  const labels = new Map<string, string>();
  const outcomes = new Map<string, Outcome>();

  const labelForResource = (gr: GroupResource): string => {
    const known = overrides.byResource.get(keyOf(gr)) ?? labels.get(keyOf(gr));
    if (known !== undefined) return known;
    try {
      const label = templateLabel(form, resourceMap, gr);
      labels.set(keyOf(gr), label);
      return label;
    } catch (err) {
      const message = `unable to convert resource ${groupResourceString(gr)} into label: ${(err as Error).message}`;
      throw new NamingError(message, { cause: err });
    }
  };

  const outcomeFor = (label: string): Outcome => {
    const override = overrides.byLabel.get(label);
    if (override !== undefined || form === undefined) return override;
    if (outcomes.has(label)) return outcomes.get(label);
    const parsed = form.parse(label);
    const outcome =
      parsed === undefined ? undefined : (normalise(resourceMap, parsed) ?? 'unknown');
    outcomes.set(label, outcome);
    return outcome;
  };

  const resourcesForLabels = (labelNames: Iterable<string>) => {
    const resources = new Map<string, GroupResource>();
    let namespaced = false;
    for (const label of labelNames) {
      const outcome = outcomeFor(label);
      if (outcome === 'unknown') continue;
      if (outcome === undefined || !isRootScoped(outcome)) namespaced = true;
      if (outcome !== undefined && !resources.has(keyOf(outcome)))
        resources.set(keyOf(outcome), outcome);
    }
    return { resources: [...resources.values()], namespaced };
  };

  return Object.freeze({ labelForResource, resourcesForLabels });
};
