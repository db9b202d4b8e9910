"use client";

import { useEffect, useState } from "react";

const UTC_FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A moment in the person's own time zone (the browser's), with the UTC time on hover; UTC until the browser has said which zone it is in. */
export function LocalTime({ iso }: { iso: string }) {
  const utc = `${UTC_FORMAT.format(new Date(iso))} UTC`;
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    // dateStyle cannot be combined with timeZoneName: the same fields, named one by one.
    const local = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    setLocal(local.format(new Date(iso)));
  }, [iso]);
  return (
    <time dateTime={iso} title={utc} data-testid="local-time">
      {local ?? utc}
    </time>
  );
}
