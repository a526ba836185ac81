import { KubernetesError } from '../../src/kubernetes/kubernetes-error.ts';

/** True for an apiserver "not found" answer. */
export const isNotFound = (err: unknown): boolean =>
  err instanceof KubernetesError && err.status === 404;
/** True for an apiserver "already exists"/conflict answer. */
export const isConflict = (err: unknown): boolean =>
  err instanceof KubernetesError && err.status === 409;
