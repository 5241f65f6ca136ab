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

test("a misspelt query typed into live search shows the corrected results and says so", async ({ page }) => {
  await page.goto("/search");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  await page.getByRole("searchbox", { name: "Search articles" }).pressSequentially("magnesum", { delay: 40 });
  // The address bar keeps what the reader typed; the results say what was searched instead.
  await expect(page).toHaveURL(/\/search\?q=magnesum$/);
  const results = page.locator(".search-results");
  await expect(results.getByText("Showing results for")).toBeVisible();
  await expect(results.locator(".search-correction strong")).toHaveText("magnesium");
  const first = page.locator(".search-hit").first();
  await expect(first.getByRole("link")).toHaveText(/Magnesium/);
  await expect(first.locator("mark").first()).toHaveText(/magnesium/i);
  // The way back to exactly what was typed: nothing matches it, and the page says what might.
  await results.getByRole("link", { name: "Search instead for “magnesum”" }).click();
  await expect(page).toHaveURL(/\/search\?q=magnesum&exact=1$/);
  await expect(page.getByText("No articles match “magnesum”.")).toBeVisible();
  await expect(page.getByRole("link", { name: "magnesium", exact: true })).toHaveAttribute("href", "/search?q=magnesium");
});

test("capitals stay as typed in the address bar and the field", async ({ page }) => {
  await page.goto("/search?q=K2");
  await expect(page).toHaveURL(/\/search\?q=K2$/);
  await expect(page.getByRole("searchbox", { name: "Search articles" })).toHaveValue("K2");
  await expect(page.locator(".search-hit").first().getByRole("link")).toHaveText(/K2/);
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
