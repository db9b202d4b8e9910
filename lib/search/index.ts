/**
 * Find anything: passages of every document's text (./passages), the full-text list kept by
 * PostgreSQL triggers (./text-rank), the semantic list through the similar documents' vector
 * index (./semantic), their fusion (./fusion), snippets with match offsets (./snippet), the
 * passage a result opens at (./passage-at) and the backfill's bookkeeping (./backfill).
 */
export { codePointOffsets, indexDocument, insertPassages, passagesOf, removePassages, type Passage } from "./passages";
export { MAX_LIMIT, MAX_QUERY_LENGTH, SEARCH_MODES, searchQuerySchema, wantedWords, type SearchMode, type SearchQuery } from "./query";
export { reciprocalRankFusion, RRF_K, type FusedEntry } from "./fusion";
export { parseMarked, plainSnippet, type Snippet } from "./snippet";
export { searchLibrary, type SearchAnswer, type SearchResult } from "./search";
export { passageFor, type PassageHighlight } from "./passage-at";
export { queueSearchIndexing, queueSearchIndexingWhereNeeded, searchIndexingJobId, searchIndexingStatus, unindexed, type SearchIndexingStatus } from "./backfill";
