import { test, expect, Page } from "@playwright/test";
import { waitForHydration, watchErrors } from "./hydration";

// The page's hydration data leaves out what is shown with inner_html (the article body and its
// JSON-LD) and names each home card once. These tests check that nothing a reader sees depends
// on what was left out: after hydration, and after client-side navigation, which fetches the
// article from its server function instead.

const ARTICLE = "/articles/vitamin-d3-k2";
const BODY_HEADING = "What the Research Shows";


/** Server-function calls the page makes: hydration must read its data from the page instead. */
function watchServerFunctions(page: Page): string[] {
  const calls: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/")) calls.push(path);
  });
  return calls;
}


async function jsonLdType(page: Page): Promise<string> {
  const text = await page.locator('script[type="application/ld+json"]').first().textContent();
  return JSON.parse(text ?? "{}")["@type"];
}

test("the server-rendered body and JSON-LD stay in place after hydration", async ({ page }) => {
  const errors = watchErrors(page);
  const calls = watchServerFunctions(page);
  await page.goto(ARTICLE);
  await waitForHydration(page);
  expect(calls, "the article is read from the hydration data, not fetched again").toEqual([]);
  const body = page.locator(".article-body");
  await expect(body.getByRole("heading", { name: BODY_HEADING })).toBeVisible();
  expect(await jsonLdType(page)).toBe("MedicalWebPage");
  expect(errors).toEqual([]);
});

test("an article reached by client-side navigation shows its body and JSON-LD", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("link", { name: "Vitamin D3 + K2: The Perfect Pair" }).first().click();
  await expect(page).toHaveURL(ARTICLE);
  await expect(page.locator(".article-body").getByRole("heading", { name: BODY_HEADING })).toBeVisible();
  expect(await jsonLdType(page)).toBe("MedicalWebPage");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  expect(errors).toEqual([]);
});

test("the home page keeps every card through hydration", async ({ page }) => {
  const errors = watchErrors(page);
  const calls = watchServerFunctions(page);
  await page.goto("/");
  const cards = page.locator("main article.card");
  const served = await cards.count();
  expect(served).toBeGreaterThan(7);
  const titles = await cards.locator("h3").allTextContents();
  await waitForHydration(page);
  expect(calls, "the lists are read from the hydration data, not fetched again").toEqual([]);
  await expect(cards).toHaveCount(served);
  expect(await cards.locator("h3").allTextContents()).toEqual(titles);
  // A card's link still navigates in the page once hydrated.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("region", { name: "Latest articles" }).getByRole("link").nth(1).click();
  await expect(page).toHaveURL(/\/(articles|topics)\//);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  expect(errors).toEqual([]);
});
