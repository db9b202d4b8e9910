/**
 * A large library made fast, in the real tables: documents whose text is paragraphs of this
 * machine's manual pages (./search-set) picked at random, with their search vectors and passages
 * (one per paragraph) made by the triggers, and vectors of the local embedding's dimension from a
 * topic mixture entered in the vector index. Deterministic: the same seed makes the same library.
 */
import path from "node:path";
import pg from "pg";
import { ROOT } from "../../tests/harness";
import { log } from "./figure";
import { searchCorpus } from "./search-set";
import { TopicMixture } from "./vectors";

const BATCH = 2000;
const PARAGRAPHS_PER_DOCUMENT = [3, 9] as const;

/** A deterministic generator, so two runs make the same library. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface SyntheticLibrary {
  ownerId: string;
  documents: number;
  seed: number;
  /** The text search configuration and the local embedding's dimension and model name. */
  language: string;
  dimensions: number;
  embeddingModel: string;
}

/** Inserts the library's documents and passages, then analyzes the tables; returns the text's total characters. */
export async function fillSyntheticLibrary(db: pg.Client, library: SyntheticLibrary): Promise<number> {
  const pages = searchCorpus(path.join(ROOT, "data/search-set"));
  const paragraphs = pages.flatMap((page) => page.text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 80 && p.length < 1500));
  log(`synthetic library: ${library.documents} documents from ${paragraphs.length} paragraphs`);
  const next = random(library.seed);
  const mixture = new TopicMixture(library.dimensions);
  let characters = 0;
  for (let from = 0; from < library.documents; from += BATCH) {
    const numbers: number[] = [];
    const texts: string[] = [];
    const vectors: Buffer[] = [];
    for (let i = from; i < Math.min(library.documents, from + BATCH); i++) {
      const [least, most] = PARAGRAPHS_PER_DOCUMENT;
      const n = least + Math.floor(next() * (most - least + 1));
      const text = Array.from({ length: n }, () => paragraphs[Math.floor(next() * paragraphs.length)]).join("\n\n");
      numbers.push(i);
      texts.push(text);
      characters += text.length;
      const v = mixture.next();
      vectors.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }
    // The documents (their search vectors by the trigger), then one passage per paragraph (theirs by the trigger).
    await db.query(
      `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", status, stage, progress, text, summary,
                               "searchLanguage", "embeddingModel", vector, "vectorSeq", "updatedAt", "finishedAt")
       SELECT gen_random_uuid(), $1, 'synthetic ' || u.i, 'synthetic-' || u.i || '.txt', 'text/plain', length(u.t), md5($1 || u.i), 'synthetic-' || u.i,
              'done', 'similar', 100, u.t, left(u.t, 300), $2, $3, u.v, nextval('vector_seq'), now(), now()
       FROM unnest($4::int[], $5::text[], $6::bytea[]) AS u(i, t, v)`,
      [library.ownerId, library.language, library.embeddingModel, numbers, texts, vectors],
    );
    await db.query(
      `INSERT INTO "Chunk" ("documentId", "index", "ownerId", "start", "end", "text", "tokens")
       SELECT d.id, p.n - 1, d."ownerId", 0, length(p.t), p.t, length(p.t) / 4
       FROM "Document" d CROSS JOIN LATERAL unnest(string_to_array(d.text, E'\\n\\n')) WITH ORDINALITY AS p(t, n)
       WHERE d."ownerId" = $1 AND d.title = ANY($2::text[])`,
      [library.ownerId, numbers.map((i) => `synthetic ${i}`)],
    );
    if ((from / BATCH) % 10 === 0) log(`synthetic library: ${from + numbers.length} documents`);
  }
  await db.query(`ANALYZE "Document"`);
  await db.query(`ANALYZE "Chunk"`);
  return characters;
}
