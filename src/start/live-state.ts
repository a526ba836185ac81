/**
 * What the adapter serves, as one immutable snapshot: the loaded config, the rules compiled from it
 * and the app built from those. A reload or a resource-map refresh builds a whole new snapshot and
 * swaps it in with one assignment; every request is handled by the snapshot current when it
 * arrived, so none ever sees a half-built one, and the API groups served may change with it.
 */
import type { App } from '../api/app.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { RulesState } from '../rules/rules-state.ts';

/** What an app is built from. */
export interface LiveInput {
  readonly loaded: LoadedConfig;
  readonly state: RulesState;
}

export interface LiveSnapshot extends LiveInput {
  readonly app: App;
  /** API groups the app serves. */
  readonly apis: readonly string[];
  /** 1 for the config loaded at start, +1 for each reload applied (not for a refresh). */
  readonly generation: number;
  /** When this snapshot's config was loaded (ms epoch). */
  readonly loadedAt: number;
}

/** Builds the app for one input (start/app-for-state.ts). */
export type AppBuilder = (input: LiveInput) => { readonly app: App; readonly apis: string[] };

export interface LiveState {
  current(): LiveSnapshot;
  /** Installs a new config (a reload): the generation goes up. */
  reload(input: LiveInput): LiveSnapshot;
  /** Installs a recompiled state of the same config (a resource-map refresh). */
  refresh(state: RulesState): LiveSnapshot;
  /** An app that hands every request to the current snapshot's app. */
  readonly app: App;
}

export const createLiveState = (
  first: LiveInput,
  build: AppBuilder,
  now: () => number,
): LiveState => {
  const snapshot = (input: LiveInput, generation: number, loadedAt: number): LiveSnapshot =>
    Object.freeze({ ...input, ...build(input), generation, loadedAt });
  let current = snapshot(first, 1, now());
  return {
    current: () => current,
    reload: (input) => {
      current = snapshot(input, current.generation + 1, now());
      return current;
    },
    refresh: (state) => {
      current = snapshot({ loaded: current.loaded, state }, current.generation, current.loadedAt);
      return current;
    },
    app: { handle: (req) => current.app.handle(req) },
  };
};
