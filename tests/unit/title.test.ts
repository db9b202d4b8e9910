import { describe, expect, it } from "vitest";
import { extractTextFromBytes } from "@/lib/parsing/extract";
import { documentTitle, isJunkTitle } from "@/lib/parsing/title";
import { makeDocx, makeOdt, makePptx } from "../office-files";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT = "application/vnd.oasis.opendocument.text";

const titleOf = async (data: string | Buffer, mimeType: string) =>
  (await extractTextFromBytes({ bytes: typeof data === "string" ? Buffer.from(data) : data, cut: false }, mimeType)).title;

/** A one-page PDF with `title` in its document information dictionary (and some text). */
function pdfWithTitle(title: string): Buffer {
  const stream = "BT /F1 12 Tf 72 720 Td (Quarterly figures for the harbour) Tj ET";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Title (${title}) >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

describe("isJunkTitle", () => {
  it("calls titles programs make up junk", () => {
    for (const junk of [
      "Microsoft Word - report3.doc",
      "Microsoft PowerPoint - deck.pptx",
      "untitled",
      "Untitled document",
      "Document1",
      "document",
      "report3.doc",
      "scan_0001.pdf",
      "C:\\Users\\me\\letter.docx",
      "/tmp/out.tex",
      "Slide 1",
      "  ",
      "1234",
      "---",
    ]) {
      expect(isJunkTitle(junk), junk).toBe(true);
    }
  });

  it("keeps real titles", () => {
    for (const title of ["Project Phoenix Release Notes 2.4", "The graphicx package", "Documentation of the trig package", "Untitled Love Songs: a history"]) {
      expect(isJunkTitle(title), title).toBe(false);
    }
  });
});

describe("documentTitle", () => {
  it("takes the stored title unless it is junk, then the first heading, else none", () => {
    expect(documentTitle({ stored: "Release Notes", firstHeading: "Overview" })).toBe("Release Notes");
    expect(documentTitle({ stored: "Microsoft Word - notes.doc", firstHeading: "Overview" })).toBe("Overview");
    expect(documentTitle({ stored: null, firstHeading: "  Spaced \n  heading " })).toBe("Spaced heading");
    expect(documentTitle({ stored: "untitled", firstHeading: null })).toBeNull();
    expect(documentTitle({})).toBeNull();
  });
});

describe("titles from each format", () => {
  it("reads a PDF's metadata title, and ignores a junk one", async () => {
    expect(await titleOf(pdfWithTitle("Harbour Quarterly Figures"), "application/pdf")).toBe("Harbour Quarterly Figures");
    expect(await titleOf(pdfWithTitle("Microsoft Word - figures3.doc"), "application/pdf")).toBeNull();
  });

  it("reads HTML's <title>, else its first <h1>", async () => {
    expect(await titleOf("<html><head><title>Project Phoenix Release Notes 2.4</title></head><body><h1>Notes</h1><p>Text.</p></body></html>", "text/html")).toBe(
      "Project Phoenix Release Notes 2.4",
    );
    expect(await titleOf("<html><head><title>Untitled</title></head><body><h2>Intro</h2><h1>Harbour &amp; Quay</h1><p>Text.</p></body></html>", "text/html")).toBe("Harbour & Quay");
  });

  it("reads Markdown's first heading; plain text has none", async () => {
    expect(await titleOf("Some intro line.\n\n## Installing the tool\n\nRun it.\n\n# Later\n", "text/markdown")).toBe("Installing the tool");
    expect(await titleOf("1 Introduction\n\nThe text goes on.\n\n2 Details\n\nMore.", "text/plain")).toBeNull();
  });

  it("reads a Word, OpenDocument or PowerPoint file's title property, else its first heading", async () => {
    const blocks = [{ heading: "Ferry services" }, { paragraph: "The ferry leaves at nine." }];
    expect(await titleOf(makeDocx({ title: "Harbour Timetable", blocks }), DOCX)).toBe("Harbour Timetable");
    expect(await titleOf(makeDocx({ title: "Document1", blocks }), DOCX)).toBe("Ferry services");
    expect(await titleOf(makeOdt({ title: "Harbour Timetable", blocks }), ODT)).toBe("Harbour Timetable");
    expect(await titleOf(makeOdt({ blocks }), ODT)).toBe("Ferry services");
    const slides = [{ title: "Ferry services", bullets: ["The ferry leaves at nine."] }];
    const PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    expect(await titleOf(makePptx({ title: "Harbour Timetable", slides }), PPTX)).toBe("Harbour Timetable");
    expect(await titleOf(makePptx({ title: "PowerPoint Presentation", slides }), PPTX)).toBe("Ferry services");
    expect(await titleOf(makePptx({ slides }), PPTX)).toBe("Ferry services");
  });
});
