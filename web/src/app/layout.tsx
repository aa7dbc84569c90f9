import type { Metadata, Viewport } from "next";
import { GeistSans } from "geist/font/sans";
import { GeistMono } from "geist/font/mono";
import { Providers } from "@/components/layout/Providers";
import { serverApiBaseUrl } from "@/lib/config";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "CatalogHub", template: "%s · CatalogHub" },
  description: "TMF product catalog: build, publish and shop product offerings.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Rendered per request so API_BASE_URL is read when the server runs, not when it was built.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <head>
        <script
          // The only runtime setting the browser needs; JSON-encoded, so it cannot break out of the script.
          dangerouslySetInnerHTML={{ __html: `window.__TMF_API_BASE_URL__=${JSON.stringify(serverApiBaseUrl()).replace(/</g, "\\u003c")};` }}
        />
      </head>
      <body className="flex min-h-screen flex-col font-sans text-slate-900 antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
