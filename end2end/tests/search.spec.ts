import { test, expect } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

test("results update as the reader types, without a page load", async ({ page }) => {
  await page.goto("/search");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("searchbox", { name: "Search articles" }).pressSequentially("fiber", { delay: 40 });
  await expect(page).toHaveURL(/\/search\?q=fiber$/);
  const first = page.locator(".search-hit").first();
  await expect(first.getByRole("link")).toHaveText(/Fiber/);
  await expect(first.locator("mark").first()).toHaveText(/fib/i);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the search form is a plain GET form", async ({ page }) => {
    await page.goto("/search");
    await page.getByRole("searchbox", { name: "Search articles" }).fill("blood pressure");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/search\?q=blood\+pressure$/);
    await expect(page.locator(".search-hit").first().getByRole("link")).toHaveText(/Blood Pressure/);
  });
});
