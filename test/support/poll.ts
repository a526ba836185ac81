/**
 * Test support: the one poller (never fixed sleeps). `pollUntil` never throws, so a failing
 * assertion can show the last value seen; `polled` turns a timed-out result into an error where a
 * setup step must not go on.
 */

/** Outcome of a poll: the last value seen and whether the condition held. */
export interface PollResult<T> {
  readonly ok: boolean;
  readonly value: T | undefined;
  readonly seconds: number;
  readonly lastError: unknown;
}

/** How to poll: every `intervalMs` (2 s by default) until `timeoutMs`; `onTick` sees every value. */
export interface PollOptions<T> {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly onTick?: (value: T) => void;
}

/**
 * Calls `probe` until `accept(value)` is true or the timeout passes; errors thrown by `probe` count as
 * "not yet". Never throws: the caller asserts on the result, so failures carry the last value seen.
 */
export const pollUntil = async <T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<PollResult<T>> => {
  const start = Date.now();
  let value: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      value = await probe();
      lastError = undefined;
      options.onTick?.(value);
      if (accept(value))
        return { ok: true, value, seconds: (Date.now() - start) / 1000, lastError };
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - start >= options.timeoutMs)
      return { ok: false, value, seconds: (Date.now() - start) / 1000, lastError };
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 2000));
  }
};

/** The accepted value of `result`; throws when the poll timed out (cause: the probe's last error). */
export const polled = <T>(result: PollResult<T>, what: string): T => {
  if (!result.ok) {
    throw new Error(
      `timed out after ${result.seconds} s waiting for ${what} (last value: ${String(result.value)})`,
      { cause: result.lastError },
    );
  }
  return result.value as T;
};
