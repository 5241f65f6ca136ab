import { test, expect, Page } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

async function hydrated(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
}

test("home → topic → article → author by clicking, without a page load", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  const gutSection = page.getByRole("region", { name: "Gut Health" });
  await gutSection.getByRole("link", { name: "All Gut Health articles" }).click();
  await expect(page).toHaveURL(/\/topics\/gut-health$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gut Health");
  await expect(page).toHaveTitle("Gut Health | NourishVibes");
  await expect(page.locator("main")).toBeFocused();

  await page.getByRole("link", { name: /Fermented Foods/ }).first().click();
  await expect(page).toHaveURL(/\/articles\/fermented-foods-gut-health$/);
  await expect(page).toHaveTitle(/Fermented Foods.* \| NourishVibes/);
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /ferment/i);

  await page.locator(".article-header").getByRole("link", { name: "Maya Patel" }).click();
  await expect(page).toHaveURL(/\/authors\/maya-patel$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Maya Patel");

  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("the table of contents and citations jump within the article", async ({ page }) => {
  await page.goto("/articles/blood-pressure-and-salt");
  await hydrated(page);
  const toc = page.getByRole("navigation", { name: "In this article" });
  const first = toc.getByRole("link").first();
  const target = (await first.getAttribute("href"))!;
  await first.click();
  await expect(page).toHaveURL(new RegExp(`${target}$`));
  await expect(page.locator(target)).toBeInViewport();

  await page.getByRole("link", { name: "Source 1", exact: true }).first().click();
  await expect(page).toHaveURL(/#source-1$/);
  await expect(page.locator("#source-1")).toBeInViewport();
  await page.locator("#source-1").getByRole("link", { name: /Back to citation/ }).first().click();
  await expect(page).toHaveURL(/#cite-1-1$/);
});

test("topic pages and the daily tip link to real articles", async ({ page }) => {
  await page.goto("/");
  const learnMore = page.getByRole("link", { name: "Learn More" });
  await expect(learnMore).toHaveAttribute("href", /^\/articles\/[a-z0-9-]+$/);
  const response = await page.request.get((await learnMore.getAttribute("href"))!);
  expect(response.status()).toBe(200);
});

test("back restores the scroll position of the list", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.goto("/");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  const link = page.getByRole("region", { name: "Heart Health" }).getByRole("link", { name: /Cholesterol/ }).first();
  await link.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  expect(before).toBeGreaterThan(600);
  await link.click();
  await expect(page).toHaveURL(/\/articles\//);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(50);
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(before - 100);
});

test("the table of contents marks the section being read", async ({ page }) => {
  await page.goto("/articles/dietary-fiber-guide");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  const toc = page.getByRole("navigation", { name: "In this article" });
  const last = toc.getByRole("link").last();
  const id = (await last.getAttribute("href"))!.slice(1);
  await page.evaluate((id) => document.getElementById(id)!.scrollIntoView(), id);
  await expect(last).toHaveAttribute("aria-current", "location");
});
