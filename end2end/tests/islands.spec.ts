import { test, expect, Page } from "./fixtures";
import { waitForHydration, watchErrors } from "./hydration";

// Pages are rendered on the server only; just their islands (theme toggle, overview, share
// buttons, table of contents, forms, live search) run in the browser. So a page carries no
// serialized copy of its data, and hydration must neither fetch data nor change what the
// server rendered: after hydration, and after client-side navigation, which swaps in the next
// page's HTML.

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

test("the article's text is sent once, as HTML, not again as data for hydration", async ({ request }) => {
  const html = await (await request.get(ARTICLE)).text();
  const sentence = "A 2025 study on patients undergoing spinal fusion";
  expect(html.split(sentence).length - 1, "a sentence of the body appears once in the page").toBe(1);
  expect(html, "no resource data is serialized for hydration").not.toMatch(/__RESOLVED_RESOURCES=\[[^\]]/);
  expect(html).toContain("<leptos-island");
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
