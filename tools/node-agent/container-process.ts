import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { BindMount } from './mounts.ts';
import { launchScript } from './mounts.ts';

/** What one container run needs: argv, env, the pod's network namespace and its mounts. */
export interface LaunchSpec {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly netns: string;
  readonly mounts: readonly BindMount[];
  readonly workingDir: string;
  readonly hostname: string;
  /** stdout+stderr are appended here. */
  readonly logFile: string;
}

/** How a container process ended. */
export interface ExitInfo {
  readonly exitCode: number;
  readonly signal: string | undefined;
  readonly finishedAt: Date;
}

/** A running container process (the program itself: every wrapper execs). */
export interface ContainerProcess {
  readonly pid: number;
  readonly startedAt: Date;
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM to the process group, SIGKILL after `graceSeconds`; resolves once it has exited. */
  stop(graceSeconds: number): Promise<ExitInfo>;
}

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
};

/**
 * Starts a container: `nsenter --net=<netns>` → `unshare --mount --uts --propagation private` →
 * `/bin/sh` (hostname, bind mounts, cd) → exec of the program. It runs in its own process group,
 * detached from the agent, so an agent restart does not kill it (cluster:down sweeps the netns).
 */
export const startContainer = (spec: LaunchSpec): ContainerProcess => {
  const log = openSync(spec.logFile, 'a');
  const script = launchScript(spec.mounts, spec.workingDir, spec.hostname);
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${spec.netns}`,
      '--',
      'unshare',
      '--mount',
      '--uts',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      script,
      'sh',
      ...spec.argv,
    ],
    { detached: true, stdio: ['ignore', log, log], env: { ...spec.env }, cwd: '/' },
  );
  closeSync(log);
  const startedAt = new Date();
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', () => {
      resolve({ exitCode: 127, signal: undefined, finishedAt: new Date() });
    });
    child.on('exit', (code, signal) => {
      resolve({
        exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0),
        signal: signal ?? undefined,
        finishedAt: new Date(),
      });
    });
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    startedAt,
    exited,
    stop: async (graceSeconds) => {
      if (pid > 0) signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(
        () => {
          if (pid > 0) signalGroup(pid, 'SIGKILL');
        },
        Math.max(0, graceSeconds) * 1000,
      );
      const info = await exited;
      clearTimeout(timer);
      // Whatever the program forked into its group goes too.
      if (pid > 0) signalGroup(pid, 'SIGKILL');
      return info;
    },
  };
};
