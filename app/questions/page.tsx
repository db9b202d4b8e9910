import type { Metadata } from "next";
import Link from "next/link";
import { Questions } from "@/app/_components/questions";
import { pageUser } from "@/lib/page-user";
import { answersQuote, DEFAULT_QUESTION_PAGE, listQuestions } from "@/lib/questions";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Questions · Docsum" };

/** Every question the person asked, of one document or the whole library, newest first, with its answer. */
export default async function QuestionsPage() {
  const user = await pageUser();
  const initial = await listQuestions(user.id, { limit: DEFAULT_QUESTION_PAGE });
  return (
    <>
      <p className="back-link">
        <Link href="/">← All documents</Link>
      </p>
      <h1>Questions</h1>
      <p className="lead">Every question you asked, of one document or of your whole library, with its answer and the passages it cites.</p>
      <Questions heading="Ask your library" initial={initial} extracts={answersQuote()} />
    </>
  );
}
