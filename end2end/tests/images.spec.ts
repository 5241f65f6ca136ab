import { test, expect } from "./fixtures";
import { vnuErrors } from "./vnu";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// An editor publishes a camera photo as an article's hero the way editors do: drops the JPEG into
// content/images/ and names it in the front matter, nothing else. Runs on the watched server on a
// copy of the content (see playwright.config.ts), on an article the live-edit test leaves alone.

const liveURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3107) + 2}`;
const content = `${process.env.E2E_RUN_DIR}/content`;
const article = `${content}/articles/magnesium-supplements.md`;
const photo = `${content}/images/e2e-camera-photo.jpg`;
const server = `${__dirname}/../../target/debug/server`;

/** The width in a derived image URL (`/img/{key}-{width}.{ext}`). */
function widthOf(url: string): number {
  const match = /\/img\/[0-9a-f]{16}-(\d+)\.(avif|webp|jpg|png)$/.exec(url);
  expect(match, `${url} is a derived image`).not.toBeNull();
  return Number(match![1]);
}

test("a camera photo dropped into images/ shows as the hero, and the browser loads a size it needs", async ({ browser }) => {
  const original = readFileSync(article, "utf8");
  // What a camera writes: 2400 × 1600, with GPS position and serial number in its EXIF.
  execFileSync(server, ["images", "sample", photo, "--width", "2400", "--height", "1600"]);
  try {
    writeFileSync(
      article,
      original.replace(/src = "images\/magnesium-supplements\.svg"\nalt = ("[^"]*")\nwidth = \d+\nheight = \d+/, 'src = "images/e2e-camera-photo.jpg"\nalt = $1'),
    );
    expect(readFileSync(article, "utf8")).toContain("e2e-camera-photo.jpg");

    for (const { width, height, scale, slot } of [
      { width: 375, height: 800, scale: 2, slot: 375 - 40 },
      { width: 1280, height: 900, scale: 1, slot: 736 },
    ]) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale });
      const page = await context.newPage();
      const hero = page.locator("figure.hero picture img");
      // The watcher reloads the content within about 2 s of the save. (Not waiting for the
      // page's load event: the first request for the hero makes it, which is timed in bench/run.)
      await expect(async () => {
        await page.goto(`${liveURL}/articles/magnesium-supplements`, { waitUntil: "domcontentloaded" });
        await expect(hero).toHaveCount(1, { timeout: 500 });
      }).toPass({ timeout: 10_000 });
      await expect(hero).toBeVisible();
      await expect(hero).toHaveAttribute("alt", /magnesium/i);
      // Loaded, not broken: the image has pixels.
      await expect.poll(() => hero.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
      const box = await hero.boundingBox();
      expect(box!.width).toBeGreaterThan(slot - 2);
      expect(box!.height).toBeGreaterThan(100);

      // The candidate chosen is the narrowest that covers the slot at this screen's density.
      const chosen = widthOf(await hero.evaluate((img: HTMLImageElement) => img.currentSrc));
      const offered = (await page.locator("figure.hero source").first().getAttribute("srcset"))!.split(", ").map((candidate) => widthOf(candidate.split(" ")[0]));
      const needed = slot * scale;
      const narrowestEnough = Math.min(...offered.filter((w) => w >= needed));
      expect(chosen, `needs ${needed} px of ${offered.join(", ")}`).toBeLessThanOrEqual(narrowestEnough);
      // Chromium shows AVIF, the first format offered (the smallest at the same quality).
      expect(await page.locator("figure.hero source").first().getAttribute("type")).toBe("image/avif");
      expect((await hero.evaluate((img: HTMLImageElement) => img.currentSrc)).endsWith(".avif")).toBe(true);
      // The box shows the whole image sent: it was cut to the hero's shape on the server.
      // (1200:630 is 1.905; the photo itself is 1.5.)
      expect(await hero.evaluate((img: HTMLImageElement) => img.naturalWidth / img.naturalHeight)).toBeCloseTo(1200 / 630, 1);
      await context.close();
    }

    // The page with a photo hero is valid HTML.
    const dir = mkdtempSync(join(tmpdir(), "nv-vnu-photo-"));
    const file = join(dir, "photo.html");
    writeFileSync(file, await (await (await browser.newPage()).request.get(`${liveURL}/articles/magnesium-supplements`)).body());
    expect(vnuErrors([file]).map((message) => `${message.lastLine}: ${message.message}`)).toEqual([]);
  } finally {
    writeFileSync(article, original);
    rmSync(photo, { force: true });
  }
});
