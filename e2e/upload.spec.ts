/**
 * A person uploads documents by drop and through the file dialog, watches their bars through a
 * reload until they are done, reads a summary and follows a similar document, and sees why
 * broken files failed. The stack is shared by every spec, so each step names its own files.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { dropFiles, fixturePath, rowOf, screenshot, uploadAnswer } from "./helpers";

/** Processing a handful of small documents with the local provider takes seconds; this is ample. */
const PROCESSING_TIMEOUT = 90_000;

test.describe.configure({ mode: "serial" });

test("an upload in flight shows how much of it has been sent", async ({ page }) => {
  await page.goto("/");
  // A slow connection: 1.5 MB go out in about 2.5 s.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 600 * 1024 });
  const title = `large-${randomUUID()}`;
  const text = `Notes on ${title}. The archive review covered the schedule and the budget.`;
  const buffer = Buffer.concat([Buffer.from(text), Buffer.alloc(1.5 * 1024 * 1024, "\n")]);

  const answered = uploadAnswer(page, () => page.getByLabel("Files to upload").setInputFiles({ name: `${title}.txt`, mimeType: "text/plain", buffer }));
  const bar = page.getByRole("progressbar", { name: /^Uploading 1 file · / });
  await expect(bar).toHaveAccessibleName(/^Uploading 1 file · \d+\.\d (KB|MB) of 1\.5 MB$/);
  const sent = async () => Number(await bar.getAttribute("value"));
  const early = await sent();
  await expect.poll(sent).toBeGreaterThan(early);
  expect(await sent()).toBeLessThan(Number(await bar.getAttribute("max")));
  // The bar moves while the request is still going out: no row yet.
  await expect(rowOf(page, title)).toHaveCount(0);

  const [doc] = await answered;
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(rowOf(page, title)).toBeVisible();
  await expect(page.getByTestId("upload-progress")).toHaveCount(0);
  // Only the upload mattered here: the document goes.
  expect((await page.request.delete(`/api/documents/${doc.id}?purge=true`)).status()).toBe(204);
});

test("drop and choose files, reload mid-way, and watch every document finish", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();

  // Drop two PDFs onto the drop zone.
  const dropped = await uploadAnswer(page, () =>
    dropFiles(page, page.getByTestId("drop-zone"), [fixturePath("graphicx.pdf"), fixturePath("graphics.pdf")]),
  );

  // Choose a text file, and a note nobody uploaded before, through the file dialog.
  const note = `release-note-${randomUUID()}`;
  const noteText = `Release note ${note}.\n\nThe archive tools now keep file permissions when they extract. Backups made before this release restore as before.\n`;
  const chosen = await uploadAnswer(page, async () =>
    page.getByLabel("Files to upload").setInputFiles([
      { name: "coreutils-README.txt", mimeType: "text/plain", buffer: await readFile(fixturePath("coreutils-README.txt")) },
      { name: `${note}.txt`, mimeType: "text/plain", buffer: Buffer.from(noteText) },
    ]),
  );

  // The upload answers at once: new documents are still waiting to be processed.
  const uploaded = [...dropped, ...chosen];
  const fresh = uploaded.filter((doc) => !doc.duplicate);
  expect(fresh.map((doc) => doc.title)).toContain(note);
  for (const doc of fresh) expect(doc.progress).toBeLessThan(100);

  // A PDF's row is titled by its file name until its text is read, then by the title in its metadata.
  const titles = [/^(graphicx|The graphicx package)$/, /^(graphics|The graphics package)$/, "coreutils-README", note];
  for (const title of titles) {
    await expect(rowOf(page, title)).toBeVisible();
    await expect(rowOf(page, title).getByRole("progressbar")).toBeVisible();
  }
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);

  // A reload in the middle still shows every row with its bar.
  await page.reload();
  for (const title of titles) {
    await expect(rowOf(page, title).getByTestId("progress")).toBeVisible();
  }
  await screenshot(page, "upload-midway");

  for (const title of titles) {
    const row = rowOf(page, title);
    await expect(row).toHaveAttribute("data-status", "done", { timeout: PROCESSING_TIMEOUT });
    await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
    await expect(row).toContainText("Done");
  }
  await screenshot(page, "upload-done");
});

