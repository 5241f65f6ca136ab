import { test, expect, Page } from "./fixtures";
import { waitForHydration, watchErrors } from "./hydration";

const ARTICLE = "/articles/vitamin-d3-k2";



test("the article shows every part of the reference page, in order", async ({ page }) => {
  await page.goto(ARTICLE);
  const banner = page.getByRole("banner");
  await expect(banner.getByRole("link", { name: "NourishVibes" })).toBeVisible();
  await expect(banner.getByRole("navigation", { name: "Main" })).toBeVisible();

  const tip = page.getByRole("complementary", { name: /Daily Health Tip •/ });
  await expect(tip).toBeVisible();
  await expect(tip.getByRole("link", { name: /Learn More/ })).toBeVisible();

  const article = page.getByRole("main").getByRole("article");
  const parts = [
    article.getByRole("img", { name: "Vitamin D3 and K2 supplements for bone health" }),
    article.getByRole("link", { name: "Supplements", exact: true }).first(),
    article.getByRole("heading", { level: 1, name: "Vitamin D3 + K2: The Perfect Pair" }),
    article.getByText("By Dr. Sarah Johnson"),
    article.getByText("Published Feb 15, 2026"),
    article.getByText("Updated Feb 24, 2026"),
    article.getByText("2 min read"),
    article.getByRole("heading", { name: "Quick Summary / AI Overview" }),
    article.getByText("Share:"),
    article.getByRole("heading", { name: "Key Takeaways" }),
    article.getByRole("heading", { name: "Get Weekly Health Tips" }).first(),
    article.getByText("Evidence-based nutrition in your inbox").first(),
    article.getByRole("heading", { name: "The Problem: D3 Without K2 is Like a GPS Without Directions" }),
    article.getByRole("heading", { name: "How Much Should You Take?" }),
    article.getByRole("heading", { name: "How We Researched This" }),
    article.getByRole("heading", { name: "Real-World Experience" }),
    article.getByRole("complementary", { name: "Affiliate Disclosure" }),
    article.getByRole("complementary", { name: "Medical Disclaimer" }),
    article.getByRole("heading", { name: "Revision History" }),
    page.getByRole("contentinfo").getByRole("heading", { name: "Join the NourishVibes Community" }),
    page.getByRole("contentinfo").getByText("We respect your privacy. Unsubscribe anytime."),
    page.getByRole("contentinfo").getByText("Evidence-based guides"),
  ];
  let previousTop = -1;
  for (const part of parts) {
    await expect(part).toBeVisible();
    const box = await part.boundingBox();
    expect(box, `${part} has a box`).not.toBeNull();
    expect(box!.y, `${part} comes after the previous part`).toBeGreaterThanOrEqual(previousTop);
    previousTop = box!.y;
  }

  await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
  await expect(page.locator("time[datetime='2026-02-15']").first()).toHaveText("Feb 15, 2026");
  await expect(article.getByRole("listitem").filter({ hasText: "MK-7 form of vitamin K2" })).toBeVisible();
  await expect(article.getByText("Initial publication with comprehensive research review.")).toBeVisible();
  await expect(page).toHaveTitle("Vitamin D3 + K2: The Perfect Pair | NourishVibes");
});

test("the page hydrates without console errors", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(ARTICLE);
  await waitForHydration(page);
  expect(errors).toEqual([]);
});

test("after hydration, internal links navigate without a full page load", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(ARTICLE);
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await page.getByRole("banner").getByRole("link", { name: "NourishVibes" }).click();
  await expect(page).toHaveURL("/");
  await page.getByRole("link", { name: "Vitamin D3 + K2: The Perfect Pair" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Vitamin D3 + K2: The Perfect Pair");
  await expect(page).toHaveTitle("Vitamin D3 + K2: The Perfect Pair | NourishVibes");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  expect(errors).toEqual([]);
});

test("the daily tip's Learn More goes somewhere real", async ({ page }) => {
  await page.goto(ARTICLE);
  const learnMore = page.getByRole("complementary", { name: /Daily Health Tip/ }).getByRole("link", { name: /Learn More/ });
  const href = await learnMore.getAttribute("href");
  expect(href).toMatch(/^\/(articles\/[a-z0-9-]+)?$/);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
});

test("no horizontal scroll on a 375 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(ARTICLE);
  await waitForHydration(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
});

test("keyboard users can skip to the content and see where focus is", async ({ page }) => {
  await page.goto(ARTICLE);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});
