/** The flow builder reads the job table: one chain, children first, every child failing its parent. */
import type { FlowJob } from "bullmq";
import { describe, expect, it } from "vitest";
import { documentFlow } from "@/lib/pipeline/flow";
import { STAGES, stageQueue } from "@/lib/pipeline/table";

const ID = "0b5e1c4e-8f0e-4d5c-9a51-2f1f3c0f9d11";

/** The chain from the root down to the deepest child. */
function chain(root: FlowJob): FlowJob[] {
  const jobs: FlowJob[] = [];
  for (let node: FlowJob | undefined = root; node; node = node.children?.[0]) {
    expect(node.children?.length ?? 0).toBeLessThanOrEqual(1);
    jobs.push(node);
  }
  return jobs;
}

describe("documentFlow", () => {
  it("puts the last stage at the root and the first deepest, each on its table queue with a deterministic id", () => {
    const jobs = chain(documentFlow(ID));
    expect(jobs.map((job) => job.name)).toEqual([...STAGES].reverse());
    for (const job of jobs) {
      expect(job.queueName).toBe(stageQueue(job.name as (typeof STAGES)[number]));
      expect(job.opts?.jobId).toBe(`${ID}-${job.name}`);
      expect(job.opts?.jobId).not.toContain(":");
      expect(job.data).toEqual({ documentId: ID });
    }
  });

  it("makes every child fail its parent, and only the root free of it", () => {
    const [root, ...children] = chain(documentFlow(ID));
    expect(root.opts?.failParentOnFailure).toBeUndefined();
    for (const child of children) expect(child.opts?.failParentOnFailure).toBe(true);
  });

  it("starts from a later stage, skipping the earlier ones", () => {
    const jobs = chain(documentFlow(ID, { from: "embed" }));
    expect(jobs.map((job) => job.name)).toEqual(["similar", "embed"]);
  });

  it("puts a delay on the first stage to run only, and the priority on every stage", () => {
    const jobs = chain(documentFlow(ID, { delay: 5_000, priority: 10 }));
    const first = jobs.at(-1)!;
    expect(first.name).toBe(STAGES[0]);
    expect(first.opts?.delay).toBe(5_000);
    for (const job of jobs.slice(0, -1)) expect(job.opts?.delay).toBeUndefined();
    for (const job of jobs) expect(job.opts?.priority).toBe(10);
  });

  it("gives every stage the retry options with the polynomial backoff", () => {
    for (const job of chain(documentFlow(ID))) {
      expect(job.opts?.attempts).toBeGreaterThan(1);
      expect(job.opts?.backoff).toEqual({ type: "polynomial" });
    }
  });
});
