/** What find-similar needs from a vector index, whichever engine holds it. */
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Neighbour } from "./exact";

/** A document with its unit vector, as find-similar queries for it. */
export interface IndexedDocument {
  id: string;
  ownerId: string;
  embeddingModel: string;
  vector: Float32Array;
}

export interface VectorIndex {
  readonly kind: "embedded" | "pgvector";
  /** Makes the owner's index of a model ready, outside any transaction (building it may take a while). */
  warm(db: Prisma.TransactionClient, ownerId: string, model: string, dimensions: number): Promise<void>;
  /** How many of the owner's documents of the model the index holds (as last brought up to date). */
  size(db: Prisma.TransactionClient, ownerId: string, model: string): Promise<number>;
  /** The `k` nearest of the owner's indexed documents of the same model, best first, without the document itself; call it holding the owner's lock. */
  search(tx: Prisma.TransactionClient, document: IndexedDocument, k: number): Promise<Neighbour[]>;
  /** Stores what the engine needs besides the row's vector, in the transaction that gives the document its sequence value. */
  enter(tx: Prisma.TransactionClient, document: IndexedDocument): Promise<void>;
}
