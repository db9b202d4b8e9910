"use client";

import { useEffect, useState } from "react";

const UTC_FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A moment in the person's own time zone (the browser's), with the UTC time on hover; UTC until the browser has said which zone it is in. */
export function LocalTime({ iso }: { iso: string }) {
  const utc = `${UTC_FORMAT.format(new Date(iso))} UTC`;
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    setLocal(new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZoneName: "short" }).format(new Date(iso)));
  }, [iso]);
  return (
    <time dateTime={iso} title={utc} data-testid="local-time">
      {local ?? utc}
    </time>
  );
}
