/**
 * The library's row selection: which rows are checked and the row a shift-click extends from.
 * React-free, so it runs (and is tested) without a browser.
 */

export interface Selection {
  ids: ReadonlySet<string>;
  /** The row last clicked, where a shift-click's range starts. */
  anchor: string | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

/**
 * The selection after a row's checkbox was set to `checked`; with `extend` (Shift held), every
 * row from the last clicked one to this one, in the order shown, is set alike.
 */
export function selectRow(selection: Selection, order: readonly string[], id: string, checked: boolean, extend: boolean): Selection {
  const from = extend && selection.anchor !== null ? order.indexOf(selection.anchor) : -1;
  const to = order.indexOf(id);
  const range = from === -1 || to === -1 ? [id] : order.slice(Math.min(from, to), Math.max(from, to) + 1);
  const ids = new Set(selection.ids);
  for (const each of range) {
    if (checked) ids.add(each);
    else ids.delete(each);
  }
  return { ids, anchor: id };
}

/** Every row shown selected, or none. */
export function selectAll(order: readonly string[], checked: boolean): Selection {
  return { ids: new Set(checked ? order : []), anchor: null };
}

/** The selected rows still shown, in the order shown (a deleted row leaves the selection). */
export function selectedIn(selection: Selection, order: readonly string[]): string[] {
  return order.filter((id) => selection.ids.has(id));
}
