/**
 * Word (.docx), OpenDocument (.odt) and PowerPoint (.pptx) files made at test time, with a title
 * property, headings, paragraphs and bulleted lists, as the programs that write them lay them out.
 */
import { strToU8, zipSync, type Zippable } from "fflate";

export type Block = { heading: string; level?: number } | { paragraph: string } | { list: string[] };

export interface OfficeContent {
  /** The title property (docProps/core.xml, meta.xml); none when absent. */
  title?: string;
  blocks: Block[];
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** A .docx: Heading1/Heading2 paragraph styles, bulleted lists through word/numbering.xml. */
export function makeDocx({ title, blocks }: OfficeContent, extraEntries: Zippable = {}): Buffer {
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${escape(text)}</w:t></w:r>`;
  const body = blocks
    .map((block) => {
      if ("heading" in block) return `<w:p><w:pPr><w:pStyle w:val="Heading${block.level ?? 1}"/></w:pPr>${run(block.heading)}</w:p>`;
      if ("paragraph" in block) return `<w:p>${run(block.paragraph)}</w:p>`;
      return block.list.map((item) => `<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>${run(item)}</w:p>`).join("");
    })
    .join("");
  const styles = [1, 2, 3]
    .map((level) => `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/></w:style>`)
    .join("");
  const files: Zippable = {
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
    ),
    "docProps/core.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${title === undefined ? "" : `<dc:title>${escape(title)}</dc:title>`}<dc:creator>Test</dc:creator></cp:coreProperties>`,
    ),
    "word/_rels/document.xml.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>',
    ),
    "word/document.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`),
    "word/styles.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>${styles}</w:styles>`),
    "word/numbering.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
    ),
    ...extraEntries,
  };
  return Buffer.from(zipSync(files));
}

/** An .odt: the `mimetype` entry first and stored, text:h headings with their outline level, text:list lists. */
export function makeOdt({ title, blocks }: OfficeContent): Buffer {
  const body = blocks
    .map((block) => {
      if ("heading" in block) return `<text:h text:outline-level="${block.level ?? 1}">${escape(block.heading)}</text:h>`;
      if ("paragraph" in block) return `<text:p text:style-name="Standard">${escape(block.paragraph).replace(/  /g, ' <text:s/>')}</text:p>`;
      return `<text:list>${block.list.map((item) => `<text:list-item><text:p>${escape(item)}</text:p></text:list-item>`).join("")}</text:list>`;
    })
    .join("");
  const ns =
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"';
  return Buffer.from(
    zipSync({
      mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }],
      "META-INF/manifest.xml": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
      ),
      "meta.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><office:document-meta ${ns}><office:meta>${title === undefined ? "" : `<dc:title>${escape(title)}</dc:title>`}</office:meta></office:document-meta>`),
      "content.xml": strToU8(
        `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ns}><office:automatic-styles/><office:body><office:text><text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/></text:sequence-decls>${body}</office:text></office:body></office:document-content>`,
      ),
    }),
  );
}

/** A .docx with `entries` extra empty parts (for the entry-count limit). */
export function manyEntriesDocx(entries: number): Buffer {
  const extra: Zippable = {};
  for (let i = 0; i < entries; i++) extra[`customXml/item${i}.xml`] = strToU8("<a/>");
  return makeDocx({ blocks: [{ paragraph: "A document with many parts." }] }, extra);
}

export interface Slide {
  title?: string;
  /** The body placeholder's paragraphs (bulleted, as PowerPoint shows them). */
  bullets?: string[];
  /** A text box's paragraph (no bullet). */
  box?: string;
  notes?: string;
}

const P = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** A shape of a slide: a placeholder of `type` (none: a text box; "obj", a slide's content placeholder, has no type attribute), its paragraphs as runs. */
function shape(id: number, type: string | null, paragraphs: string[]): string {
  const ph = type === null ? "" : type === "obj" ? '<p:ph idx="1"/>' : `<p:ph type="${type}" idx="${id}"/>`;
  const body = paragraphs.map((text) => `<a:p><a:r><a:rPr lang="en-GB" dirty="0"/><a:t>${escape(text)}</a:t></a:r></a:p>`).join("");
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="Shape ${id}"/><p:cNvSpPr/><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>${body}</p:txBody></p:sp>`;
}

/**
 * A .pptx as PowerPoint lays one out: presentation.xml lists the slides through its relationships
 * (here in the reverse of their file names' order, as a deck whose slides were moved is), each
 * slide a title placeholder, a body placeholder of bullets, a text box, a footer and a slide
 * number; speaker notes on a notes page linked from the slide.
 */
export function makePptx({ title, slides }: { title?: string; slides: Slide[] }): Buffer {
  const files: Zippable = {
    "[Content_Types].xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>${slides.map((_, i) => `<Override PartName="/ppt/slides/slide${slides.length - i}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join("")}</Types>`,
    ),
    "_rels/.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
    ),
    "docProps/core.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${title === undefined ? "" : `<dc:title>${escape(title)}</dc:title>`}</cp:coreProperties>`,
    ),
    "ppt/presentation.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><p:presentation ${P}><p:sldIdLst>${slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 2}"/>`).join("")}</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/></p:presentation>`,
    ),
    "ppt/_rels/presentation.xml.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/slideMaster" Target="slideMasters/slideMaster1.xml"/>${slides.map((_, i) => `<Relationship Id="rId${i + 2}" Type="${REL}/slide" Target="slides/slide${slides.length - i}.xml"/>`).join("")}</Relationships>`,
    ),
    "ppt/media/image1.png": new Uint8Array(64),
  };
  slides.forEach((slide, i) => {
    const n = slides.length - i;
    const shapes = [
      slide.title === undefined ? "" : shape(2, i === 0 ? "ctrTitle" : "title", [slide.title]),
      slide.bullets ? shape(3, "obj", slide.bullets) : "",
      slide.box ? shape(4, null, [slide.box]) : "",
      shape(5, "ftr", ["Harbour Board confidential"]),
      `<p:sp><p:nvSpPr><p:cNvPr id="6" name="Slide Number"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum" sz="quarter" idx="12"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:fld id="{B6F15528}" type="slidenum"><a:t>${n}</a:t></a:fld></a:p></p:txBody></p:sp>`,
    ].join("");
    files[`ppt/slides/slide${n}.xml`] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><p:sld ${P}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shapes}</p:spTree></p:cSld></p:sld>`);
    const rels = [`<Relationship Id="rId1" Type="${REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>`];
    if (slide.notes) {
      rels.push(`<Relationship Id="rId2" Type="${REL}/notesSlide" Target="../notesSlides/notesSlide${n}.xml"/>`);
      files[`ppt/notesSlides/notesSlide${n}.xml`] = strToU8(
        `<?xml version="1.0" encoding="UTF-8"?><p:notes ${P}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shape(2, "sldImg", [])}${shape(3, "body", [slide.notes])}${shape(4, "sldNum", [String(n)])}</p:spTree></p:cSld></p:notes>`,
      );
    }
    files[`ppt/slides/_rels/slide${n}.xml.rels`] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`);
  });
  return Buffer.from(zipSync(files));
}
