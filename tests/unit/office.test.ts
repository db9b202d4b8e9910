import { describe, expect, it } from "vitest";
import { extractTextFromBytes } from "@/lib/parsing/extract";
import { DocumentError } from "@/lib/parsing";
import { odfToHtml, slideToHtml } from "@/lib/parsing/office";
import { zipBombDocx } from "../hostile-files";
import { makeDocx, makeOdt, makePptx, manyEntriesDocx, type OfficeContent } from "../office-files";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT = "application/vnd.oasis.opendocument.text";
const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

const read = (bytes: Buffer, mimeType: string) => extractTextFromBytes({ bytes, cut: false }, mimeType);

const content: OfficeContent = {
  blocks: [
    { heading: "Release notes" },
    { paragraph: "Version 2.4 makes the ferry timetable   easier to read." },
    { heading: "New", level: 2 },
    { list: ["Sunday boats", "A bicycle pier"] },
    { heading: "Fixed", level: 2 },
    { paragraph: "Times after midnight & before dawn." },
  ],
};

describe.each([
  ["Word (.docx)", DOCX, makeDocx],
  ["OpenDocument (.odt)", ODT, makeOdt],
] as const)("%s", (_name, mimeType, make) => {
  it("reads the text with its headings as the outline and its lists as items", async () => {
    const { text, outline, pages } = await read(make(content), mimeType);
    expect(pages).toBeNull();
    expect(text).toContain("Version 2.4 makes the ferry timetable easier to read.");
    expect(text).toContain("Times after midnight & before dawn.");
    expect(text).toContain("* Sunday boats\n* A bicycle pier");
    expect(outline.map(({ title, level }) => [title, level])).toEqual([
      ["Release notes", 1],
      ["New", 2],
      ["Fixed", 2],
    ]);
    for (const entry of outline) expect(Array.from(text).slice(entry.offset).join("").startsWith(entry.title)).toBe(true);
  });
});

describe("PowerPoint (.pptx)", () => {
  const deck = {
    slides: [
      { title: "Harbour Timetable 2.4", box: "The ferry board's spring update." },
      { title: "New boats", bullets: ["Sunday boats", "A bicycle pier"], notes: "Say that the pier opens in May." },
      { title: "Fixed", bullets: ["Times after midnight & before dawn"] },
    ],
  };

  it("reads the slides in the deck's order, their titles as the outline and their bullets as items, with the speaker notes", async () => {
    const { text, outline, pages, title } = await read(makePptx(deck), PPTX);
    expect(pages).toBeNull();
    expect(title).toBe("Harbour Timetable 2.4");
    expect(text).toContain("The ferry board's spring update.");
    expect(text).toContain("* Sunday boats\n* A bicycle pier");
    expect(text).toContain("Say that the pier opens in May.");
    expect(text).toContain("* Times after midnight & before dawn");
    expect(outline.map(({ title, level }) => [title, level])).toEqual([
      ["Harbour Timetable 2.4", 1],
      ["New boats", 2],
      ["Fixed", 2],
    ]);
    for (const entry of outline) expect(Array.from(text).slice(entry.offset).join("").startsWith(entry.title)).toBe(true);
    // The order presentation.xml gives, not the order of the slides' file names.
    expect(text.indexOf("New boats")).toBeLessThan(text.indexOf("Fixed"));
    expect(text.indexOf("Harbour Timetable")).toBeLessThan(text.indexOf("New boats"));
  });

  it("leaves out footers, slide numbers and the notes page's furniture", async () => {
    const { text } = await read(makePptx(deck), PPTX);
    expect(text).not.toContain("Harbour Board confidential");
    expect(text).not.toMatch(/^\s*[123]\s*$/m);
  });

  it("takes the deck's title property over its first slide's title", async () => {
    expect((await read(makePptx({ ...deck, title: "Spring timetable" }), PPTX)).title).toBe("Spring timetable");
  });

  it("says a deck without slides is damaged", async () => {
    const empty = makePptx({ slides: [] });
    const error = await read(empty, PPTX).catch((e: unknown) => e);
    expect((error as DocumentError).message).toBe("This PowerPoint file has no slides (ppt/slides/); it may be damaged.");
  });

  it("reads a bullet a paragraph asks for in a text box, and none where a body paragraph turns it off", () => {
    const sp = (ph: string, paragraph: string) =>
      `<p:sp><p:nvSpPr><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:txBody>${paragraph}</p:txBody></p:sp>`;
    const html = slideToHtml(
      sp("", '<a:p><a:pPr><a:buChar char="•"/></a:pPr><a:r><a:t>boxed bullet</a:t></a:r></a:p>') +
        sp('<p:ph idx="1"/>', '<a:p><a:pPr><a:buNone/></a:pPr><a:r><a:t>plain</a:t></a:r><a:br/><a:r><a:t>line</a:t></a:r></a:p>'),
      false,
    );
    expect(html).toBe("<ul><li>boxed bullet</li></ul><p>plain<br>line</p>");
  });
});

describe("unpacking limits", () => {
  it("refuses a zip bomb named .docx before inflating it", async () => {
    const error = await read(zipBombDocx(150 * 1024 * 1024), DOCX).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).message).toBe("This Word document unpacks to more than 100 MB (it may be a zip bomb); it was not read.");
  });

  it("refuses a .docx of more parts than the limit", async () => {
    const error = await read(manyEntriesDocx(10_000), DOCX).catch((e: unknown) => e);
    expect((error as DocumentError).message).toBe("This Word document holds more than 2,000 parts, more than a real document has; it was not unpacked.");
  });

  it("follows the limits it is given", async () => {
    const small = { maxEntries: 5, maxUnpackedBytes: 1024 * 1024 };
    const error = await extractTextFromBytes({ bytes: makeDocx(content), cut: false }, DOCX, { zipLimits: small }).catch((e: unknown) => e);
    expect((error as DocumentError).message).toMatch(/holds more than 5 parts/);
  });

  it("says a damaged archive is damaged", async () => {
    const broken = makeDocx(content).subarray(0, 300);
    const error = await read(broken, DOCX).catch((e: unknown) => e);
    expect((error as DocumentError).message).toBe("This Word document is damaged or incomplete and could not be read.");
  });
});

describe("odfToHtml", () => {
  it("keeps spaces, tabs and line breaks, and leaves out annotations", () => {
    const html = odfToHtml(
      '<office:body><office:text><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d<office:annotation><text:p>comment</text:p></office:annotation></text:p></office:text></office:body>',
    );
    expect(html).toBe("<html><body><p>a   b\tc<br>d</p></body></html>");
  });
});
