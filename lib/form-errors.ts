/**
 * What the sign-in and setup pages say when a form was refused: the answer's redirect carries a
 * short code (`?error=wrong`), never text, and the page shows the message the code stands for, so
 * no link can make a page of this site say what its author wants.
 */
import { ConflictError, ForbiddenError, InvalidInputError, TooManyRequestsError } from "./errors";
import { HttpError } from "./http";

export const FORM_ERRORS = {
  wrong: "The email or the password is wrong.",
  "too-many": "Too many failed sign-ins. Wait a few minutes, then try again.",
  closed: "Sign-up is closed: ask an administrator for an account.",
  "setup-token": "This installation is new: open the setup link that npm start printed (it carries a one-time token).",
  taken: "An account with this email already exists.",
  "short-password": "Use a password of at least 8 characters.",
  "long-password": "Use a password of at most 256 characters.",
  email: "Enter a valid email address.",
  "other-site": "This request came from another site.",
  failed: "That did not work. Please try again.",
} as const;

export type FormErrorCode = keyof typeof FORM_ERRORS;

/** The code a refusal is shown with. */
export function formErrorCode(error: unknown): FormErrorCode {
  const message = (error as Error)?.message ?? "";
  if (error instanceof TooManyRequestsError) return "too-many";
  if (error instanceof ConflictError) return "taken";
  if (error instanceof ForbiddenError) return /setup/.test(message) ? "setup-token" : "closed";
  if (error instanceof HttpError && error.status === 401) return "wrong";
  if (error instanceof HttpError && error.status === 403) return "other-site";
  if (error instanceof InvalidInputError) {
    if (/at least 8/.test(message)) return "short-password";
    if (/at most 256/.test(message)) return "long-password";
    if (/email/i.test(message)) return "email";
  }
  return "failed";
}

/** The message for a page's `?error=` code; undefined for none, the generic one for an unknown code. */
export function formErrorMessage(code: string | string[] | undefined): string | undefined {
  if (typeof code !== "string" || code === "") return undefined;
  return Object.hasOwn(FORM_ERRORS, code) ? FORM_ERRORS[code as FormErrorCode] : FORM_ERRORS.failed;
}
