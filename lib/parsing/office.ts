/**
 * Word (.docx, through mammoth) and OpenDocument text (.odt, a small reader of its content.xml)
 * as HTML, so that their headings and lists are read like a web page's; each with the title its
 * properties store. The ZIP container is unpacked within limits first (./zip.ts).
 */
import mammoth from "mammoth";
import { DocumentError } from "./errors";
import { partText, repack, unpackParts, type ZipLimits } from "./zip";

export interface OfficeDocument {
  html: string;
  /** The title in the document's properties (docProps/core.xml, meta.xml), if any. */
  title: string | null;
}

/** The parts of a .docx that its text needs: XML and relationships, never embedded media. */
const DOCX_PART = /^(\[Content_Types\]\.xml|_rels\/\.rels|docProps\/core\.xml|word\/(_rels\/)?[^/]+\.(xml|rels))$/;

/** A Word document as HTML, with its title property. */
export async function readDocx(bytes: Uint8Array, limits: ZipLimits): Promise<OfficeDocument> {
  const parts = unpackParts(bytes, (name) => DOCX_PART.test(name), limits, "Word document");
  if (!parts["word/document.xml"]) throw new DocumentError("This Word document has no text part (word/document.xml); it may be damaged.");
  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(repack(parts)) }, { ignoreEmptyParagraphs: true }));
  } catch (error) {
    throw new DocumentError("This Word document is damaged and could not be read.", { cause: error });
  }
  return { html, title: xmlElementText(partText(parts, "docProps/core.xml"), "dc:title") };
}

/** An OpenDocument text as HTML, with its title property. */
export function readOdt(bytes: Uint8Array, limits: ZipLimits): OfficeDocument {
  const parts = unpackParts(bytes, (name) => name === "content.xml" || name === "meta.xml", limits, "OpenDocument file");
  const content = partText(parts, "content.xml");
  if (content === null) throw new DocumentError("This OpenDocument file has no text part (content.xml); it may be damaged.");
  return { html: odfToHtml(content), title: xmlElementText(partText(parts, "meta.xml"), "dc:title") };
}

/** The text of the first `<name>` element of an XML document, entities decoded; null when absent or empty. */
function xmlElementText(xml: string | null, name: string): string | null {
  if (!xml) return null;
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  const text = match ? decodeEntities(match[1].replace(/<[^>]*>/g, "")).trim() : "";
  return text || null;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, body: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (body[0] !== "#") return named[body.toLowerCase()] ?? entity;
    const code = body[1].toLowerCase() === "x" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** ODF elements that become HTML ones; others keep only their text. */
const ODF_BLOCKS: Record<string, string> = {
  "text:p": "p",
  "text:list": "ul",
  "text:list-item": "li",
  "text:list-header": "li",
  "table:table": "table",
  "table:table-row": "tr",
  "table:table-cell": "td",
};
/** ODF elements whose content is not part of the text a reader sees. */
const ODF_SKIPPED = new Set(["office:annotation", "text:tracked-changes", "text:note-citation", "office:forms", "text:sequence-decls"]);
const XML_TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;

/**
 * The body of an ODF content.xml as HTML: headings (text:h with their outline level), paragraphs,
 * lists and tables; spaces (text:s), tabs and line breaks as they show. Text stays escaped as in
 * the XML, which HTML reads the same.
 */
export function odfToHtml(xml: string): string {
  const bodyStart = xml.indexOf("<office:body");
  const source = bodyStart === -1 ? xml : xml.slice(bodyStart);
  const out: string[] = [];
  const open: string[] = [];
  /** The ODF blocks open around the current token. */
  const parents: string[] = [];
  let skipping = 0;
  for (const [, closing, name, attributes = "", selfClosing, text] of source.matchAll(XML_TOKEN)) {
    if (text !== undefined) {
      if (!skipping) out.push(text);
      continue;
    }
    if (!name) continue;
    if (ODF_SKIPPED.has(name)) {
      if (!selfClosing) skipping += closing ? -1 : 1;
      continue;
    }
    if (skipping) continue;
    if (name === "text:h") {
      if (closing) out.push(`</${open.pop() ?? "h1"}>`);
      else {
        const level = Math.min(6, Math.max(1, Number(/text:outline-level\s*=\s*["'](\d+)/.exec(attributes)?.[1] ?? 1)));
        open.push(`h${level}`);
        out.push(`<h${level}>`);
        if (selfClosing) out.push(`</${open.pop()}>`);
      }
      continue;
    }
    if (name === "text:s") {
      out.push(" ".repeat(Math.min(100, Number(/text:c\s*=\s*["'](\d+)/.exec(attributes)?.[1] ?? 1))));
      continue;
    }
    if (name === "text:tab") out.push("\t");
    else if (name === "text:line-break") out.push("<br>");
    let tag: string | undefined = ODF_BLOCKS[name];
    if (!tag) continue;
    if (!selfClosing && !closing) parents.push(name);
    if (closing) parents.pop();
    // A list item's paragraph is the item itself: no paragraph of its own (no blank line between items).
    if (name === "text:p" && parents.at(closing ? -1 : -2)?.startsWith("text:list-")) tag = undefined;
    if (!tag) continue;
    if (selfClosing) out.push(`<${tag}></${tag}>`);
    else out.push(closing ? `</${tag}>` : `<${tag}>`);
  }
  return `<html><body>${out.join("")}</body></html>`;
}
