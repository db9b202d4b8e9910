/**
 * The library list's query: page size, cursor, sort and filters, as the API and the page's URL
 * take them. Browser-safe: the page builds URLs with it, the route validates with it.
 */
import { z } from "zod";
import { FORMAT_KEYS } from "./parsing/formats";
import { idSchema } from "./pipeline/ids";
import { DOCUMENT_STATUSES } from "./pipeline/statuses";

export const SORTS = ["newest", "oldest", "title", "size"] as const;
export type Sort = (typeof SORTS)[number];

/** How the page names each sort. */
export const SORT_LABELS: Record<Sort, string> = { newest: "Newest first", oldest: "Oldest first", title: "Title", size: "Largest first" };

/** Status filters: one status, or `active` (queued or processing). */
export const STATUS_FILTERS = [...DOCUMENT_STATUSES, "active"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** What the API's `status` also takes: `deleted`, the trash (listed most recently deleted first). */
export const TRASH_STATUS = "deleted";
const API_STATUS_FILTERS = [...STATUS_FILTERS, TRASH_STATUS] as const;
type ApiStatusFilter = (typeof API_STATUS_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: () => `must be one of ${values.join(", ")} (${what})` });

/** GET /api/documents's query string. Unknown parameters are refused, so a typo never passes silently. */
export const listQuerySchema = z
  .object({
    limit: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
      .default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(1000).optional(),
    sort: enumOf(SORTS, "the order").default("newest"),
    status: enumOf(API_STATUS_FILTERS as unknown as [ApiStatusFilter, ...ApiStatusFilter[]], "the status").optional(),
    type: enumOf(FORMAT_KEYS, "the file type").optional(),
    // The substring filter of title, file name and summary, kept until full-text search replaces it.
    q: z.string().trim().max(200).optional(),
    // One upload request's documents (the `batchId` its answer gave).
    batch: idSchema.optional(),
  })
  .strict();

export type ListQuery = z.infer<typeof listQuerySchema>;

/** The sort and filters a library page shows: what its URL keeps. */
export type LibraryView = Pick<ListQuery, "sort" | "type"> & { status?: StatusFilter; batch?: string };

function viewParams(query: { sort?: Sort; status?: StatusFilter; type?: string; batch?: string }): URLSearchParams {
  const params = new URLSearchParams();
  if (query.sort && query.sort !== "newest") params.set("sort", query.sort);
  if (query.status) params.set("status", query.status);
  if (query.type) params.set("type", query.type);
  if (query.batch) params.set("batch", query.batch);
  return params;
}

/** The page's URL for a sort and filters (defaults left out, so `/` stays `/`). */
export function libraryHref(query: { sort?: Sort; status?: StatusFilter; type?: string; batch?: string }): string {
  const search = viewParams(query).toString();
  return search ? `/?${search}` : "/";
}

/** GET /api/documents's URL for a page of the view: the first, or the one after `cursor`. */
export function libraryApiHref(view: LibraryView, cursor?: string | null): string {
  const params = viewParams(view);
  params.set("limit", String(DEFAULT_PAGE_SIZE));
  if (cursor) params.set("cursor", cursor);
  return `/api/documents?${params}`;
}

/** The view a page's search parameters ask for; a value that is not allowed reads as the default, never as an error. */
export function libraryViewOf(searchParams: Record<string, string | string[] | undefined>): LibraryView {
  const first = (name: keyof LibraryView) => [searchParams[name]].flat()[0];
  const { shape } = listQuerySchema;
  const status = shape.status.catch(undefined).parse(first("status"));
  return {
    sort: shape.sort.catch("newest").parse(first("sort")),
    // The trash has a page of its own.
    status: status === TRASH_STATUS ? undefined : status,
    type: shape.type.catch(undefined).parse(first("type")),
    batch: shape.batch.catch(undefined).parse(first("batch")),
  };
}
