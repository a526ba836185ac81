/**
 * The OCI image that `npm run image` (scripts/image/build.sh) writes: what it holds, read from the
 * archive itself (config, users, no dev dependency, no test file, no shell or package manager), and
 * what it does when run read-only as its non-root user: `--help` exits 0, and started against the
 * fake kube API it serves `/healthz` over self-signed HTTPS.
 *
 * It runs the image twice: with podman (`podman load`, `podman run --read-only --network=host`)
 * and, as root, from the unpacked root filesystem with `unshare --mount --pid --fork` + a read-only
 * bind mount + `chroot --userspec=1001:1001`. Each skips, with the reason, where it cannot run.
 *
 * No archive, no test: every suite skips unless the archive exists (K8S_PA_IMAGE_ARCHIVE, else
 * `${K8S_PA_CACHE:-~/.cache/k8s-prometheus-adapter}/image/k8s-prometheus-adapter-<version>.oci.tar`).
 * K8S_PA_IMAGE_BUILD=1 builds it first (8–60 s; needs root). K8S_PA_IMAGE_OCI_RUNTIME picks
 * podman's runtime (default: runc when installed; see docs/image.md for why not crun here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFakeKubeApi, type RunningFake } from '../support/fake-kube-api.ts';
import { polled, pollUntil } from '../support/poll.ts';
import { freePort, startProcess, type Running } from '../support/processes.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const run = promisify(execFile);
const env = process.env;
const NAME = 'k8s-prometheus-adapter';
const VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const ARCHIVE =
  env['K8S_PA_IMAGE_ARCHIVE'] ??
  join(
    env['K8S_PA_CACHE'] ?? join(homedir(), '.cache', NAME),
    'image',
    `${NAME}-${VERSION}.oci.tar`,
  );
const RUNTIME = JSON.parse(
  readFileSync(join(REPO_ROOT, 'scripts/image/node-runtime.json'), 'utf8'),
) as { flags: string[]; env: Record<string, string> };
const ENTRYPOINT = ['/usr/local/bin/node', ...RUNTIME.flags, '/app/dist/main.js'];
const UID = 1001;
const isRoot = process.getuid?.() === 0;

if (env['K8S_PA_IMAGE_BUILD'] === '1') {
  const built = spawnSync('bash', [join(REPO_ROOT, 'scripts/image/build.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, K8S_PA_IMAGE_ARCHIVE: ARCHIVE },
  });
  if (built.status !== 0) throw new Error(`scripts/image/build.sh failed (${built.status})`);
}
const NO_ARCHIVE = existsSync(ARCHIVE)
  ? undefined
  : `no image archive at ${ARCHIVE}: build it with \`npm run image\` (8–60 s, as root) or run with K8S_PA_IMAGE_BUILD=1`;

const has = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

// ---------------------------------------------------------------------------------------------
// The archive, read without a runtime: index → manifest → config and the layers' file lists.

interface Entry {
  readonly mode: string;
  readonly owner: string;
  readonly path: string;
}

interface Unpacked {
  readonly dir: string;
  readonly config: {
    readonly User?: string;
    readonly Entrypoint?: string[];
    readonly Cmd?: string[] | null;
    readonly WorkingDir?: string;
    readonly Labels?: Record<string, string>;
  };
  readonly layers: readonly string[];
  readonly entries: readonly Entry[];
}

const blob = (dir: string, digest: string): string => join(dir, 'blobs', ...digest.split(':', 2));

const unpackArchive = async (): Promise<Unpacked> => {
  const dir = await mkdtemp(join(tmpdir(), 'k8spa-image-'));
  await run('tar', ['-xf', ARCHIVE, '-C', dir]);
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  assert.equal(index.manifests.length, 1, 'one image in the archive');
  const manifest = JSON.parse(
    await readFile(blob(dir, index.manifests[0]?.digest ?? ''), 'utf8'),
  ) as { config: { digest: string }; layers: { digest: string }[] };
  const config = (
    JSON.parse(await readFile(blob(dir, manifest.config.digest), 'utf8')) as {
      config: Unpacked['config'];
    }
  ).config;
  const layers = manifest.layers.map((l) => blob(dir, l.digest));
  const entries: Entry[] = [];
  for (const layer of layers) {
    const { stdout } = await run('tar', ['-tvzf', layer, '--numeric-owner'], {
      maxBuffer: 64 << 20,
    });
    for (const line of stdout.split('\n').filter((l) => l !== '')) {
      // drwxrwxrwt 0/0  0 2026-12-04 16:37 tmp/
      const m = /^(\S+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+(.*?)(?: -> .*)?$/.exec(line);
      if (m) entries.push({ mode: m[1] ?? '', owner: m[2] ?? '', path: m[3] ?? '' });
    }
  }
  return { dir, config, layers, entries };
};

/** `<dir>/rootfs`, the layers extracted in order (a single layer here, so no whiteouts). */
const extractRootfs = async (image: Unpacked): Promise<string> => {
  const rootfs = join(image.dir, 'rootfs');
  await mkdir(rootfs);
  for (const layer of image.layers)
    await run('tar', ['-xzf', layer, '-C', rootfs, '--numeric-owner']);
  return rootfs;
};

