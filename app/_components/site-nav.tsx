"use client";

import { useEffect, useState, type ReactNode } from "react";
import { usePathname } from "next/navigation";

/** The account links: in a line on wide screens; on narrow ones behind a Menu button that opens and closes them. */
export function SiteNav({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // Following a link closes the menu.
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <button type="button" className="button button-secondary menu-button" aria-expanded={open} aria-controls="account-nav" onClick={() => setOpen((value) => !value)}>
        Menu
      </button>
      <nav id="account-nav" className={`account-nav${open ? " is-open" : ""}`} aria-label="Account">
        {children}
      </nav>
    </>
  );
}
