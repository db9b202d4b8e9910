/** Refused forms carry codes, and pages show only the messages the codes stand for. */
import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, InvalidInputError, TooManyRequestsError } from "@/lib/errors";
import { FORM_ERRORS, formErrorCode, formErrorMessage } from "@/lib/form-errors";
import { HttpError } from "@/lib/http";
import { isLoopback } from "@/lib/request-info";

describe("form error codes", () => {
  it("names each refusal by a code", () => {
    expect(formErrorCode(new HttpError(401, "The email or the password is wrong."))).toBe("wrong");
    expect(formErrorCode(new TooManyRequestsError("Too many failed sign-ins for this email. Try again in 15 minute(s).", 900))).toBe("too-many");
    expect(formErrorCode(new ConflictError("An account with this email already exists."))).toBe("taken");
    expect(formErrorCode(new ForbiddenError("Sign-up is closed: ask an administrator for an account."))).toBe("closed");
    expect(formErrorCode(new ForbiddenError("This installation is new: open the setup link that npm start printed"))).toBe("setup-token");
    expect(formErrorCode(new InvalidInputError("password: Use a password of at least 8 characters."))).toBe("short-password");
    expect(formErrorCode(new InvalidInputError("email: Enter a valid email address."))).toBe("email");
    expect(formErrorCode(new Error("internal detail"))).toBe("failed");
  });

  it("shows the message of a known code, a generic one for anything else, and nothing for none", () => {
    expect(formErrorMessage("wrong")).toBe(FORM_ERRORS.wrong);
    expect(formErrorMessage("Your account is suspended. Call 555-0100")).toBe(FORM_ERRORS.failed);
    expect(formErrorMessage(["wrong", "closed"])).toBeUndefined();
    expect(formErrorMessage(undefined)).toBeUndefined();
    expect(formErrorMessage("constructor")).toBe(FORM_ERRORS.failed);
  });
});

describe("isLoopback", () => {
  it("tells this machine's addresses from others", () => {
    for (const address of ["127.0.0.1", "127.0.0.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(address), address).toBe(true);
    for (const address of ["10.0.0.5", "192.168.1.2", "::ffff:10.0.0.1", "unknown", "2001:db8::1"]) expect(isLoopback(address), address).toBe(false);
  });
});
