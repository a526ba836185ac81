/**
 * Test support: the authentication flags of a test adapter: no CA files, no allowed names, the
 * usual `X-Remote-*` request headers, and the ConfigMap lookup on (failures not tolerated).
 */
import type { ExtensionAuthFlags } from '../../src/auth/config-combiner.ts';

export const EXTENSION_AUTH_FLAGS: ExtensionAuthFlags = {
  clientCaFile: '',
  requestheaderClientCaFile: '',
  requestheaderAllowedNames: [],
  requestheaderUsernameHeaders: ['X-Remote-User'],
  requestheaderGroupHeaders: ['X-Remote-Group'],
  requestheaderExtraHeadersPrefix: ['X-Remote-Extra-'],
  authenticationSkipLookup: false,
  authenticationTolerateLookupFailure: false,
};
