import { Library } from "@/app/_components/library";
import { listDocuments } from "@/lib/documents";
import { pageUser } from "@/lib/page-user";
import { formatList } from "@/lib/parsing/formats";

export const dynamic = "force-dynamic";

/** The library: upload files and watch each one through the job chain. */
export default async function HomePage() {
  const user = await pageUser();
  const documents = await listDocuments(user.id);
  return (
    <>
      <h1>Summarize your documents</h1>
      <p className="lead">{`Upload ${formatList("or", "plural")}. Each file is read, summarized and compared with the rest of your library in the background.`}</p>
      <Library initialDocuments={documents} />
    </>
  );
}
