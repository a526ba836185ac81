import { readdir, readFile } from 'node:fs/promises';

/** CPU time and memory of one process, from /proc/<pid>/stat. */
export interface ProcSample {
  readonly pid: number;
  readonly ppid: number;
  /** utime+stime+cutime+cstime, in seconds (reaped children included, so it never goes back). */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

/** Parses the text of /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export const parseProcStat = (pid: number, text: string): ProcSample | undefined => {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const num = (field: number) => Number(f[field - 3] ?? 'NaN');
  const ticks = num(14) + num(15) + num(16) + num(17);
  if (!Number.isFinite(ticks)) return undefined;
  return { pid, ppid: num(4), cpuSeconds: ticks / CLOCK_TICKS, rssBytes: num(24) * PAGE_SIZE };
};

/** Every live process (a snapshot; processes that vanish while reading are skipped). */
export const readProcTable = async (): Promise<Map<number, ProcSample>> => {
  const table = new Map<number, ProcSample>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    const sample = text === undefined ? undefined : parseProcStat(pid, text);
    if (sample) table.set(pid, sample);
  }
  return table;
};

/** Sum of cpu and memory over `root` and all its descendants. */
export const treeUsage = (
  table: ReadonlyMap<number, ProcSample>,
  root: number,
): { cpuSeconds: number; rssBytes: number } => {
  const children = new Map<number, number[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  let cpuSeconds = 0;
  let rssBytes = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop() ?? 0;
    const p = table.get(pid);
    if (p === undefined || seen.has(pid)) continue;
    seen.add(pid);
    cpuSeconds += p.cpuSeconds;
    rssBytes += p.rssBytes;
    stack.push(...(children.get(pid) ?? []));
  }
  return { cpuSeconds, rssBytes };
};

/** Node CPU seconds (non-idle, all cores) from the text of /proc/stat. */
export const parseNodeCpu = (text: string): number => {
  const line = text.split('\n').find((l) => l.startsWith('cpu ')) ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
  return busy / CLOCK_TICKS;
};

/** Node working set (MemTotal − MemAvailable), in bytes, from the text of /proc/meminfo. */
export const parseNodeMemory = (text: string): number => {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? '0');
  return (kb('MemTotal') - kb('MemAvailable')) * 1024;
};
