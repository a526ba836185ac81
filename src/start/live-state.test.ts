import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigWithPositions } from '../config/load.ts';
import { builtinResourceMap } from '../kubernetes/builtin-resources.ts';
import { compileState } from '../rules/rules-state.ts';
import type { ApiResponse } from '../api/http-types.ts';
import { createLiveState, type AppBuilder } from './live-state.ts';

describe('live state', () => {
  it('a request in flight during a swap is answered whole by the app it started on', async () => {
    const loaded = loadConfigWithPositions('rules: []\n', 'config.yaml');
    const state = compileState(loaded, builtinResourceMap());
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let built = 0;
    // Each snapshot's app answers with its own number; the first holds its answer until released.
    const builder: AppBuilder = () => {
      const n = ++built;
      return {
        apis: [],
        app: {
          handle: async (): Promise<ApiResponse> => {
            if (n === 1) await held;
            return { status: 200, headers: {}, body: `app ${n}` };
          },
        },
      };
    };
    const live = createLiveState({ loaded, state }, builder, () => 1);
    const req = { method: 'GET', path: '/', headers: {} };
    const inFlight = live.app.handle(req);
    live.reload({ loaded, state });
    assert.equal((await live.app.handle(req)).body, 'app 2', 'new requests: the new app');
    release();
    assert.equal((await inFlight).body, 'app 1', 'the old request: the old app, whole');
    assert.equal(live.current().generation, 2);
  });
});
