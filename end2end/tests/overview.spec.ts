import { test, expect, Page } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

const ARTICLE = "/articles/vitamin-d3-k2";

async function hydrated(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
}

/** Distance from the top of the document, whatever the scroll position. */
async function documentTop(page: Page, locator: ReturnType<Page["locator"]>) {
  return locator.evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
}

function overview(page: Page) {
  return page.getByRole("region", { name: "Quick Summary / AI Overview" });
}

test("the overview starts collapsed and toggles by mouse, keeping what is above in place", async ({ page }) => {
  await page.goto(ARTICLE);
  await hydrated(page);
  const toggle = overview(page).getByRole("button", { name: "Show more" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toHaveAttribute("aria-controls", "overview-text");
  const text = page.locator("#overview-text");
  const collapsed = (await text.boundingBox())!.height;
  const title = page.getByRole("heading", { level: 1 });
  const titleTop = await documentTop(page, title);

  await toggle.click();
  const less = overview(page).getByRole("button", { name: "Show less" });
  await expect(less).toHaveAttribute("aria-expanded", "true");
  expect((await text.boundingBox())!.height).toBeGreaterThan(collapsed);
  expect(await documentTop(page, title)).toBe(titleTop);

  await less.click();
  await expect(overview(page).getByRole("button", { name: "Show more" })).toHaveAttribute("aria-expanded", "false");
  expect((await text.boundingBox())!.height).toBe(collapsed);
});

test("the overview toggles with Enter and Space and focus stays on the button", async ({ page }) => {
  await page.goto(ARTICLE);
  await hydrated(page);
  const toggle = overview(page).getByRole("button");
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(toggle).toBeFocused();
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toBeFocused();
});

test("a source marker scrolls to and highlights the supporting paragraph", async ({ page }) => {
  await page.goto(ARTICLE);
  await hydrated(page);
  await overview(page).getByRole("button", { name: "Show more" }).click();
  await overview(page).getByRole("link", { name: "Source 1: the supporting paragraph" }).click();
  const paragraph = page.locator("#p-1");
  await expect(paragraph).toContainText("Here’s what happens when you take vitamin D3 alone");
  await expect(paragraph).toBeInViewport();
  await expect(page).toHaveURL(/#p-1$/);
  const background = await paragraph.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).not.toBe("rgba(0, 0, 0, 0)");
});

test("each takeaway links to the section it summarises", async ({ page }) => {
  await page.goto(ARTICLE);
  const takeaways = page.getByRole("complementary", { name: "Key Takeaways" });
  const links = takeaways.getByRole("link", { name: /Read more/ });
  await expect(links).toHaveCount(3);
  await links.nth(2).click();
  await expect(page.getByRole("heading", { name: "How Much Should You Take?" })).toBeInViewport();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole overview is readable and there is no dead button", async ({ page }) => {
    await page.goto(ARTICLE);
    const text = overview(page).getByText("Here's why taking them together matters for heart and bone health.");
    await expect(text).toBeVisible();
    await expect(overview(page).getByRole("button")).toBeHidden();
    const box = (await page.locator("#overview-text").boundingBox())!;
    const lineHeight = await page.locator("#overview-text").evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect(box.height).toBeGreaterThan(2.5 * lineHeight);
  });
});
