/**
 * Asking in the browser: a question on a document's page streams its answer in below it with
 * numbered citations, a citation opens the document at the passage it quotes, highlighted, and the
 * question is still there after a reload; the library's question box asks the whole library and
 * lists every question on the questions page.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { screenshot, uploadTexts } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
/** A word no other spec's documents have, so this spec's answers hold still. */
const word = `lanternwort${run.replace(/\d/g, "")}`;
const title = `questions-herbal-${run}`;

function herbal(): string {
  const filler = Array.from({ length: 60 }, (_, i) => `Entry ${i} of the herbal describes a common garden plant, its leaves and its flowers.`).join("\n");
  return `Herbal ${run}\n\n${filler}\n\nThe ${word} blooms only at night, when its pale petals open and give off a faint green light.\n\n${filler}\n`;
}

let documentId = "";
const asked: string[] = [];

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  const [doc] = await uploadTexts(page, [{ name: `${title}.txt`, text: herbal() }]);
  documentId = doc.id;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/documents/${doc.id}`)).json()) as { status: string }).status, { timeout: 120_000, intervals: [1000] })
    .toBe("done");
  await page.close();
});

// This spec's questions go, so the library's question list of other specs stays as theirs.
test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  for (const id of asked) await page.request.delete(`/api/questions/${id}`);
  await page.close();
});

test("a question about a document streams its answer with citations that open the passage", async ({ page }) => {
  await page.goto(`/documents/${documentId}`);
  const section = page.getByTestId("questions");
  await expect(section.getByRole("heading", { name: "Ask about this document" })).toBeVisible();
  const posted = page.waitForResponse((response) => response.url().endsWith("/api/questions") && response.request().method() === "POST");
  await section.getByRole("textbox", { name: "Your question" }).fill(`When does the ${word} bloom?`);
  await section.getByRole("button", { name: "Ask", exact: true }).click();
  const response = await posted;
  expect(response.status()).toBe(202);
  asked.push(((await response.json()) as { id: string }).id);

  const question = section.getByTestId("question").first();
  await expect(question).toContainText(`When does the ${word} bloom?`);
  await expect(question).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(question.getByTestId("answer")).toContainText(`${word} blooms only at night`);
  await expect(question.getByTestId("question-status")).toContainText("quoted from your documents");
  await expect(question.getByTestId("citations")).toContainText(title);
  await screenshot(page, "question-answered");

  // The question is kept: a reload shows it with its answer.
  await page.reload();
  await expect(page.getByTestId("question").first().getByTestId("answer")).toContainText(`${word} blooms only at night`);

  // Its first citation opens the document at the passage, highlighted.
  await page.getByTestId("question").first().getByTestId("citation").first().click();
  await expect(page).toHaveURL(/passage=\d+-\d+/);
  const passage = page.getByTestId("search-passage");
  await expect(passage).toContainText(`${word} blooms only at night`);
  await expect(passage).toBeInViewport();
});

test("the library's question box asks the whole library, and the questions page lists every question", async ({ page }) => {
  await page.goto("/");
  const section = page.getByTestId("questions");
  await expect(section.getByRole("heading", { name: "Ask your library" })).toBeVisible();
  const posted = page.waitForResponse((response) => response.url().endsWith("/api/questions") && response.request().method() === "POST");
  await section.getByRole("textbox", { name: "Your question" }).fill(`What gives off a faint green light like the ${word}?`);
  await section.getByRole("button", { name: "Ask", exact: true }).click();
  asked.push(((await (await posted).json()) as { id: string }).id);
  const question = section.getByTestId("question").first();
  await expect(question).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(question.getByTestId("citation-link").first()).toHaveText(title);

  await page.goto("/questions");
  await expect(page.getByRole("heading", { name: "Questions", level: 1 })).toBeVisible();
  const listed = page.getByTestId("question");
  await expect(listed.filter({ hasText: `What gives off a faint green light like the ${word}?` })).toHaveCount(1);
  await expect(listed.filter({ hasText: `When does the ${word} bloom?` })).toHaveCount(1);
  await screenshot(page, "questions-page");
});
