/**
 * The labelled similarity set: real manual pages of this machine, grouped in families by the
 * Debian package that ships them (sections 1, 5, 7 and 8). Two pages of one package are "similar";
 * P@5 is the share of a page's five nearest pages that come from its own package. Pages are
 * rendered with man(1) once and kept under data/bench.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The families: packages with at least a dozen real pages here, chosen to include look-alikes (coreutils and util-linux, openssl and libpam). */
export const FAMILIES = ["openssl", "systemd", "git-man", "iproute2", "coreutils", "util-linux", "libpam-modules", "llvm-14", "linux-perf", "e2fsprogs"];
/** Pages taken per family at most, spread evenly over its sorted page names. */
const PER_FAMILY = 20;
/** Shorter renderings are stubs ("see ...") rather than pages. */
const MIN_CHARS = 1500;

export interface LabelledDocument {
  family: string;
  name: string;
  text: string;
}

function pagesOf(pkg: string): string[] {
  let listing: string;
  try {
    listing = execFileSync("dpkg", ["-L", pkg], { encoding: "utf8" });
  } catch {
    return [];
  }
  return listing
    .split("\n")
    .filter((file) => /^\/usr\/share\/man\/man[1578]\/[^/]+$/.test(file) && existsSync(file) && !lstatSync(file).isSymbolicLink())
    .sort();
}

function render(file: string): string {
  try {
    return execFileSync("man", ["--nh", "--nj", "-l", file], { encoding: "utf8", env: { ...process.env, MANWIDTH: "100" }, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}

/** The set (rendered on first use and cached in `cacheDir`); families with no pages on this machine are left out. */
export function labelledSet(cacheDir: string): LabelledDocument[] {
  const cache = path.join(cacheDir, "labelled-set.json");
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as LabelledDocument[];
  const documents: LabelledDocument[] = [];
  for (const family of FAMILIES) {
    const rendered = pagesOf(family)
      .map((file) => ({ family, name: path.basename(file).replace(/\.gz$/, ""), text: render(file) }))
      .filter((doc) => doc.text.length >= MIN_CHARS);
    documents.push(...spread(rendered, PER_FAMILY));
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cache, JSON.stringify(documents));
  return documents;
}
