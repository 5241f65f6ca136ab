import { test, expect } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";
import { execFileSync } from "node:child_process";

// The production-like server of playwright.config.ts whose content has one draft.
const port = Number(process.env.E2E_PORT ?? 3107) + 3;
const previewURL = `http://127.0.0.1:${port}`;
const root = `${__dirname}/../..`;
const DRAFT = "strength-training-for-beginners";

/** A preview link as an editor makes it: `server preview link`, its last line. */
function previewLink(): string {
  const out = execFileSync(`${root}/target/debug/server`, ["preview", "link", DRAFT, "--hours", "2"], {
    env: {
      ...process.env,
      NV_CONTENT_DIR: `${process.env.E2E_RUN_DIR}/content-preview`,
      NV_DATA_DIR: `${process.env.E2E_RUN_DIR}/data-preview`,
      NV_SITE_URL: previewURL,
      RUST_LOG: "warn",
    },
  }).toString();
  return out.trim().split("\n").pop()!;
}

test("a reviewer's link shows the draft under its banner, with working islands", async ({ page }) => {
  const draft = await page.request.get(`${previewURL}/articles/${DRAFT}`);
  expect(draft.status()).toBe(404);

  const link = previewLink();
  expect(link).toContain(`${previewURL}/preview/${DRAFT}.`);
  const response = await page.goto(link);
  expect(response!.status()).toBe(200);
  expect(response!.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(page.getByRole("note").filter({ hasText: "Preview — not published." })).toContainText("Link expires");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Strength Training");
  await expect(page.getByRole("group", { name: "Share:" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^Share (on|by)/ })).toHaveCount(0);

  // The islands work as on any article: the overview's disclosure and the theme.
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  const overview = page.getByRole("region", { name: "Quick Summary / AI Overview" });
  await overview.getByRole("button", { name: "Show more" }).click();
  await expect(overview.getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");

  // A tampered link is the site's 404, like any page that does not exist.
  const tampered = link.replace(/\.([A-Za-z0-9_-])([A-Za-z0-9_-]*)$/, (_, first, rest) => `.${first === "A" ? "B" : "A"}${rest}`);
  const missing = await page.goto(tampered);
  expect(missing!.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});
