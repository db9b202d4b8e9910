import { describe, expect, it } from "vitest";
import { textOfTsv } from "@/lib/parsing/ocr";

const HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";
const word = (block: number, par: number, line: number, n: number, conf: number, text: string) => `5\t1\t${block}\t${par}\t${line}\t${n}\t0\t0\t10\t10\t${conf}\t${text}`;

describe("textOfTsv", () => {
  it("joins words into lines and lines into paragraphs", () => {
    const tsv = [HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t", word(1, 1, 1, 1, 96, "The"), word(1, 1, 1, 2, 91, "trig"), word(1, 1, 2, 1, 90, "package"), word(2, 1, 1, 1, 88, "David"), word(2, 1, 1, 2, 93, "Carlisle")].join("\n");
    expect(textOfTsv(tsv)).toBe("The trig\npackage\n\nDavid Carlisle");
  });

  it("finds no text where Tesseract is unsure of every word (noise, a photo, a drawing)", () => {
    const tsv = [HEADER, word(1, 1, 1, 1, 11.5, "ee"), word(1, 1, 1, 2, 33.5, "yee"), word(1, 1, 2, 1, 0, "Ae"), word(1, 2, 1, 1, 23.9, "ey:")].join("\n");
    expect(textOfTsv(tsv)).toBe("");
    expect(textOfTsv(HEADER)).toBe("");
  });
});
