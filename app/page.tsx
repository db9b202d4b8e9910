import { Library } from "@/app/_components/library";
import { listLibrary } from "@/lib/library";
import { DEFAULT_PAGE_SIZE, libraryHref, libraryViewOf } from "@/lib/library-query";
import { pageUser } from "@/lib/page-user";
import { formatList } from "@/lib/parsing/formats";

export const dynamic = "force-dynamic";

interface HomePageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The library: upload files and watch each one through the job chain, a page at a time in the URL's sort and filters. */
export default async function HomePage({ searchParams }: HomePageProps) {
  const user = await pageUser();
  const view = libraryViewOf(await searchParams);
  const page = await listLibrary(user.id, { ...view, limit: DEFAULT_PAGE_SIZE });
  return (
    <>
      <h1>Summarize your documents</h1>
      <p className="lead">{`Upload ${formatList("or", "plural")}. Each file is read, summarized and compared with the rest of your library in the background.`}</p>
      {/* Another sort or filter is another list: it starts over from the server's first page. */}
      <Library key={libraryHref(view)} view={view} initialPage={page} />
    </>
  );
}
