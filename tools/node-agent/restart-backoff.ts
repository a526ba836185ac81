/** Whether a container that exited with `exitCode` is restarted under the pod's restartPolicy. */
export const shouldRestart = (restartPolicy: string | undefined, exitCode: number): boolean => {
  const policy = restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
};

/**
 * The kubelet's crash-loop back-off before restart number `restarts` (0-based): 10s doubling to a 5 min
 * cap; a container that ran at least 10 min resets it. Here scaled by `baseSeconds` (default 10).
 */
export const backoffSeconds = (restarts: number, ranSeconds: number, baseSeconds = 10): number => {
  if (ranSeconds >= 600 || restarts <= 0) return 0;
  return Math.min(300, baseSeconds * 2 ** (restarts - 1));
};

/** Reason shown for a terminated container: Completed for exit 0, OOMKilled is not detectable here. */
export const terminationReason = (exitCode: number): string =>
  exitCode === 0 ? 'Completed' : 'Error';
