"use client";

import { useEffect, useRef } from "react";

const KEY = "docsum:sign-in-email";

/**
 * Inside a sign-in form: remembers the email it is sent with (for this tab only), and when the
 * page comes back refused, fills that email in again and puts the cursor in the password.
 */
export function KeepEmail({ refused }: { refused: boolean }) {
  const marker = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const form = marker.current?.closest("form");
    if (!form) return;
    const email = form.elements.namedItem("email") as HTMLInputElement | null;
    const password = form.elements.namedItem("password") as HTMLInputElement | null;
    const kept = sessionStorage.getItem(KEY);
    if (refused && kept && email && password) {
      if (!email.value) email.value = kept;
      password.focus();
    }
    const remember = () => {
      if (email) sessionStorage.setItem(KEY, email.value);
    };
    form.addEventListener("submit", remember);
    return () => form.removeEventListener("submit", remember);
  }, [refused]);
  return <span ref={marker} hidden />;
}