test("read a finished document's summary and follow a similar document", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "The graphicx package", exact: true }).click();

  await expect(page.getByRole("heading", { level: 1, name: "The graphicx package" })).toBeVisible();
  await expect(page.getByText("graphicx.pdf")).toBeVisible();
  await expect(page.getByTestId("summary")).toHaveText(/\w+(\s+\w+){5,}/);
  await expect(page.getByText("Picked from the document's own sentences")).toBeVisible();

  await expect(page.getByRole("heading", { name: "Similar documents" })).toBeVisible();
  const similar = page.getByTestId("similar-item").first();
  // The score in words, with the number on hover, and the terms the two share under the title.
  await expect(similar.locator(".score")).toHaveText(/^(very similar|related)$/);
  await expect(similar.locator(".score")).toHaveAttribute("title", /^similarity \d\.\d{2}$/);
  await expect(similar.getByTestId("similar-terms")).toHaveText(/^Both about \S+/);
  const link = similar.getByRole("link");
  const similarTitle = (await link.textContent())?.trim() ?? "";
  expect(similarTitle).not.toBe("");
  await screenshot(page, "document-graphicx");

  await link.click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: similarTitle, exact: true })).toBeVisible();
  await expect(page.getByText("Status: Done")).toBeVisible();
  await screenshot(page, "document-similar");
});

test("a document opened while it is processing shows its summary when it finishes", async ({ page }) => {
  const title = `meeting-notes-${randomUUID()}`;
  const text = [
    `Meeting notes ${title}.`,
    "The team reviewed the backup schedule and agreed to run full backups every Sunday night.",
    "Incremental backups continue every night at two o'clock and are kept for thirty days.",
    "Restores are tested once a month on a spare machine, and the results are written to the wiki.",
    "The old tape drive is retired at the end of the quarter once the disk archive is verified.",
  ].join(" ");

  // An earlier note on the same subject, done first, so the new one has a similar document of its own.
  const earlier = `backup-plan-${randomUUID()}`;
  const earlierText = [
    `Backup plan ${earlier}.`,
    "Full backups of the file server run every Sunday night, and incremental backups every night at two o'clock.",
    "Backups are kept for thirty days on the disk archive; restores are tested once a month on a spare machine.",
  ].join(" ");

  await page.goto("/");
  await uploadAnswer(page, () =>
    page.getByLabel("Files to upload").setInputFiles({ name: `${earlier}.txt`, mimeType: "text/plain", buffer: Buffer.from(earlierText) }),
  );
  await expect(rowOf(page, earlier)).toContainText("Done", { timeout: PROCESSING_TIMEOUT });
  await uploadAnswer(page, () =>
    page.getByLabel("Files to upload").setInputFiles({ name: `${title}.txt`, mimeType: "text/plain", buffer: Buffer.from(text) }),
  );
  await rowOf(page, title).getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  // No reload here: the page reads its data again by itself when the document is done.
  await expect(page.getByTestId("summary")).toContainText("backup", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByText("Status: Done")).toBeVisible();
  await expect(page.getByTestId("similar-item").filter({ hasText: earlier })).toBeVisible();
});

test("an empty file and a damaged PDF end as failed, with the reason shown", async ({ page }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "docsum-e2e-"));
  try {
    const empty = path.join(dir, "empty-file.txt");
    const damaged = path.join(dir, "damaged-graphicx.pdf");
    await writeFile(empty, "");
    await writeFile(damaged, (await readFile(fixturePath("graphicx.pdf"))).subarray(0, 2000));

    await page.goto("/");
    await uploadAnswer(page, () => page.getByLabel("Files to upload").setInputFiles([empty, damaged]));

    const failures = [
      { title: "empty-file", message: "This file is empty." },
      { title: "damaged-graphicx", message: "This PDF is damaged or incomplete and could not be read." },
    ];
    for (const { title, message } of failures) {
      const row = rowOf(page, title);
      await expect(row).toHaveAttribute("data-status", "failed", { timeout: PROCESSING_TIMEOUT });
      await expect(row).toContainText(message);
      await expect(row).toContainText("Failed at Extracting text");
    }

    // A file of a type the app cannot read is refused at once, with the server's reason.
    await page.getByLabel("Files to upload").setInputFiles({ name: "notes.gz", mimeType: "application/gzip", buffer: gzipSync("compressed notes") });
    await expect(page.getByRole("main").getByRole("alert")).toContainText("is not a supported type");
    await screenshot(page, "failed-rows");

    // The document page names the stage and the reason in an alert.
    await rowOf(page, "damaged-graphicx").getByRole("link").click();
    const alert = page.getByRole("main").getByRole("alert");
    await expect(alert).toContainText("Failed at Extracting text");
    await expect(alert).toContainText("This PDF is damaged or incomplete and could not be read.");
    await screenshot(page, "failed-document");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