// ---------------------------------------------------------------------------------------------
// Running it: a runner starts the entrypoint with arguments, read-only, as the image's user.

interface Runner {
  /** Runs to completion. */
  once(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts the adapter with `/kube/kubeconfig` from `kubeDir` visible inside. */
  start(args: readonly string[], kubeDir: string): Promise<Running>;
  /** The host pid of the adapter's node process (for its uid). */
  pid(proc: Running): Promise<number>;
  close(): Promise<void>;
}

const settle = (command: string, args: readonly string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { maxBuffer: 16 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });

/** Limits that root without CAP_SYS_RESOURCE may set (podman's defaults raise them). */
const ulimits = (): string[] => {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const files = /Max open files\s+(\d+)\s+(\d+)/.exec(limits);
  const nofile = files ? Math.min(Number(files[1]), Number(files[2]), 65536) : 1024;
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', 'nproc=4096:4096'];
};

const podmanRunner = (image: string): Runner => {
  const runtime = env['K8S_PA_IMAGE_OCI_RUNTIME'] ?? (has('runc') ? 'runc' : '');
  const global = runtime === '' ? [] : ['--runtime', runtime];
  const base = [...global, 'run', '--rm', '--network=host', '--read-only', ...ulimits()];
  const names: string[] = [];
  return {
    once: (args) => settle('podman', [...base, image, ...args]),
    start: (args, kubeDir) => {
      const name = `k8spa-image-test-${process.pid}-${names.length}`;
      names.push(name);
      return Promise.resolve(
        startProcess('podman', [
          ...base,
          '--name',
          name,
          '-v',
          `${kubeDir}:/kube:ro`,
          image,
          ...args,
        ]),
      );
    },
    pid: async () => {
      const name = names.at(-1) ?? '';
      const found = polled(
        await pollUntil(
          async () =>
            (await run('podman', [...global, 'inspect', '--format', '{{.State.Pid}}', name]))
              .stdout,
          (out) => Number(out.trim()) > 0,
          { timeoutMs: 10_000, intervalMs: 200 },
        ),
        `pid of container ${name}`,
      );
      return Number(found.trim());
    },
    close: async () => {
      for (const name of names) await settle('podman', [...global, 'rm', '-f', '--ignore', name]);
    },
  };
};

/**
 * The unpacked rootfs: a private mount namespace binds it read-only onto itself, puts a tmpfs on
 * /tmp and a read-only bind of the kube dir on /kube, then chroots as 1001:1001 (new pid namespace).
 */
const chrootRunner = (rootfs: string): Runner => {
  const script = (kubeDir: string | undefined) =>
    [
      'set -e',
      `r='${rootfs}'`,
      'mount --bind "$r" "$r"',
      ...(kubeDir === undefined
        ? []
        : [`mkdir -p "$r/kube"`, `mount --bind '${kubeDir}' "$r/kube"`]),
      'mount -o remount,bind,ro "$r"',
      'mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"',
      `exec chroot --userspec=${UID}:${UID} "$r" ${ENTRYPOINT.join(' ')} "$@"`,
    ].join('\n');
  const argv = (kubeDir: string | undefined, args: readonly string[]) => [
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    'sh',
    '-c',
    script(kubeDir),
    'sh',
    ...args,
  ];
  return {
    once: (args) => settle('unshare', argv(undefined, args)),
    start: (args, kubeDir) => Promise.resolve(startProcess('unshare', argv(kubeDir, args))),
    pid: async (proc) => {
      // unshare → (fork) sh, exec'd into chroot, exec'd into node: the child of unshare.
      const children = (): number[] =>
        readFileSync(`/proc/${proc.child.pid}/task/${proc.child.pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter((p) => p !== '')
          .map(Number);
      const found = polled(
        await pollUntil(
          () =>
            Promise.resolve(
              children().filter((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node'),
            ),
          (pids) => pids.length === 1,
          { timeoutMs: 10_000, intervalMs: 100 },
        ),
        'the adapter process',
      );
      return found[0] ?? 0;
    },
    close: () => Promise.resolve(),
  };
};

// ---------------------------------------------------------------------------------------------

const httpsGet = (port: number, path: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 5000, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });

const uidOf = (pid: number): number[] => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return (line ?? '').split(/\s+/).slice(1).filter(Boolean).map(Number);
};

/** The same checks, whatever runs the image. */
const runsTheImage = (label: string, skip: () => string | undefined, make: () => Promise<Runner>) =>
  describe(label, () => {
    let runner: Runner | undefined;
    let kube: RunningFake | undefined;
    let kubeDir = '';
    before(async () => {
      if (skip() !== undefined) return;
      runner = await make();
      kube = await createFakeKubeApi().start();
      // Readable by the image's user (1001), mounted at /kube.
      kubeDir = await mkdtemp(join(tmpdir(), 'k8spa-image-kube-'));
      await chmod(kubeDir, 0o755);
      await writeFile(
        join(kubeDir, 'kubeconfig'),
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'fake', cluster: { server: kube.url } }],
          users: [{ name: 'fake', user: {} }],
          contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
          'current-context': 'fake',
        }),
        { mode: 0o644 },
      );
    });
    after(async () => {
      await runner?.close();
      await kube?.stop();
      if (kubeDir !== '') await rm(kubeDir, { recursive: true, force: true });
    });

    it('--help prints the flags and exits 0', async (t) => {
      const reason = skip();
      if (reason !== undefined || runner === undefined) {
        t.skip(reason);
        return;
      }
      const { code, stdout, stderr } = await runner.once(['--help']);
      assert.equal(code, 0, stderr);
      for (const flag of ['--secure-port', '--cert-dir', '--prometheus-url', '--config'])
        assert.ok(stdout.includes(flag), `--help lists ${flag}:\n${stdout}`);
    });

    it('serves /healthz over HTTPS (self-signed into /tmp/cert) as uid 1001', async (t) => {
      const reason = skip();
      if (reason !== undefined || runner === undefined) {
        t.skip(reason);
        return;
      }
      const port = await freePort();
      const noPrometheus = await freePort();
      const proc = await runner.start(
        [
          `--secure-port=${port}`,
          '--bind-address=127.0.0.1',
          '--cert-dir=/tmp/cert',
          '--lister-kubeconfig=/kube/kubeconfig',
          `--prometheus-url=http://127.0.0.1:${noPrometheus}/`,
        ],
        kubeDir,
      );
      try {
        const health = await pollUntil(
          () => httpsGet(port, '/healthz'),
          (r) => r.status === 200,
          { timeoutMs: 30_000, intervalMs: 250 },
        );
        assert.ok(health.ok, `no 200 from /healthz: ${String(health.lastError)}\n${proc.output()}`);
        assert.equal(health.value?.body, 'ok');
        const pid = await runner.pid(proc);
        assert.deepEqual(uidOf(pid), [UID, UID, UID, UID], `uids of pid ${pid}`);
      } finally {
        await proc.stop();
        // A runtime's helper (podman's conmon) may outlive the client with our pipes open.
        proc.child.stdout?.destroy();
        proc.child.stderr?.destroy();
      }
    });
  });

