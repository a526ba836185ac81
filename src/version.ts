/** The adapter's version, reported on /version and in the User-Agent. */
export const VERSION = '0.1.0';

const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386' };

/** `/version`'s platform as Go writes it (`linux/amd64`, not Node's `linux/x64`). */
export const goPlatform = (platform: string, arch: string): string =>
  `${platform}/${GO_ARCH[arch] ?? arch}`;
