import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { WorkNotices } from "@/app/_components/work-notices";
import { pageUserOrNull } from "@/lib/page-user";
import "./globals.css";

// Every page is rendered per request: its inline scripts carry that response's nonce (see server.ts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Docsum",
  description: "Upload documents and read their summaries and the most similar documents in your library.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await pageUserOrNull();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container">
            <Link href="/" className="brand">
              Docsum
            </Link>
            {user && (
              <nav className="account-nav" aria-label="Account">
                <span className="muted">{user.email}</span>
                <Link href="/settings">Settings</Link>
                {user.isAdmin && <a href="/admin/queues">Queues</a>}
                <form method="post" action="/api/auth/logout">
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </form>
              </nav>
            )}
          </div>
        </header>
        <main id="main" className="container">
          {children}
        </main>
        {user && <WorkNotices />}
      </body>
    </html>
  );
}
