/** A normalised Kubernetes group-resource: `resource` is the lowercase plural, `group` "" for core. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** What discovery tells about one resource (the preferred version's view). */
export interface ResourceInfo {
  readonly group: string;
  /** Preferred version, e.g. `v1`. */
  readonly version: string;
  /** Lowercase plural, e.g. `pods`. */
  readonly resource: string;
  /** Lowercase singular, e.g. `pod` (from discovery or guessed from the kind). */
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/**
 * Immutable view of the cluster's resources built from `/api` + `/apis` discovery, with the
 * priorities of client-go's DiscoveryRESTMapper (core v1 first, then groups in discovery order).
 */
export interface ResourceMap {
  /**
   * Normalises `pod`, `pods`, `Pod`, `deployments.apps`, `deployment` … to the one resource it
   * names. Returns undefined when nothing matches or the match is ambiguous.
   */
  resolve(ref: { readonly group?: string; readonly resource: string }): ResourceInfo | undefined;
  /** Every known resource (no subresources). */
  all(): readonly ResourceInfo[];
}

/** `resource` for the core group, else `resource.group` (GroupResource.String()). */
export const groupResourceString = (gr: GroupResource): string =>
  gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
