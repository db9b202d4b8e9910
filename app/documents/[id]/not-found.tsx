import Link from "next/link";

/** Shown for a document id that is unknown or not the visitor's. */
export default function DocumentNotFound() {
  return (
    <section className="not-found">
      <h1>Document not found</h1>
      <p>This document does not exist, or it is not in your library.</p>
      <p>
        <Link href="/">Back to your documents</Link>
      </p>
    </section>
  );
}
