/**
 * The HTTPS server's options from the command line, and the wait for shutdown.
 */
import type { Options } from '../cli/options.ts';
import type { ServeOptions } from '../serve/serve.ts';

/** Everything but the authentication hook and the logger. */
export const serverOptions = (options: Options): Omit<ServeOptions, 'identify' | 'logger'> => ({
  bindAddress: options.bindAddress,
  port: options.securePort,
  certDir: options.certDir,
  ...(options.tlsCertFile === ''
    ? {}
    : { certFile: options.tlsCertFile, keyFile: options.tlsPrivateKeyFile }),
  tlsMinVersion: options.tlsMinVersion,
  cipherSuites: options.tlsCipherSuites,
  disableHttp2: options.disableHttp2,
  ...(options.http2MaxStreamsPerConnection > 0
    ? { http2MaxStreams: options.http2MaxStreamsPerConnection }
    : {}),
  sniCertKeys: options.tlsSniCertKeys,
});

/** Settles when `signal` aborts (at once when it has). */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