// ---------------------------------------------------------------------------------------------

describe('the image archive', { skip: NO_ARCHIVE }, () => {
  let image: Unpacked | undefined;
  const img = (): Unpacked => {
    if (image === undefined) throw new Error('archive not unpacked');
    return image;
  };
  const paths = () => img().entries.map((e) => e.path.replace(/^\.\//, '').replace(/\/$/, ''));
  before(async () => {
    image = await unpackArchive();
  });
  after(async () => {
    if (image) await rm(image.dir, { recursive: true, force: true });
  });

  it('runs node /app/dist/main.js as 1001:1001, labelled with the package version', () => {
    const { config } = img();
    assert.deepEqual(config.Entrypoint, ENTRYPOINT);
    assert.equal(config.User, `${UID}:${UID}`);
    assert.equal(config.WorkingDir, '/tmp');
    assert.equal(config.Labels?.['org.opencontainers.image.version'], VERSION);
    assert.equal(config.Labels?.['org.opencontainers.image.title'], NAME);
  });

  it('holds node, its loader and libraries, users, CA certificates and a sticky /tmp', () => {
    const all = new Set(paths());
    for (const p of [
      'usr/local/bin/node',
      'lib64/ld-linux-x86-64.so.2',
      'etc/passwd',
      'etc/group',
      'app/package.json',
      'app/dist/main.js',
      'app/node_modules/yaml/package.json',
      'app/node_modules/undici/package.json',
    ])
      assert.ok(all.has(p), `${p} in the image`);
    if (existsSync('/etc/ssl/certs/ca-certificates.crt'))
      assert.ok(all.has('etc/ssl/certs/ca-certificates.crt'));
    const tmp = img().entries.find((e) => e.path.replace(/\/$/, '') === 'tmp');
    assert.equal(tmp?.mode, 'drwxrwxrwt');
  });

  it('has the user adapter (1001) and owns every file by root (nothing writable by it)', async () => {
    const rootfs = await extractRootfs(img());
    const passwd = await readFile(join(rootfs, 'etc/passwd'), 'utf8');
    assert.match(passwd, /^adapter:x:1001:1001:/m);
    assert.deepEqual(
      img().entries.filter((e) => e.owner !== '0/0'),
      [],
    );
    assert.deepEqual(
      img().entries.filter(
        (e) => /^[^l].{4}w|^[^l].{7}w/.test(e.mode) && !e.path.startsWith('tmp'),
      ),
      [],
      'group- or world-writable files',
    );
  });

  it('holds no dev dependency, no test file, no shell or package manager', () => {
    const all = paths();
    const modules = readdirSync(join(REPO_ROOT, 'node_modules'));
    assert.ok(modules.includes('typescript'), 'the repo has dev dependencies to look for');
    for (const dev of ['typescript', 'eslint', 'prettier', 'tsx', '@types', 'autocannon'])
      assert.deepEqual(
        all.filter((p) => p === `app/node_modules/${dev}` || p.includes(`/node_modules/${dev}/`)),
        [],
        `${dev} in the image`,
      );
    assert.deepEqual(
      all.filter((p) => /^app\/(dist|[^/]+$)/.test(p) && /(\.test\.|(^|\/)(test|tools)\/)/.test(p)),
      [],
      'test files in /app',
    );
    assert.deepEqual(all.filter((p) => /^app\/[^/]+$/.test(p)).sort(), [
      'app/dist',
      'app/node_modules',
      'app/package.json',
    ]);
    assert.deepEqual(
      all.filter((p) => /(^|\/)(s?bin\/(sh|bash|dash|npm|npx|apt|apt-get|dpkg))$/.test(p)),
      [],
    );
  });
});

const podmanSkip = (() => {
  if (NO_ARCHIVE !== undefined) return NO_ARCHIVE;
  if (!isRoot) return 'podman here needs root';
  if (!has('podman')) return 'podman is not installed (npm run image installs it)';
  return undefined;
})();
let podmanImage = '';
runsTheImage(
  'the image, run read-only by podman',
  () => podmanSkip,
  async () => {
    const { stdout } = await run('podman', ['load', '-i', ARCHIVE], { maxBuffer: 16 << 20 });
    podmanImage =
      /Loaded image(?:\(s\))?: (\S+)/.exec(stdout)?.[1] ?? `localhost/${NAME}:${VERSION}`;
    return podmanRunner(podmanImage);
  },
);

const chrootSkip = (() => {
  if (NO_ARCHIVE !== undefined) return NO_ARCHIVE;
  if (!isRoot) return 'chroot and mount namespaces need root';
  if (!has('unshare') || !has('chroot')) return 'unshare or chroot missing (util-linux, coreutils)';
  return undefined;
})();
let chrootImage: Unpacked | undefined;
runsTheImage(
  'the image, its rootfs run read-only by unshare + chroot',
  () => chrootSkip,
  async () => {
    chrootImage = await unpackArchive();
    return chrootRunner(await extractRootfs(chrootImage));
  },
);
after(async () => {
  if (chrootImage) await rm(chrootImage.dir, { recursive: true, force: true });
});
