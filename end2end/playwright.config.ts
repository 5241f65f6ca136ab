import { defineConfig, devices } from "@playwright/test";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The site under test: the debug build made by `cargo leptos build`, started here on its own
// port with the repository's real content, and stopped when the run ends.
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;
const root = `${__dirname}/..`;
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? port + 1000);
// One fresh folder per run for the database and the SMTP server's Maildir; set once in the
// main process so the workers (which load this file again) share it.
process.env.E2E_RUN_DIR ??= mkdtempSync(join(tmpdir(), "nourishvibes-e2e-"));
const runDir = process.env.E2E_RUN_DIR;
// A second server, as `scripts/run.sh` runs it (content watched), on a copy of the content that
// the live-edit test changes: content/ itself is never written.
const livePort = port + 2;
const liveContent = `${runDir}/content`;
if (!existsSync(liveContent)) cpSync(`${root}/content`, liveContent, { recursive: true });
// A third server, as in production, on a copy of the content with one article still a draft:
// the one a reviewer's preview link is made for (tests/preview.spec.ts).
const previewPort = port + 3;
const previewContent = `${runDir}/content-preview`;
if (!existsSync(previewContent)) {
  cpSync(`${root}/content`, previewContent, { recursive: true });
  const draft = `${previewContent}/articles/strength-training-for-beginners.md`;
  writeFileSync(draft, readFileSync(draft, "utf8").replace('slug = "strength-training-for-beginners"\n', 'slug = "strength-training-for-beginners"\ndraft = true\n'));
}

/** A server of the site (the binary the Rust tests built) on `sitePort`, serving `content` with
 * its data in `${runDir}/${data}`, plus `env`. */
function siteServer(sitePort: number, content: string, data: string, env: Record<string, string>) {
  return {
    command: `${root}/target/debug/server`,
    cwd: root,
    url: `http://127.0.0.1:${sitePort}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${sitePort}`,
      LEPTOS_SITE_ROOT: `${root}/target/site`,
      LEPTOS_OUTPUT_NAME: "nourishvibes",
      NV_SITE_URL: `http://127.0.0.1:${sitePort}`,
      NV_CONTENT_DIR: content,
      NV_DATA_DIR: `${runDir}/${data}`,
      ...env,
    },
  };
}

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 } } },
  ],
  webServer: [
  {
    // A real SMTP server on loopback that stores every message in a Maildir the tests read.
    command: `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${runDir}/maildir`,
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 20_000,
  },
  // The site as readers get it, with mail going to the SMTP server above.
  siteServer(port, `${root}/content`, "data", {
    NV_SMTP_HOST: "127.0.0.1",
    NV_SMTP_PORT: String(smtpPort),
    NV_SMTP_TLS: "none",
    NV_MAIL_FROM: "NourishVibes <newsletter@nourishvibes.example>",
    // Every test signs up from 127.0.0.1; the limit itself is tested at router level.
    NV_SIGNUP_LIMIT: "0",
  }),
  // As `scripts/run.sh` runs it: content watched, drafts shown.
  siteServer(livePort, liveContent, "data-live", { NV_SHOW_DRAFTS: "true", NV_WATCH_CONTENT: "true" }),
  // As in production, with one draft to make a preview link for.
  siteServer(previewPort, previewContent, "data-preview", {}),
  ],
});
