import { test, expect } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

test("the dark theme toggle persists across a reload, applied before the first paint", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  const toggle = page.getByRole("button", { name: "Dark theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

  // What the page looked like before any of our WASM ran: the theme must already be dark.
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      (window as any).__themeAtLoad = document.documentElement.dataset.theme;
      (window as any).__backgroundAtLoad = getComputedStyle(document.body).backgroundColor;
    });
  });
  await page.reload();
  expect(await page.evaluate(() => (window as any).__themeAtLoad)).toBe("dark");
  expect(await page.evaluate(() => (window as any).__backgroundAtLoad)).toBe("rgb(13, 21, 20)");
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");
});

test("without a saved choice the theme follows the system", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/articles/vitamin-d3-k2");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});
