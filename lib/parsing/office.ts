/**
 * Word (.docx, through mammoth), OpenDocument text (.odt, a small reader of its content.xml) and
 * PowerPoint (.pptx, a small reader of its slides' XML) as HTML, so that their headings and lists
 * are read like a web page's; each with the title its properties store. The ZIP container is
 * unpacked within limits first (./zip.ts), and only the parts with text: never embedded media.
 */
import type { Unzipped } from "fflate";
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

/** The parts of a .pptx that its text needs: the slide list, the slides, their speaker notes, the properties. */
const PPTX_PART = /^(docProps\/core\.xml|ppt\/presentation\.xml|ppt\/_rels\/presentation\.xml\.rels|ppt\/(slides|notesSlides)\/(_rels\/)?[^/]+\.xml(\.rels)?)$/;

/** A PowerPoint deck as HTML, slide by slide in the deck's order, with its title property. */
export function readPptx(bytes: Uint8Array, limits: ZipLimits): OfficeDocument {
  const parts = unpackParts(bytes, (name) => PPTX_PART.test(name), limits, "PowerPoint file");
  const slides = slideOrder(parts);
  if (slides.length === 0) throw new DocumentError("This PowerPoint file has no slides (ppt/slides/); it may be damaged.");
  const html = slides.map((slide, i) => {
    const notes = relations(partText(parts, relsOf(slide)), slide).find((relation) => relation.type === "notesSlide");
    const notesXml = notes ? partText(parts, notes.target) : null;
    return slideToHtml(partText(parts, slide) ?? "", i === 0) + (notesXml ? slideToHtml(notesXml, false, true) : "");
  });
  return { html: `<html><body>${html.join("")}</body></html>`, title: xmlElementText(partText(parts, "docProps/core.xml"), "dc:title") };
}

/** The slides' part names in the order the deck shows them (presentation.xml's list), else by their number. */
function slideOrder(parts: Unzipped): string[] {
  const slideById = new Map(
    relations(partText(parts, "ppt/_rels/presentation.xml.rels"), "ppt/presentation.xml")
      .filter((relation) => relation.type === "slide")
      .map((relation) => [relation.id, relation.target]),
  );
  const listed = Array.from((partText(parts, "ppt/presentation.xml") ?? "").matchAll(/<p:sldId\b([^>]*)>/g), ([, attributes]) => slideById.get(attribute(attributes, "r:id") ?? ""));
  const ordered = listed.filter((name): name is string => name !== undefined && parts[name] !== undefined);
  if (ordered.length > 0) return ordered;
  const number = (name: string) => Number(/(\d+)\.xml$/.exec(name)?.[1] ?? 0);
  return Object.keys(parts).filter((name) => /^ppt\/slides\/[^/]+\.xml$/.test(name)).sort((a, b) => number(a) - number(b));
}

/** The relationships part of a part (ppt/slides/slide1.xml → ppt/slides/_rels/slide1.xml.rels). */
function relsOf(part: string): string {
  const slash = part.lastIndexOf("/");
  return `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`;
}

/** A relationships part's links inside the package: id, type (the type URI's last segment) and target part, resolved from `from`'s folder. */
function relations(rels: string | null, from: string): { id: string; type: string; target: string }[] {
  if (!rels) return [];
  const folder = from.slice(0, from.lastIndexOf("/")).split("/");
  return Array.from(rels.matchAll(/<Relationship\b([^>]*)>/g)).flatMap(([, attributes]) => {
    const target = attribute(attributes, "Target");
    if (!target || attribute(attributes, "TargetMode") === "External") return [];
    const segments = target.startsWith("/") ? [] : [...folder];
    for (const segment of target.replace(/^\//, "").split("/")) {
      if (segment === "..") segments.pop();
      else if (segment !== ".") segments.push(segment);
    }
    return [{ id: attribute(attributes, "Id") ?? "", type: attribute(attributes, "Type")?.split("/").pop() ?? "", target: segments.join("/") }];
  });
}

/** An XML attribute's value in an element's attribute text (`name` as written, prefix included). */
function attribute(attributes: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes)?.slice(1).find((v) => v !== undefined);
}

/** Placeholder types whose text is the slide's title. */
const TITLE_PLACEHOLDERS = new Set(["title", "ctrTitle"]);
/** Placeholders of page furniture, not the deck's text: a notes page's slide image, numbers, headers, footers, dates. */
const PAGE_FURNITURE = new Set(["sldImg", "sldNum", "hdr", "ftr", "dt"]);
/** Placeholders that hold the deck's body text, shown as bullets unless a paragraph says none. */
const BODY_PLACEHOLDERS = new Set(["body", "obj"]);

/**
 * One slide (or its notes page) as HTML: the title placeholder as a heading (the first slide's as
 * the deck's h1, the others' as h2), body placeholders' paragraphs as list items unless they have
 * no bullet, other text (text boxes, table cells, subtitles) as paragraphs. Footers, dates and
 * slide numbers are page furniture, left out. Text stays escaped as in the XML.
 */
export function slideToHtml(xml: string, first: boolean, notes = false): string {
  const out: string[] = [];
  let placeholder: string | null = null;
  let paragraph: string[] | null = null;
  let bullet: boolean | null = null;
  let inText = false;
  let listOpen = false;
  const closeList = () => {
    if (listOpen) out.push("</ul>");
    listOpen = false;
  };
  for (const [, closing, name, attributes = "", selfClosing, text] of xml.matchAll(XML_TOKEN)) {
    if (text !== undefined) {
      if (inText && paragraph) paragraph.push(text);
      continue;
    }
    if (name === "p:sp" || name === "p:graphicFrame") {
      if (!closing) placeholder = null;
      else closeList();
    } else if (name === "p:ph" && !closing) {
      placeholder = attribute(attributes, "type") ?? "obj";
    } else if (name === "a:t") {
      inText = !closing && !selfClosing;
    } else if (name === "a:br" && paragraph) {
      paragraph.push("<br>");
    } else if ((name === "a:buNone" || name === "a:buChar" || name === "a:buAutoNum") && paragraph) {
      bullet = name !== "a:buNone";
    } else if (name === "a:p") {
      if (!closing && !selfClosing) {
        paragraph = [];
        bullet = null;
        continue;
      }
      const content = (paragraph ?? []).join("").trim();
      paragraph = null;
      if (!content || (placeholder !== null && PAGE_FURNITURE.has(placeholder)) || (notes && placeholder !== "body")) continue;
      if (placeholder !== null && TITLE_PLACEHOLDERS.has(placeholder)) {
        closeList();
        out.push(first ? `<h1>${content}</h1>` : `<h2>${content}</h2>`);
      } else if (bullet ?? (!notes && placeholder !== null && BODY_PLACEHOLDERS.has(placeholder))) {
        if (!listOpen) out.push("<ul>");
        listOpen = true;
        out.push(`<li>${content}</li>`);
      } else {
        closeList();
        out.push(`<p>${content}</p>`);
      }
    }
  }
  closeList();
  return out.join("");
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
