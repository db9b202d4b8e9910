/**
 * The labelled search set: manual pages of this machine (sections 1, 5 and 8, rendered with
 * man(1) once and cached under data/search-set) and plain-language queries, each with the page
 * that should come first. Half the queries use the page's own words, half say the same thing in
 * other words. Written before any tuning; the corpus also holds look-alike pages (other git
 * commands, other compressors, other file tools) so that the right page has to be told apart.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface LabelledQuery {
  query: string;
  /** The page that should come first. */
  page: string;
  kind: "own words" | "paraphrased";
}

export const QUERIES: LabelledQuery[] = [
  // The pages' own words.
  { kind: "own words", page: "pg_restore", query: "restore a PostgreSQL database from an archive file created by pg_dump" },
  { kind: "own words", page: "git-blame", query: "what revision and author last modified each line of a file" },
  { kind: "own words", page: "git-bisect", query: "use binary search to find the commit that introduced a bug" },
  { kind: "own words", page: "git-stash", query: "stash the changes in a dirty working directory away" },
  { kind: "own words", page: "shred", query: "overwrite a file to hide its contents and optionally delete it" },
  { kind: "own words", page: "fstab", query: "static information about the filesystems" },
  { kind: "own words", page: "xargs", query: "build and execute command lines from standard input" },
  { kind: "own words", page: "tee", query: "read from standard input and write to standard output and files" },
  { kind: "own words", page: "nl", query: "number lines of files" },
  { kind: "own words", page: "shuf", query: "generate random permutations" },
  { kind: "own words", page: "tac", query: "concatenate and print files in reverse" },
  { kind: "own words", page: "useradd", query: "create a new user or update default new user information" },
  { kind: "own words", page: "chage", query: "change user password expiry information" },
  { kind: "own words", page: "tune2fs", query: "adjust tunable file system parameters on ext4 file systems" },
  { kind: "own words", page: "comm", query: "compare two sorted files line by line" },
  { kind: "own words", page: "truncate", query: "shrink or extend the size of a file to the specified size" },
  { kind: "own words", page: "mktemp", query: "create a temporary file or directory" },
  { kind: "own words", page: "git-cherry-pick", query: "apply the changes introduced by some existing commits" },
  // The same things in other words.
  { kind: "paraphrased", page: "git-blame", query: "show who last changed each line of a file" },
  { kind: "paraphrased", page: "pg_restore", query: "load a saved postgres dump back into a new database" },
  { kind: "paraphrased", page: "shuf", query: "put the lines of a file in a random order" },
  { kind: "paraphrased", page: "tac", query: "print a file backwards starting from the last line" },
  { kind: "paraphrased", page: "du", query: "how much disk space does each folder take" },
  { kind: "paraphrased", page: "df", query: "how much room is left on my drives" },
  { kind: "paraphrased", page: "kill", query: "stop a running program by its process number" },
  { kind: "paraphrased", page: "chmod", query: "allow everyone to run my script" },
  { kind: "paraphrased", page: "chown", query: "give a file to another user and group" },
  { kind: "paraphrased", page: "base64", query: "turn binary data into printable text" },
  { kind: "paraphrased", page: "sha256sum", query: "check a download was not tampered with using a fingerprint" },
  { kind: "paraphrased", page: "uptime", query: "how long has the machine been running since it was switched on" },
  { kind: "paraphrased", page: "timeout", query: "stop a command if it takes longer than a few seconds" },
  { kind: "paraphrased", page: "split", query: "cut a big file into smaller pieces" },
  { kind: "paraphrased", page: "wc", query: "count the words in a text" },
  { kind: "paraphrased", page: "hosts", query: "map machine names to addresses without DNS" },
  { kind: "paraphrased", page: "nproc", query: "how many processors does this computer have" },
  { kind: "paraphrased", page: "git-stash", query: "put my unfinished edits aside to switch branches for a moment" },
];

/** The pages besides the answers: look-alikes and everyday commands. */
const OTHER_PAGES = [
  "pg_dump", "psql", "createdb", "git-log", "git-clone", "git-grep", "git-revert", "git-tag", "git-rebase", "tar", "gzip", "grep", "sed", "find",
  "passwd", "ssh", "scp", "curl", "wget", "ps", "dd", "ln", "mount", "tail", "head", "sort", "uniq", "diff", "patch", "date", "systemctl",
  "journalctl", "ip", "zip", "unzip", "bzip2", "xz", "less", "top", "free", "nice", "watch", "env", "realpath", "cut", "tr", "paste",
  "join", "fold", "column", "file", "stat", "touch", "resolv.conf", "adduser", "lsblk", "mkfs.ext4", "fsck", "e2fsck", "ldd", "strace",
  "make", "openssl", "ss", "uname", "dmesg", "lsof", "chroot", "cmp", "csplit", "factor", "expand", "od", "hexdump", "strings", "objdump",
  "nm", "ar", "locale", "md5sum", "cat", "cp", "mv", "rm", "ls", "mkdir", "rmdir", "echo", "printf", "sleep", "tty", "who", "whoami", "id",
  "groups", "usermod", "userdel", "groupadd", "login", "su", "shadow", "group", "crypttab", "nsswitch.conf", "host.conf",
];

/** Renderings shorter than this are stubs ("see ..."). */
const MIN_CHARS = 800;

export interface SearchPage {
  name: string;
  text: string;
}

function render(name: string): string {
  try {
    return execFileSync("man", ["--nh", "--nj", name], { encoding: "utf8", env: { ...process.env, MANWIDTH: "100" }, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

/** The corpus (rendered on first use, cached in `cacheDir`): every answer and look-alike this machine has. */
export function searchCorpus(cacheDir: string): SearchPage[] {
  const cache = path.join(cacheDir, "corpus.json");
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as SearchPage[];
  const names = [...new Set([...QUERIES.map((q) => q.page), ...OTHER_PAGES])];
  const pages = names.map((name) => ({ name, text: render(name) })).filter((page) => page.text.length >= MIN_CHARS);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cache, JSON.stringify(pages));
  return pages;
}
