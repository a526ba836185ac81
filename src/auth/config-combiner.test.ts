import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log.ts';
import { ExtensionAuthDataError, parseExtensionAuthData } from './authn-config.ts';
import { createAuthnCombiner } from './config-combiner.ts';
import { EXTENSION_AUTH_FLAGS as FLAGS } from '../../test/support/extension-auth-flags.ts';
import { issueCa, type TestCert } from '../../test/support/pki.ts';

describe('parseExtensionAuthData', () => {
  it('reads the keys, JSON arrays included', () => {
    assert.deepEqual(
      parseExtensionAuthData({
        'client-ca-file': 'C',
        'requestheader-client-ca-file': 'R',
        'requestheader-username-headers': '["X-Remote-User"]',
        'requestheader-group-headers': '["X-Remote-Group"]',
        'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
        'requestheader-allowed-names': '["front-proxy-client"]',
      }),
      {
        clientCaPem: 'C',
        requestHeaderCaPem: 'R',
        usernameHeaders: ['X-Remote-User'],
        groupHeaders: ['X-Remote-Group'],
        extraPrefixes: ['X-Remote-Extra-'],
        allowedNames: ['front-proxy-client'],
      },
    );
  });
  it('treats missing keys, a missing ConfigMap and null as empty', () => {
    const empty = {
      clientCaPem: '',
      requestHeaderCaPem: '',
      usernameHeaders: [],
      groupHeaders: [],
      extraPrefixes: [],
      allowedNames: [],
    };
    assert.deepEqual(parseExtensionAuthData(undefined), empty);
    assert.deepEqual(parseExtensionAuthData({ 'requestheader-allowed-names': 'null' }), empty);
  });
  for (const bad of ['[x', '"a"', '[1]', '{}']) {
    it(`rejects ${bad}`, () => {
      assert.throws(
        () => parseExtensionAuthData({ 'requestheader-group-headers': bad }),
        ExtensionAuthDataError,
      );
    });
  }
});

describe('createAuthnCombiner', () => {
  let a: TestCert;
  let b: TestCert;
  before(async () => {
    [a, b] = await Promise.all([issueCa('ca-a'), issueCa('ca-b')]);
  });
  const cm = (overrides: Record<string, string> = {}) => ({
    'client-ca-file': a.pem,
    'requestheader-client-ca-file': b.pem,
    'requestheader-username-headers': '["X-CM-User"]',
    'requestheader-group-headers': '["X-CM-Group"]',
    'requestheader-extra-headers-prefix': '["X-CM-Extra-"]',
    'requestheader-allowed-names': '["aggregator"]',
    ...overrides,
  });
  const subjects = (pool: { certs: readonly { subject: string }[] } | undefined) =>
    pool?.certs.map((c) => c.subject);

  it('takes everything from the ConfigMap when no CA flag is set (header flags ignored)', () => {
    const combine = createAuthnCombiner(FLAGS, createLogger({ verbosity: -1 }));
    const config = combine({
      clientCaFilePem: undefined,
      requestHeaderFilePem: undefined,
      configMap: cm(),
    });
    assert.deepEqual(subjects(config.clientCa), ['CN=ca-a']);
    assert.deepEqual(subjects(config.requestHeader?.ca), ['CN=ca-b']);
    assert.deepEqual(config.requestHeader?.usernameHeaders, ['x-cm-user']);
    assert.deepEqual(config.requestHeader?.groupHeaders, ['x-cm-group']);
    assert.deepEqual(config.requestHeader?.extraPrefixes, ['x-cm-extra-']);
    assert.deepEqual(config.requestHeader?.allowedNames, ['aggregator']);
  });

  it('CA file flags win, each for its own part; requestheader flags come with the file', () => {
    const flags = { ...FLAGS, clientCaFile: '/c.pem', requestheaderClientCaFile: '/r.pem' };
    const combine = createAuthnCombiner(flags, createLogger({ verbosity: -1 }));
    const config = combine({
      clientCaFilePem: b.pem,
      requestHeaderFilePem: a.pem,
      configMap: cm(),
    });
    assert.deepEqual(subjects(config.clientCa), ['CN=ca-b']);
    assert.deepEqual(subjects(config.requestHeader?.ca), ['CN=ca-a']);
    assert.deepEqual(config.requestHeader?.usernameHeaders, ['x-remote-user']);
    assert.deepEqual(config.requestHeader?.allowedNames, []);
  });

  it('without lookup only the flags count', () => {
    const combine = createAuthnCombiner(FLAGS, createLogger({ verbosity: -1 }));
    const config = combine({
      clientCaFilePem: undefined,
      requestHeaderFilePem: undefined,
      configMap: 'disabled',
    });
    assert.deepEqual(config, { clientCa: undefined, requestHeader: undefined });
  });

  it('a missing ConfigMap or key disables that authenticator', () => {
    const combine = createAuthnCombiner(FLAGS, createLogger({ verbosity: -1 }));
    const none = combine({
      clientCaFilePem: undefined,
      requestHeaderFilePem: undefined,
      configMap: undefined,
    });
    assert.deepEqual(none, { clientCa: undefined, requestHeader: undefined });
    const onlyClient = combine({
      clientCaFilePem: undefined,
      requestHeaderFilePem: undefined,
      configMap: { 'client-ca-file': a.pem },
    });
    assert.equal(onlyClient.requestHeader, undefined);
    assert.deepEqual(subjects(onlyClient.clientCa), ['CN=ca-a']);
  });

  it('returns the same objects until something changes; a rotation gives new ones', () => {
    const combine = createAuthnCombiner(FLAGS, createLogger({ verbosity: -1 }));
    const inputs = { clientCaFilePem: undefined, requestHeaderFilePem: undefined, configMap: cm() };
    const first = combine(inputs);
    assert.equal(combine(inputs), first);
    const sameContent = combine({ ...inputs, configMap: cm() });
    assert.equal(sameContent.clientCa, first.clientCa);
    assert.equal(sameContent.requestHeader?.ca, first.requestHeader?.ca);
    const rotated = combine({
      ...inputs,
      configMap: cm({ 'requestheader-client-ca-file': a.pem }),
    });
    assert.notEqual(rotated, first);
    assert.deepEqual(subjects(rotated.requestHeader?.ca), ['CN=ca-a']);
    assert.equal(rotated.clientCa, first.clientCa);
  });

  it('a broken update keeps the last good part and logs', () => {
    const lines: string[] = [];
    const combine = createAuthnCombiner(
      FLAGS,
      createLogger({ verbosity: 0, write: (l) => lines.push(l) }),
    );
    const base = { clientCaFilePem: undefined, requestHeaderFilePem: undefined };
    const good = combine({ ...base, configMap: cm() });
    const broken = combine({
      ...base,
      configMap: cm({ 'client-ca-file': 'garbage', 'requestheader-group-headers': '[' }),
    });
    assert.equal(broken.clientCa, good.clientCa);
    assert.equal(broken.requestHeader, good.requestHeader);
    assert.equal(lines.length, 2);
    assert.match(lines.join(''), /Keeping the previous client CA/);
  });
});
