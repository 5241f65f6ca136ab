import { test, expect } from "./fixtures";
import { vnuErrors } from "./vnu";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The editing loop of `scripts/run.sh`: with the content watched, saving an article changes the
// page open in the browser by itself; a mistake keeps the last good page and shows a banner
// naming the file, the field and the reason, until the file is fixed. The server here works on
// a copy of the content (see playwright.config.ts); the repository's content/ is never written.

const liveURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3107) + 2}`;
const article = `${process.env.E2E_RUN_DIR}/content/articles/vitamin-d3-k2.md`;
const TITLE = "Vitamin D3 + K2: The Perfect Pair";
const EDITED = "Vitamin D3 + K2, Edited While Open";

test("saving an article changes the open page, and a mistake shows a banner until it is fixed", async ({ page }) => {
  const original = readFileSync(article, "utf8");
  const heading = page.getByRole("heading", { level: 1 });
  const banner = page.getByRole("alert").filter({ hasText: "Content problems" });
  try {
    await page.goto(`${liveURL}/articles/vitamin-d3-k2`);
    await expect(heading).toHaveText(TITLE);

    writeFileSync(article, original.replace(`title = "${TITLE}"`, `title = "${EDITED}"`));
    // No reload, no navigation by the test: the page reloads itself within about 2 s.
    await expect(heading).toHaveText(EDITED, { timeout: 4_000 });

    writeFileSync(article, original.replace(`title = "${TITLE}"`, `title = "${EDITED}"`).replace('author = "sarah-johnson"', 'author = "no-such-author"'));
    await expect(banner).toBeVisible({ timeout: 4_000 });
    await expect(banner).toContainText("articles/vitamin-d3-k2.md");
    await expect(banner).toContainText("author");
    await expect(banner).toContainText("no-such-author");
    await expect(heading).toHaveText(EDITED);

    // The page with the banner is valid HTML too.
    const dir = mkdtempSync(join(tmpdir(), "nv-vnu-live-"));
    const file = join(dir, "banner.html");
    const html = await (await page.request.get(`${liveURL}/articles/vitamin-d3-k2`)).body();
    writeFileSync(file, html);
    expect(vnuErrors([file]).map((message) => `${message.lastLine}: ${message.message}`)).toEqual([]);

    writeFileSync(article, original);
    await expect(banner).toHaveCount(0, { timeout: 4_000 });
    await expect(heading).toHaveText(TITLE);
  } finally {
    writeFileSync(article, original);
  }
});
