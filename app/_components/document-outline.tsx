import type { OutlineEntry } from "@/lib/document-types";
import { textFragment } from "./text-fragment";

/** A document's headings, folded away until opened; each opens the extracted text where it starts. */
export function DocumentOutline({ outline }: { outline: OutlineEntry[] }) {
  return (
    <details className="outline-section" data-testid="outline">
      <summary>
        Outline <span className="muted">({outline.length === 1 ? "1 heading" : `${outline.length} headings`})</span>
      </summary>
      <ol className="outline">
        {outline.map((entry) => (
          <li key={`${entry.offset}-${entry.level}-${entry.title}`} className={`outline-level-${Math.min(entry.level, 6)}`}>
            <a href={`#${textFragment(entry.offset)}`}>{entry.title}</a>
          </li>
        ))}
      </ol>
    </details>
  );
}
