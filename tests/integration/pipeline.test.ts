/**
 * The whole path with real parts: HTTP upload → worker process (extract, summarize, embed,
 * find-similar) → Socket.IO progress → summary and similar documents over HTTP.
 */
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURES_DIR, fixturePath } from "../fixtures";
import { parseSummary } from "@/lib/summary-form";
import { api, fileFrom, getDocument, listDocuments, ProgressWatcher, upload, waitForSimilarityIdle } from "./client";

const baseURL = inject("baseURL");
const GRAPHICS_BUNDLE = ["color", "graphics", "grfguide", "epsfig", "keyval", "lscape", "rotating", "trig", "drivers", "rotex", "mathcolor"];

describe("every fixture document through the job chain", () => {
  let watcher: ProgressWatcher;
  const ids = new Map<string, string>(); // filename -> id
  /** A document's file name without its extension. */
  const nameOf = (id: string) => [...ids].find(([, known]) => known === id)?.[0].replace(/\.[a-z]+$/, "");
  let notDoneWhenUploadsReturned = 0;

  beforeAll(async () => {
    watcher = await ProgressWatcher.connect(baseURL);
    const names = (await readdir(FIXTURES_DIR)).filter((name) => !name.startsWith("README")).sort();
    // Upload in a few concurrent requests of several files each.
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += 5) batches.push(names.slice(i, i + 5));
    const answers = await Promise.all(batches.map(async (batch) => upload(baseURL, await Promise.all(batch.map((n) => fileFrom(fixturePath(n)))))));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      for (const doc of answer.body.documents!) {
        expect(doc.duplicate).toBeUndefined();
        ids.set(doc.filename, doc.id);
      }
    }
    const list = await listDocuments(baseURL);
    notDoneWhenUploadsReturned = list.filter((doc) => doc.status !== "done").length;
    await watcher.waitForFinal([...ids.values()]);
    // The library statistics are counted as the library grows, and the library re-embedded.
    await waitForSimilarityIdle(baseURL);
  });

  afterAll(() => watcher?.close());

  it("answers the upload before processing is over", () => {
    expect(ids.size).toBeGreaterThan(20);
    expect(notDoneWhenUploadsReturned).toBeGreaterThan(0);
  });

  it("ends every document done, announced over Socket.IO with a bar that only moves forward", () => {
    for (const [name, id] of ids) {
      const events = watcher.events.get(id)!;
      expect(events.at(-1), name).toMatchObject({ status: "done", stage: "similar", progress: 100 });
      const progresses = events.filter((e) => e.status === "processing").map((e) => e.progress);
      expect(progresses.length, name).toBeGreaterThan(2);
      expect(progresses, name).toEqual([...progresses].sort((a, b) => a - b));
      const stages = new Set(events.map((e) => e.stage));
      expect([...stages], name).toEqual(["extract", "summarize", "embed", "similar"]);
    }
  });

  it("gives each document a summary made of its own sentences: what it is, then key points", async () => {
    const source = (await readFile(fixturePath("coreutils-README.txt"), "utf8")).replace(/\s+/g, " ");
    const { status, body } = await getDocument(baseURL, ids.get("coreutils-README.txt")!);
    expect(status).toBe(200);
    const { description, keyPoints } = parseSummary(body.summary!);
    // The README's own "This package is the union of …", naming the package its title names.
    expect(description).toBe("The coreutils package is the union of the GNU fileutils, sh-utils, and textutils packages.");
    expect(source).toContain("This package is the union of the GNU fileutils, sh-utils, and textutils packages.");
    expect(keyPoints.length).toBeGreaterThanOrEqual(3);
    for (const point of keyPoints) expect(source).toContain(point);
    for (const id of ids.values()) {
      const doc = (await getDocument(baseURL, id)).body;
      expect(doc.summary, doc.filename).toBeTruthy();
      expect(doc.provider).toBe("local");
      expect(doc.finishedAt).not.toBeNull();
      // One recorded attempt per stage, in order, each done with a duration.
      expect(doc.runs.map((run) => [run.stage, run.attempt, run.outcome])).toEqual([
        ["extract", 1, "done"],
        ["summarize", 1, "done"],
        ["embed", 1, "done"],
        ["similar", 1, "done"],
      ]);
      for (const run of doc.runs) expect(run.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("answers each document's outline, its headings with their offsets in the text", async () => {
    const { body } = await getDocument(baseURL, ids.get("graphicx.pdf")!);
    expect(body.outline.map(({ title, level }) => ({ title, level }))).toContainEqual({ title: "2 Key=Value Interface", level: 1 });
    const heading = body.outline[1];
    const slice = (await (await api(baseURL, `/api/documents/${body.id}/text?offset=${heading.offset}&length=40`)).json()) as { text: string };
    expect(slice.text.startsWith(`${heading.title}\n`)).toBe(true);
    expect((await getDocument(baseURL, ids.get("coreutils-README.txt")!)).body.outline).toEqual([]);
  });

  it("lists only LaTeX graphics documents as similar to graphicx.pdf, each with the terms they share", async () => {
    const { body } = await getDocument(baseURL, ids.get("graphicx.pdf")!);
    // The cut-off (SIMILAR_MIN_SCORE, SIMILAR_RELATIVE_SCORE) leaves the related ones, at most SIMILAR_LIMIT.
    expect(body.similar.length).toBeGreaterThanOrEqual(2);
    expect(body.similar.length).toBeLessThanOrEqual(5);
    // By file name: titles come from the documents' metadata ("The graphicx package").
    const names = body.similar.map((s) => nameOf(s.id));
    for (const name of names) expect(GRAPHICS_BUNDLE).toContain(name);
    expect(names).not.toContain("graphicx");
    const scores = body.similar.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.at(-1)!).toBeGreaterThanOrEqual(0.75 * scores[0]);
    for (const s of body.similar) {
      expect(Object.keys(s).sort()).toEqual(["id", "nearDuplicate", "score", "terms", "title"]);
      expect(s.score).toBeGreaterThan(0.35);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.terms.length).toBeGreaterThan(0);
      expect(s.nearDuplicate).toBe(false);
      expect([...ids.values()]).toContain(s.id);
    }
  });

  it("lets documents uploaded earlier learn about later ones", async () => {
    // graphics.pdf was processed in a different batch; its list must still hold graphicx.
    const { body } = await getDocument(baseURL, ids.get("graphics.pdf")!);
    expect(body.similar.map((s) => nameOf(s.id))).toContain("graphicx");
  });

  it("answers identical content with the existing document instead of processing it again", async () => {
    const again = await upload(baseURL, [{ ...(await fileFrom(fixturePath("graphicx.pdf"))), name: "copy-of-graphicx.pdf" }]);
    expect(again.status).toBe(202);
    expect(again.body.documents).toEqual([
      expect.objectContaining({ id: ids.get("graphicx.pdf"), duplicate: true, status: "done" }),
    ]);
    const list = await listDocuments(baseURL);
    expect(list.filter((d) => d.filename === "copy-of-graphicx.pdf")).toHaveLength(0);
  });

  it("lists the owner's documents newest first", async () => {
    const list = await listDocuments(baseURL);
    const times = list.map((d) => Date.parse(d.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(list[0]).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), status: expect.any(String), stage: expect.any(String), progress: expect.any(Number), createdAt: expect.any(String) }));
  });
});
