import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { silentLogger } from '../log.ts';
import type { App } from '../api/app.ts';
import { generateSelfSigned } from './self-signed.ts';
import { startServer, type RunningServer } from './serve.ts';
import { certificateNames, nameMatches } from './sni.ts';

const app: App = { handle: () => Promise.resolve({ status: 200, headers: {}, body: 'ok' }) };

const peerNames = (port: number, servername: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername, rejectUnauthorized: false },
      () => {
        const cert: PeerCertificate = socket.getPeerCertificate();
        resolve(cert.subjectaltname ?? '');
        socket.end();
      },
    );
    socket.on('error', reject);
  });

describe('--tls-sni-cert-key', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8spa-sni-'));
    const named = await generateSelfSigned(['metrics.example.com']);
    const wild = await generateSelfSigned(['*.wild.example.com']);
    await writeFile(join(dir, 'named.crt'), named.cert);
    await writeFile(join(dir, 'named.key'), named.key);
    await writeFile(join(dir, 'wild.crt'), wild.cert);
    await writeFile(join(dir, 'wild.key'), wild.key);
    server = await startServer(app, {
      bindAddress: '127.0.0.1',
      port: 0,
      certDir: join(dir, 'default'),
      logger: silentLogger(),
      sniCertKeys: [
        { certFile: join(dir, 'named.crt'), keyFile: join(dir, 'named.key'), names: [] },
        { certFile: join(dir, 'wild.crt'), keyFile: join(dir, 'wild.key'), names: [] },
      ],
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    { servername: 'metrics.example.com', want: /DNS:metrics\.example\.com/ },
    { servername: 'METRICS.example.com', want: /DNS:metrics\.example\.com/ },
    { servername: 'a.wild.example.com', want: /DNS:\*\.wild\.example\.com/ },
    { servername: 'a.b.wild.example.com', want: /DNS:localhost/ },
    { servername: 'other.example.com', want: /DNS:localhost/ },
  ];
  for (const c of cases) {
    it(`serves the right certificate for ${c.servername}`, async () => {
      assert.match(await peerNames(server.port, c.servername), c.want);
    });
  }

  it('derives names from the certificate and matches one-label wildcards', async () => {
    const pair = await generateSelfSigned(['x.example.com', 'y.example.com']);
    assert.deepEqual(certificateNames(pair.cert).slice(0, 2), ['x.example.com', 'y.example.com']);
    assert.equal(nameMatches('*.example.com', 'a.example.com'), true);
    assert.equal(nameMatches('*.example.com', 'a.b.example.com'), false);
    assert.equal(nameMatches('*.example.com', 'example.com'), false);
  });
});
