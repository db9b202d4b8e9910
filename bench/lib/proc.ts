/** Process memory from /proc (Linux): resident set now (VmRSS) and its peak (VmHWM). */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

export interface Memory {
  rssBytes: number;
  peakBytes: number;
}

/** Reads a process's VmRSS and VmHWM. */
export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rssBytes: kb("VmRSS"), peakBytes: kb("VmHWM") };
}

/** Resets the kernel's peak RSS (VmHWM) of a process to its current RSS; false where not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The CPU time a process has used so far (user and system), in ms, from /proc/<pid>/stat (10 ms steps). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
  // utime and stime are the stat file's 14th and 15th fields (the 12th and 13th after the name), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Pids of the direct children of a process. */
export function childPids(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

/** The pid of a direct child of this process whose command line contains `fragment`. */
export function childPid(fragment: string): number {
  for (const pid of childPids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").some((arg) => arg.includes(fragment))) return pid;
    } catch {
      // The process ended meanwhile.
    }
  }
  throw new Error(`no child process of ${process.pid} runs ${fragment}`);
}

/** The RSS of a process and all its descendants (the worker and its parser child processes). */
export function treeRss(pid: number): number {
  let total = readMemory(pid).rssBytes;
  for (const child of childPids(pid)) {
    try {
      total += treeRss(child);
    } catch {
      // The child ended meanwhile.
    }
  }
  return total;
}

/**
 * Polls a process's RSS every `everyMs` until stopped; reports the highest RSS seen and the
 * kernel's peak. With `tree`, each reading is the process and its descendants together (then the
 * kernel's peak, which is per process, is not used).
 */
export function sampleMemory(pid: number, everyMs = 20, { tree = false } = {}): { stop(): Memory & { samples: number } } {
  let highest = 0;
  let samples = 0;
  const poll = () => {
    try {
      highest = Math.max(highest, tree ? treeRss(pid) : readMemory(pid).rssBytes);
      samples += 1;
    } catch {
      // The process is gone; keep what was seen.
    }
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      poll();
      let peakBytes = highest;
      try {
        if (!tree) peakBytes = Math.max(highest, readMemory(pid).peakBytes);
      } catch {
        // Gone: the polled highest is all there is.
      }
      return { rssBytes: highest, peakBytes, samples };
    },
  };
}

/** Median RSS (with `tree`: of the process and its descendants) over a quiet moment: several readings `everyMs` apart. */
export async function idleRss(pid: number, readings = 10, everyMs = 100, { tree = false } = {}): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < readings; i++) {
    values.push(tree ? treeRss(pid) : readMemory(pid).rssBytes);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

export const MB = 1024 * 1024;
