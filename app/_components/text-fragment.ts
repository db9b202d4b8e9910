/**
 * The URL fragment that opens a document's extracted text at an offset ("#text-1234", in
 * characters): the outline's links make it, the text section follows it. React-free.
 */
const TEXT_FRAGMENT = /^#?text-(\d+)$/;

/** The fragment, without "#", for `offset`. */
export function textFragment(offset: number): string {
  return `text-${offset}`;
}

/** The offset a fragment asks for, or null when it is not one of these. */
export function offsetOfFragment(hash: string): number | null {
  const match = TEXT_FRAGMENT.exec(hash);
  return match ? Number(match[1]) : null;
}
