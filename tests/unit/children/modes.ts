/** A child entry for the child-pool tests: each request names how this child should behave. */
import { serve } from "@/lib/isolation/protocol";
import { DocumentError } from "@/lib/parsing/errors";

export type Mode = "answer" | "out-of-memory" | "exit" | "segfault" | "hang" | "owner-error" | "error";

serve<{ mode: Mode }, { pid: number }>(async ({ mode }, onProgress) => {
  switch (mode) {
    case "answer":
      onProgress(0.5);
      return { pid: process.pid };
    case "out-of-memory": {
      const hoard: string[][] = [];
      for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `item ${i} ${hoard.length}`));
    }
    case "exit":
      process.exit(3);
    // eslint-disable-next-line no-fallthrough
    case "segfault":
      process.kill(process.pid, "SIGSEGV");
      return new Promise<never>(() => {});
    case "hang":
      return new Promise<never>(() => {});
    case "owner-error":
      throw new DocumentError("This file is not what it claims to be.");
    case "error":
      throw new Error("disk went away");
  }
});
