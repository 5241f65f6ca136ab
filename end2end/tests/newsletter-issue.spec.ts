import { test, expect } from "./fixtures";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The weekly issue: its mail HTML as mail clients get it (rendered in Chromium at phone and
// mail-pane widths, light and dark, and checked by the Nu HTML checker), and the web archive.
// The issue is made by the real commands, beside the running test server on its database.

const root = join(__dirname, "..", "..");
const baseURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3107)}`;
const vnuJar = String(require("vnu-jar"));
// 2026-W21 goes out on Monday 2026-05-18, with the two articles published on 2026-05-11.
const WEEK = "2026-W21";

/** Runs `server ARGS` on the test server's database and content; its standard output. */
function server(args: string[]): string {
  return execFileSync(join(root, "target", "debug", "server"), args, {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      NV_CONTENT_DIR: join(root, "content"),
      NV_DATA_DIR: join(process.env.E2E_RUN_DIR!, "data"),
      NV_SITE_URL: baseURL,
      RUST_LOG: "warn",
    },
  });
}

/** The HTML part of the week's issue, written by `server newsletter preview`. */
function previewFile(): string {
  const out = mkdtempSync(join(tmpdir(), "nv-issue-"));
  const paths = server(["newsletter", "preview", "--week", WEEK, "--out", out]).trim().split("\n");
  const html = paths.find((path) => path.endsWith(".html"));
  expect(html, "preview prints the HTML file's path").toBeTruthy();
  return html!;
}

for (const width of [375, 600]) {
  test(`the mail's HTML part fits ${width} px without horizontal scrolling, light and dark`, async ({ page }) => {
    const file = previewFile();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`file://${file}`);
    // The images are the articles' share PNGs from the site: every one loads and has alt text.
    const images = page.locator("img");
    await expect(images).toHaveCount(2);
    for (const image of await images.all()) {
      await expect(image).toHaveAttribute("alt", /\S/);
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal scroll in px").toBeLessThanOrEqual(0);
    await expect(page.getByRole("link", { name: "View in browser" }).first()).toBeVisible();
    await expect(page.getByRole("link", { name: "Unsubscribe" })).toBeVisible();
    await expect(page.getByText("NourishVibes Media, 123 Example Street")).toBeVisible();

    // Dark mode: light text on a dark card.
    await page.emulateMedia({ colorScheme: "dark" });
    const colours = await page.locator("h1").evaluate((heading) => {
      const card = heading.closest(".nv-card")!;
      return [getComputedStyle(heading).color, getComputedStyle(card).backgroundColor];
    });
    expect(colours).toEqual(["rgb(243, 244, 246)", "rgb(17, 24, 39)"]);
  });
}

test("the mail's HTML part passes the Nu HTML checker", () => {
  const file = previewFile();
  const output = execFileSync("java", ["-jar", vnuJar, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", file], {
    encoding: "utf8",
  });
  const errors = JSON.parse(output).messages.filter((message: { type: string }) => message.type !== "info");
  expect(errors).toEqual([]);
  expect(readFileSync(file, "utf8")).toContain("<!DOCTYPE html>");
});

test("a sent issue is in the archive and reads as a page of the site", async ({ page }) => {
  const sent = server(["newsletter", "send", "--week", WEEK]);
  expect(sent).toMatch(/queued the 2026-W21 issue|was sent before/);
  await page.goto("/newsletter/issues");
  await expect(page.getByRole("heading", { level: 1, name: "Newsletter archive" })).toBeVisible();
  await page.getByRole("link", { name: /^This week: / }).first().click();
  await expect(page).toHaveURL(/\/newsletter\/issues\/2026-w21$/);
  await expect(page.getByRole("heading", { level: 2, name: "New this week" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Daily tips for the week ahead" })).toBeVisible();
  await page.getByRole("link", { name: /caffeine/i }).first().click();
  await expect(page).toHaveURL(/\/articles\/caffeine-alcohol-and-sleep$/);

  const missing = await page.goto("/newsletter/issues/2026-w22");
  expect(missing?.status()).toBe(404);
});
