/**
 * Word (.docx) and OpenDocument (.odt) files made at test time, with a title property, headings,
 * paragraphs and bulleted lists, as the programs that write them lay them out.
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
