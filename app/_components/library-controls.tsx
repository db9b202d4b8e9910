"use client";

import { useRouter } from "next/navigation";
import { useId } from "react";
import { libraryHref, SORT_LABELS, SORTS, type LibraryView, type Sort, type StatusFilter } from "@/lib/library-query";
import { FORMATS, type FormatKey } from "@/lib/parsing/formats";
import { STATUS_LABELS } from "@/lib/pipeline/statuses";

interface Option<T extends string> {
  value: T;
  label: string;
}

/** The option of no filter. */
const ALL = "";

const SORT_OPTIONS: Option<Sort>[] = SORTS.map((sort) => ({ value: sort, label: SORT_LABELS[sort] }));

const STATUS_OPTIONS: Option<StatusFilter | typeof ALL>[] = [
  { value: ALL, label: "All" },
  { value: "active", label: "In progress" },
  ...(["queued", "processing", "done", "failed", "cancelled"] as const).map((status) => ({ value: status, label: STATUS_LABELS[status] })),
];

const TYPE_OPTIONS: Option<FormatKey | typeof ALL>[] = [{ value: ALL, label: "All" }, ...FORMATS.map((format) => ({ value: format.key, label: format.name }))];

interface ChoiceProps<T extends string> {
  label: string;
  value: T;
  options: readonly Option<T>[];
  onChoose: (value: T) => void;
}

function Choice<T extends string>({ label, value, options, onChoose }: ChoiceProps<T>) {
  const id = useId();
  return (
    <div className="library-control">
      <label htmlFor={id}>{label}</label>
      {/* Uncontrolled: the choice stays shown while the page navigates; the new page mounts with the URL's value.
          A select answers one of its options' values, hence the cast. */}
      <select id={id} defaultValue={value} onChange={(event) => onChoose(event.currentTarget.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The library's sort and filters. A choice navigates to the page's URL for it, so it survives a
 * reload and the back button returns to the choice before.
 */
export function LibraryControls({ view }: { view: LibraryView }) {
  const router = useRouter();
  const show = (next: LibraryView) => router.push(libraryHref(next));
  return (
    <div className="library-controls">
      <Choice label="Sort" value={view.sort} options={SORT_OPTIONS} onChoose={(sort) => show({ ...view, sort })} />
      <Choice label="Status" value={view.status ?? ALL} options={STATUS_OPTIONS} onChoose={(status) => show({ ...view, status: status || undefined })} />
      <Choice label="Type" value={view.type ?? ALL} options={TYPE_OPTIONS} onChoose={(type) => show({ ...view, type: type || undefined })} />
    </div>
  );
}
