import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { silentLogger } from '../log.ts';
import { createAuthenticator, type AuthRequest } from './authenticate.ts';
import { requestHeaderConfigOf, type AuthnConfig } from './authn-config.ts';
import { parseCaBundle } from './cert-chain.ts';
import type { HeaderInput } from './headers.ts';
import { issue, issueCa, type TestCert } from '../../test/support/pki.ts';
import { createTokenAuthenticator } from './token.ts';

const DAY = 86_400_000;
type Certs = Record<'proxy' | 'proxyEvil' | 'proxyWrongCa' | 'proxyExpired' | 'alice', TestCert>;

interface World {
  readonly certs: Certs;
  readonly config: AuthnConfig;
  readonly proxyCaRotated: AuthnConfig;
}

const makeWorld = async (): Promise<World> => {
  const clientCa = await issueCa('client-ca');
  const proxyCa = await issueCa('front-proxy-ca');
  const otherCa = await issueCa('other-ca');
  const now = Date.now();
  const certs: Certs = {
    proxy: await issue({ cn: 'front-proxy-client', issuer: proxyCa }),
    proxyEvil: await issue({ cn: 'evil', issuer: proxyCa }),
    proxyWrongCa: await issue({ cn: 'front-proxy-client', issuer: otherCa }),
    proxyExpired: await issue({
      cn: 'front-proxy-client',
      issuer: proxyCa,
      notBefore: new Date(now - 5 * DAY),
      notAfter: new Date(now - DAY),
    }),
    alice: await issue({ cn: 'alice', o: ['dev'], issuer: clientCa }),
  };
  const headers = {
    allowedNames: ['front-proxy-client'],
    usernameHeaders: ['X-Remote-User'],
    groupHeaders: ['X-Remote-Group'],
    extraPrefixes: ['X-Remote-Extra-'],
  };
  const clientPool = parseCaBundle(clientCa.pem, 'client');
  return {
    certs,
    config: {
      clientCa: clientPool,
      requestHeader: requestHeaderConfigOf(parseCaBundle(proxyCa.pem, 'proxy'), headers),
    },
    proxyCaRotated: {
      clientCa: clientPool,
      requestHeader: requestHeaderConfigOf(parseCaBundle(otherCa.pem, 'proxy2'), headers),
    },
  };
};

const tokens = createTokenAuthenticator({
  review: (token) =>
    Promise.resolve({
      authenticated: token === 'good',
      user: { username: 'sa', uid: '', groups: ['system:serviceaccounts'], extra: {} },
      error: '',
    }),
  log: silentLogger(),
});

const request = (
  cert: TestCert | undefined,
  headers: HeaderInput,
  connection?: object,
): AuthRequest => ({
  headers,
  peerChain: (): readonly X509Certificate[] => (cert === undefined ? [] : [cert.x509]),
  connection,
});

