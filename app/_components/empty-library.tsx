import { STAGE_TABLE } from "@/lib/pipeline/table";

/** The library before its first file: what will happen to an upload, and what a finished document looks like. */
export function EmptyLibrary() {
  return (
    <div className="empty-library" data-testid="empty-library">
      <p>
        <strong>No documents yet.</strong> Drop a file anywhere on this page or choose one above. Each file goes through these steps in the
        background, with a progress bar here, and you can leave the page meanwhile:
      </p>
      <ol>
        {STAGE_TABLE.map((stage) => (
          <li key={stage.name}>{stage.label}</li>
        ))}
      </ol>
      <div className="empty-example" aria-label="An example of a finished document" role="group">
        <p className="empty-example-label">Example</p>
        <p>
          <strong>Quarterly report.pdf</strong> <span className="status status-done">Done</span>
        </p>
        <p className="muted">
          “The report sums up the quarter’s sales by region and names the three projects that come next.” Its page also lists the most
          similar documents in your library.
        </p>
      </div>
    </div>
  );
}
