/** Who owns the documents of a request. One local owner until accounts exist. */
export const LOCAL_OWNER_ID = "local";

/** The owner of the current request or connection. */
export function currentOwnerId(): string {
  return LOCAL_OWNER_ID;
}
