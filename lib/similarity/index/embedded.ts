/**
 * One owner's vectors of one embedding model in this process's memory: scanned exactly while the
 * library is small, and in an HNSW graph (hnswlib-node) once it holds `exactBelow` documents or
 * more. Documents are added, replaced and removed by id; the graph's labels are slots that are
 * never reused (a removed document's slot is marked deleted).
 */
import { createRequire } from "node:module";
import type { HierarchicalNSW as Hnsw } from "hnswlib-node";
import { nearest, type Neighbour } from "./exact";

// A native addon: loaded at run time so that bundlers leave it alone.
const { HierarchicalNSW } = createRequire(import.meta.url)("hnswlib-node") as typeof import("hnswlib-node");

export interface EmbeddedIndexOptions {
  dimensions: number;
  /** Below this many documents the index scans exactly; from it, the HNSW graph answers. */
  exactBelow: number;
  /** HNSW's breadth of search (at least the number of neighbours asked for). */
  efSearch: number;
  /** HNSW's links per node and breadth while inserting. */
  m?: number;
  efConstruction?: number;
}

const INITIAL_CAPACITY = 1024;

export class EmbeddedIndex {
  /** Slot → document id ("" for a removed one). */
  private ids: string[] = [];
  private readonly slots = new Map<string, number>();
  /** While exact: the vectors by slot, and which slots are removed. */
  private matrix: Float32Array | null;
  private removed = new Uint8Array(INITIAL_CAPACITY);
  private graph: Hnsw | null = null;
  /** The highest vector_seq this index has applied. */
  lastSeq = 0n;

  constructor(private readonly options: EmbeddedIndexOptions) {
    this.matrix = new Float32Array(INITIAL_CAPACITY * options.dimensions);
    if (options.exactBelow <= 0) this.toGraph();
  }

  /** Documents in the index. */
  get size(): number {
    return this.slots.size;
  }

  /** Whether the HNSW graph answers (rather than the exact scan). */
  get approximate(): boolean {
    return this.graph !== null;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Adds a document's unit vector, or replaces the one it had. */
  upsert(id: string, vector: Float32Array): void {
    const { dimensions } = this.options;
    if (vector.length !== dimensions) return;
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(id);
      this.slots.set(id, slot);
      this.ensureCapacity(slot + 1);
    }
    this.removed[slot] = 0;
    if (this.graph) {
      this.graph.addPoint(Array.from(vector), slot);
    } else {
      this.matrix!.set(vector, slot * dimensions);
      if (this.slots.size >= this.options.exactBelow) this.toGraph();
    }
  }

  /** Removes a document (nothing happens for one it does not hold). */
  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.ids[slot] = "";
    this.removed[slot] = 1;
    if (this.graph) this.graph.markDelete(slot);
  }

  /** The `k` nearest documents to a unit vector by cosine, best first, without `exclude`; `efSearch` overrides the graph's breadth of search. */
  search(vector: Float32Array, k: number, exclude?: string, efSearch = this.options.efSearch): Neighbour[] {
    if (this.size === 0 || k <= 0) return [];
    const wanted = Math.min(this.size, k + (exclude && this.slots.has(exclude) ? 1 : 0));
    if (!this.graph) {
      const skip = this.removed;
      const excluded = exclude === undefined ? undefined : this.slots.get(exclude);
      if (excluded !== undefined) skip[excluded] = 1;
      try {
        return nearest(vector, this.ids, this.matrix!.subarray(0, this.ids.length * this.options.dimensions), k, undefined, skip);
      } finally {
        if (excluded !== undefined) skip[excluded] = 0;
      }
    }
    this.graph.setEf(Math.max(efSearch, wanted));
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), wanted);
    const found: Neighbour[] = [];
    neighbors.forEach((slot, i) => {
      const id = this.ids[slot];
      // Inner-product space: the distance is 1 - dot.
      if (id && id !== exclude) found.push({ id, score: 1 - distances[i] });
    });
    return found.slice(0, k);
  }

  /** Writes the graph to `file` (only once it is a graph); the ids and sequence go in the caller's sidecar. */
  async writeGraph(file: string): Promise<boolean> {
    if (!this.graph) return false;
    await this.graph.writeIndex(file);
    return true;
  }

  /** What a sidecar must hold to bring a written graph back. */
  snapshot(): { ids: string[]; lastSeq: string } {
    return { ids: this.ids, lastSeq: this.lastSeq.toString() };
  }

  /** An index from a written graph and its sidecar. */
  static async readGraph(options: EmbeddedIndexOptions, file: string, sidecar: { ids: string[]; lastSeq: string }): Promise<EmbeddedIndex> {
    const index = new EmbeddedIndex({ ...options, exactBelow: Math.max(1, options.exactBelow) });
    const graph = new HierarchicalNSW("ip", options.dimensions);
    await graph.readIndex(file);
    index.graph = graph;
    index.matrix = null;
    index.ids = sidecar.ids;
    index.removed = new Uint8Array(Math.max(graph.getMaxElements(), sidecar.ids.length));
    sidecar.ids.forEach((id, slot) => {
      if (id) index.slots.set(id, slot);
      else index.removed[slot] = 1;
    });
    index.lastSeq = BigInt(sidecar.lastSeq);
    return index;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.removed.length) return;
    let capacity = this.removed.length;
    while (capacity < slots) capacity *= 2;
    const removed = new Uint8Array(capacity);
    removed.set(this.removed);
    this.removed = removed;
    if (this.matrix) {
      const matrix = new Float32Array(capacity * this.options.dimensions);
      matrix.set(this.matrix);
      this.matrix = matrix;
    }
    this.graph?.resizeIndex(capacity);
  }

  /** Moves the vectors from the exact matrix into a new HNSW graph. */
  private toGraph(): void {
    const { dimensions, m = 16, efConstruction = 100 } = this.options;
    const graph = new HierarchicalNSW("ip", dimensions);
    graph.initIndex({ maxElements: this.removed.length, m, efConstruction, randomSeed: 100 });
    const matrix = this.matrix!;
    this.ids.forEach((id, slot) => {
      if (!id) return;
      graph.addPoint(Array.from(matrix.subarray(slot * dimensions, (slot + 1) * dimensions)), slot);
    });
    // Removed slots stay in the label space as deleted points, so slot numbers keep meaning the same.
    this.ids.forEach((id, slot) => {
      if (id) return;
      graph.addPoint(new Array<number>(dimensions).fill(0), slot);
      graph.markDelete(slot);
    });
    this.graph = graph;
    this.matrix = null;
  }
}