describe('createAuthenticator (the union)', () => {
  let w: World;
  before(async () => {
    w = await makeWorld();
  });
  const forged = { 'x-remote-user': ['mallory'], 'x-remote-group': ['system:masters'] };
  const proxied = {
    'x-remote-user': ['alice'],
    'x-remote-group': ['g1', 'g2'],
    'x-remote-extra-scopes': ['s'],
  };

  const cases: readonly {
    name: string;
    cert?: keyof Certs;
    headers: HeaderInput;
    want: unknown;
    strip?: readonly string[];
  }[] = [
    {
      name: 'no credentials: anonymous',
      headers: {},
      want: {
        kind: 'anonymous',
        user: { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} },
      },
      strip: [],
    },
    {
      name: 'forged X-Remote-User without a certificate: anonymous, headers stripped',
      headers: forged,
      want: {
        kind: 'anonymous',
        user: { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} },
      },
      strip: ['x-remote-user', 'x-remote-group'],
    },
    {
      name: 'front proxy: headers name the user',
      cert: 'proxy',
      headers: proxied,
      want: {
        kind: 'authenticated',
        user: {
          name: 'alice',
          groups: ['g1', 'g2', 'system:authenticated'],
          extra: { scopes: ['s'] },
        },
      },
      strip: ['x-remote-user', 'x-remote-group', 'x-remote-extra-scopes'],
    },
    {
      name: 'proxy cert from the wrong CA: 401',
      cert: 'proxyWrongCa',
      headers: proxied,
      want: 'rejected',
    },
    {
      name: 'proxy cert with a CN not allowed: 401',
      cert: 'proxyEvil',
      headers: proxied,
      want: 'rejected',
    },
    { name: 'expired proxy cert: 401', cert: 'proxyExpired', headers: proxied, want: 'rejected' },
    {
      name: 'proxy cert without a username header: 401',
      cert: 'proxy',
      headers: {},
      want: 'rejected',
    },
    {
      name: 'client-CA cert cannot act as a proxy: it is its CN, headers ignored',
      cert: 'alice',
      headers: forged,
      want: {
        kind: 'authenticated',
        user: { name: 'alice', groups: ['dev', 'system:authenticated'], extra: {} },
      },
      strip: ['x-remote-user', 'x-remote-group'],
    },
    {
      name: 'a valid certificate wins over a garbage token',
      cert: 'alice',
      headers: { authorization: ['Bearer garbage'] },
      want: {
        kind: 'authenticated',
        user: { name: 'alice', groups: ['dev', 'system:authenticated'], extra: {} },
      },
      strip: [],
    },
    {
      name: 'a bad certificate with a good token: the token user, authorization stripped',
      cert: 'proxyWrongCa',
      headers: { authorization: ['Bearer good'] },
      want: {
        kind: 'authenticated',
        user: { name: 'sa', groups: ['system:serviceaccounts', 'system:authenticated'], extra: {} },
      },
      strip: ['authorization'],
    },
    {
      name: 'garbage token: 401, not anonymous',
      headers: { authorization: ['Bearer garbage'] },
      want: 'rejected',
    },
    {
      name: 'another scheme is no credential',
      headers: { authorization: ['Basic YTpi'] },
      want: {
        kind: 'anonymous',
        user: { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const authenticate = createAuthenticator({ config: () => w.config, token: tokens });
      const cert = c.cert === undefined ? undefined : w.certs[c.cert];
      const { result, stripHeaders } = await authenticate(request(cert, c.headers));
      if (c.want === 'rejected') assert.equal(result.kind, 'rejected');
      else assert.deepEqual(result, c.want);
      if (c.strip !== undefined) assert.deepEqual(stripHeaders, c.strip);
    });
  }

  it('without a token authenticator a bearer token is ignored', async () => {
    const authenticate = createAuthenticator({ config: () => w.config });
    const { result } = await authenticate(request(undefined, { authorization: ['Bearer good'] }));
    assert.equal(result.kind, 'anonymous');
  });

  it('reads the chain once per connection and follows a CA rotation', async () => {
    let config = w.config;
    const authenticate = createAuthenticator({ config: () => config });
    const connection = {};
    let reads = 0;
    const req: AuthRequest = {
      headers: { 'x-remote-user': ['alice'] },
      peerChain: () => {
        reads += 1;
        return [w.certs.proxy.x509];
      },
      connection,
    };
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await authenticate(req)).result.kind, 'authenticated');
    }
    config = w.proxyCaRotated;
    assert.equal((await authenticate(req)).result.kind, 'rejected');
    config = w.config;
    assert.equal((await authenticate(req)).result.kind, 'authenticated');
    assert.equal(reads, 1);
  });

  it('on one connection, follows the identity headers from request to request', async () => {
    const authenticate = createAuthenticator({ config: () => w.config });
    const connection = {};
    const as = async (headers: HeaderInput) =>
      (await authenticate(request(w.certs.proxy, headers, connection))).result;
    const alice = await as(proxied);
    const again = await as({ ...proxied, accept: ['*/*'] });
    const bob = await as({ ...proxied, 'x-remote-user': ['bob'] });
    const none = await as({ 'x-remote-group': ['g1'] });
    assert.ok(alice.kind === 'authenticated' && again.kind === 'authenticated');
    assert.equal(again.user, alice.user, 'one user object for repeated headers');
    assert.deepEqual(bob.kind === 'authenticated' && bob.user.name, 'bob');
    // Without a username the proxy certificate is tried as a client certificate, and fails.
    assert.equal(none.kind, 'rejected');
  });

  it("hands a connection's client-certificate user out as one object", async () => {
    const authenticate = createAuthenticator({ config: () => w.config });
    const connection = {};
    const first = await authenticate(request(w.certs.alice, {}, connection));
    const second = await authenticate(request(w.certs.alice, {}, connection));
    assert.deepEqual(first.result, {
      kind: 'authenticated',
      user: { name: 'alice', groups: ['dev', 'system:authenticated'], extra: {} },
    });
    assert.ok(second.result.kind === 'authenticated' && first.result.kind === 'authenticated');
    assert.equal(second.result.user, first.result.user);
  });

  it('does not add system:authenticated twice', async () => {
    const authenticate = createAuthenticator({ config: () => w.config });
    const { result } = await authenticate(
      request(w.certs.proxy, {
        'x-remote-user': ['u'],
        'x-remote-group': ['system:authenticated'],
      }),
    );
    assert.deepEqual(result.kind === 'authenticated' && result.user.groups, [
      'system:authenticated',
    ]);
  });
});
