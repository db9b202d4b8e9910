import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SiteNav } from "@/app/_components/site-nav";
import { WorkNotices } from "@/app/_components/work-notices";
import { pageUserOrNull } from "@/lib/page-user";
import "./globals.css";

// Every page is rendered per request: its inline scripts carry that response's nonce (see server.ts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Docsum",
  description: "Upload documents and read their summaries and the most similar documents in your library.",
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "any" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#161b22" },
  ],
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
              <SiteNav>
                <span className="muted">{user.email}</span>
                <Link href="/questions">Questions</Link>
                <Link href="/settings">Settings</Link>
                {user.isAdmin && <a href="/admin/queues">Queues</a>}
                <form method="post" action="/api/auth/logout">
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </form>
              </SiteNav>
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
