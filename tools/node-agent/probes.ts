import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { runCommand } from './run-command.ts';

/** A named or numeric container port resolved against the container's `ports`. */
export const resolvePort = (container: Container, port: number | string | undefined): number => {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  if (Number.isInteger(n) && n > 0) return n;
  throw new Error(`container ${container.name}: unknown port ${String(port)}`);
};

const httpProbe = (
  probe: Probe,
  container: Container,
  podIp: string,
  timeoutMs: number,
): Promise<boolean> => {
  const h = probe.httpGet;
  if (h === undefined) return Promise.resolve(false);
  const send = h.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries((h.httpHeaders ?? []).map((x) => [x.name, x.value]));
  return new Promise((resolve) => {
    const req = send(
      {
        host: h.host ?? podIp,
        port: resolvePort(container, h.port),
        path: h.path ?? '/',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(false);
    });
    req.end();
  });
};

const tcpProbe = (
  probe: Probe,
  container: Container,
  podIp: string,
  timeoutMs: number,
): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({
      host: probe.tcpSocket?.host ?? podIp,
      port: resolvePort(container, probe.tcpSocket?.port),
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });

/** Runs one probe attempt (httpGet, tcpSocket, or exec inside the container's namespaces). */
export const runProbe = async (
  probe: Probe,
  container: Container,
  podIp: string,
  pid: number,
): Promise<boolean> => {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe, container, podIp, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe, container, podIp, timeoutMs);
  if (probe.exec?.command) {
    const cmd = probe.exec.command;
    return runCommand('nsenter', ['-t', String(pid), '-m', '-n', '-u', '--', ...cmd]).then(
      () => true,
      () => false,
    );
  }
  return false;
};

/** Success/failure thresholds of one probe: the result flips after N consecutive opposite outcomes. */
export interface ProbeVerdict {
  readonly ok: boolean;
  readonly streak: number;
}

/** Next verdict after an attempt (pure). Starts from `{ok: initial, streak: 0}`. */
export const nextVerdict = (probe: Probe, prev: ProbeVerdict, success: boolean): ProbeVerdict => {
  if (success === prev.ok) return { ok: prev.ok, streak: 0 };
  const needed = success ? (probe.successThreshold ?? 1) : (probe.failureThreshold ?? 3);
  const streak = prev.streak + 1;
  return streak >= needed ? { ok: success, streak: 0 } : { ok: prev.ok, streak };
};
