/**
 * The client certificates of a request, verified at most once per TLS connection and CA pool:
 * requests on a kept-alive connection (or HTTP/2 streams of one session) reuse the verdict.
 */
import type { X509Certificate } from 'node:crypto';
import { verifyChain, type CaPool, type ChainVerdict } from './cert-chain.ts';

/** Where a request's client certificates come from. */
export interface PeerSource {
  /**
   * The chain the client presented, leaf first (`[]` without one), e.g. api/node-bridge.ts
   * `peerChainOf`; called at most once per connection.
   */
  readonly peerChain: () => readonly X509Certificate[];
  /**
   * A stable object per TLS connection (the TLSSocket for HTTP/1.1, `req.stream.session` for
   * HTTP/2) used as a cache key; without it nothing is cached.
   */
  readonly connection?: object | undefined;
}

/** One request's view of its client certificates. */
export interface PeerCertificates {
  readonly present: boolean;
  verify(pool: CaPool): ChainVerdict;
}

interface ConnectionRecord {
  readonly chain: readonly X509Certificate[];
  readonly verdicts: Map<CaPool, ChainVerdict>;
}

/** Old pools (before a rotation) kept per connection before the map is reset. */
const MAX_POOLS_PER_CONNECTION = 4;

/**
 * Returns `certificatesOf(source, now)`. Successful verdicts are reused until the earliest
 * expiry along the verified path; a rotated CA is a new CaPool object and so a cache miss.
 */
export const createPeerVerifier = (): ((source: PeerSource, now: number) => PeerCertificates) => {
  const byConnection = new WeakMap<object, ConnectionRecord>();
  const recordFor = (source: PeerSource): ConnectionRecord => {
    const key = source.connection;
    const cached = key === undefined ? undefined : byConnection.get(key);
    if (cached !== undefined) return cached;
    const record = { chain: source.peerChain(), verdicts: new Map<CaPool, ChainVerdict>() };
    if (key !== undefined) byConnection.set(key, record);
    return record;
  };
  return (source, now) => {
    const record = recordFor(source);
    return {
      present: record.chain.length > 0,
      verify: (pool) => {
        const cached = record.verdicts.get(pool);
        if (cached !== undefined && (!cached.ok || now <= cached.notAfter)) return cached;
        const verdict = verifyChain(record.chain, pool, now);
        if (record.verdicts.size >= MAX_POOLS_PER_CONNECTION) record.verdicts.clear();
        record.verdicts.set(pool, verdict);
        return verdict;
      },
    };
  };
};
