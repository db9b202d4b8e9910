/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): the functions with the most self time, and the
 * share of time per package, so a missed goal can name its largest cost.
 * Usage: node --import tsx bench/lib/profile.ts <file.cpuprofile|folder> [top]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The time a sample stands for; the first one is skipped (its delta reaches back to the profiler's start). */
function sampleMs(profile: Profile, i: number): number {
  return i === 0 ? 0 : (profile.timeDeltas[i] ?? 0) / 1000;
}

/** Self time in ms per function and per package of one profile. */
export function summarize(profile: Profile): { total: number; functions: Map<string, number>; packages: Map<string, number> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = sampleMs(profile, i);
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\//, "");
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith("node:") || !file ? functionName.startsWith("(") ? functionName : "node internals" : "app code");
    const key = `${functionName || "(anonymous)"} ${file ? `${path.basename(file)}:${lineNumber + 1}` : ""}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + ms);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    total += ms;
  });
  return { total, functions, packages };
}

/** Inclusive time (self + callees) of the project's own functions (outside node_modules), in ms. */
export function inclusiveAppTime(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + sampleMs(profile, i)));
  const totals = new Map<string, number>();
  // Each function counts once per stack (recursion does not double it).
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const own = url.includes("/work/") && !url.includes("node_modules") ? `${functionName || "(anonymous)"} ${path.basename(url)}:${lineNumber + 1}` : null;
    const fresh = own !== null && !onStack.has(own);
    if (fresh) onStack.add(own);
    let ms = self.get(id) ?? 0;
    for (const child of node.children ?? []) ms += walk(child, onStack);
    if (fresh) {
      onStack.delete(own);
      totals.set(own, (totals.get(own) ?? 0) + ms);
    }
    return ms;
  };
  walk(profile.nodes[0].id, new Set());
  return totals;
}

function top(map: Map<string, number>, n: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${key}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2];
  const n = Number(process.argv[3] ?? 15);
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(target, f))
    : [target];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
    const { total, functions, packages } = summarize(profile);
    console.log(`\n${file}: ${total.toFixed(0)} ms sampled\n-- by package --\n${top(packages, 8, total).join("\n")}\n-- by function (self) --\n${top(functions, n, total).join("\n")}`);
    console.log(`-- project functions (inclusive) --\n${top(inclusiveAppTime(profile), n, total).join("\n")}`);
  }
}
