/** Resident set size of a running process, for the fault matrix's memory checks (Linux /proc). */
import { readFileSync } from 'node:fs';

/** RSS of `pid` in MiB. */
export const rssMiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
};
