import { Library } from "@/app/_components/library";
import { LibrarySearch } from "@/app/_components/library-search";
import { Questions } from "@/app/_components/questions";
import { listLibrary } from "@/lib/library";
import { DEFAULT_PAGE_SIZE, libraryHref, libraryViewOf } from "@/lib/library-query";
import { pageUser } from "@/lib/page-user";
import { answersQuote, listQuestions } from "@/lib/questions";
import { formatList } from "@/lib/parsing/formats";
import { searchIndexingStatus, searchLibrary, searchQuerySchema } from "@/lib/search";

export const dynamic = "force-dynamic";

interface HomePageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The library: upload files and watch each one through the job chain, a page at a time in the URL's sort and filters. */
export default async function HomePage({ searchParams }: HomePageProps) {
  const user = await pageUser();
  const view = libraryViewOf(await searchParams);
  const params = await searchParams;
  const page = await listLibrary(user.id, { ...view, limit: DEFAULT_PAGE_SIZE });
  // `/?q=...` shows the search's results at once, as typing the query does.
  const query = typeof params.q === "string" ? params.q.trim() : "";
  const parsed = searchQuerySchema.safeParse({ q: query, limit: 20 });
  const answer = parsed.success ? await searchLibrary(user.id, parsed.data) : null;
  const indexing = await searchIndexingStatus(user.id);
  return (
    <>
      <LibrarySearch key={query} initialQuery={query} initialAnswer={answer} />
      {indexing?.indexing ? (
        <p className="muted" data-testid="search-indexing">
          Your library is being indexed for search ({indexing.done} of {indexing.total} documents); older documents may be missing from results until it is done.
        </p>
      ) : null}
      <h1>Summarize your documents</h1>
      <p className="lead">{`Upload ${formatList("or", "plural")}. Each file is read, summarized and compared with the rest of your library in the background.`}</p>
      {page.total > 0 ? (
        <Questions heading="Ask your library" initial={await listQuestions(user.id, { limit: 3 })} allHref="/questions" extracts={answersQuote()} />
      ) : null}
      {/* Another sort or filter is another list: it starts over from the server's first page. */}
      <Library key={libraryHref(view)} view={view} initialPage={page} />
    </>
  );
}
