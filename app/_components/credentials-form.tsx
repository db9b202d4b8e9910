import { ErrorAlert } from "./error-alert";
import { KeepEmail } from "./keep-email";

interface CredentialsFormProps {
  action: "/api/auth/login" | "/api/auth/register";
  submitLabel: string;
  error?: string;
  /** New accounts are asked for a new password (the browser may offer to generate one). */
  newPassword?: boolean;
  /** The first account's one-time setup token, sent along as a hidden field. */
  setupToken?: string;
}

/** Email and password, posted as an HTML form (it works before any script has loaded). */
export function CredentialsForm({ action, submitLabel, error, newPassword = false, setupToken }: CredentialsFormProps) {
  return (
    <form method="post" action={action} className="auth-form">
      <ErrorAlert message={error ?? null} />
      {setupToken ? <input type="hidden" name="setupToken" value={setupToken} /> : null}
      {action === "/api/auth/login" ? <KeepEmail refused={Boolean(error)} /> : null}
      <label>
        Email
        <input type="email" name="email" autoComplete="email" required maxLength={254} />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete={newPassword ? "new-password" : "current-password"}
          required
          minLength={newPassword ? 8 : undefined}
          maxLength={256}
        />
      </label>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </form>
  );
}
