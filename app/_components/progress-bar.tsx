import type { DocumentStatus } from "@/lib/pipeline/statuses";
import { stageLabel, type Stage } from "@/lib/pipeline/table";

export interface ProgressBarProps {
  /** The document's title, named in the bar's accessible label. */
  title: string;
  status: DocumentStatus;
  stage: Stage;
  progress: number;
  /** What the running stage is doing now, e.g. "part 3 of 9". */
  detail?: string;
}

/** The words under a bar: the running stage (and what it is doing) and percentage, or how the document ended. */
function progressText({ status, stage, progress, detail }: Omit<ProgressBarProps, "title">): string {
  switch (status) {
    case "queued":
      return `Queued · ${progress}%`;
    case "done":
      return "Done";
    case "failed":
      return `Failed at ${stageLabel(stage)}`;
    case "cancelled":
      return "Cancelled";
    default:
      return detail ? `${stageLabel(stage)} · ${detail} · ${progress}%` : `${stageLabel(stage)} · ${progress}%`;
  }
}

/** One document's processing progress: an accessible bar with its stage label. */
export function ProgressBar({ title, status, stage, progress, detail }: ProgressBarProps) {
  const value = Math.min(100, Math.max(0, Math.round(progress)));
  const text = progressText({ status, stage, progress: value, detail });
  return (
    <div className="progress" data-status={status}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`Progress of ${title}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={text}
        data-testid="progress"
      >
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}
