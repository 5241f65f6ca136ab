import { test, expect, Locator, Page } from "./fixtures";
import { waitForHydration } from "./hydration";

// The site header on phones: one row (brand, search, "Menu", theme toggle) instead of three,
// so an article's title is not pushed half a screen down. At 390 × 844, in both themes, the
// header was 162 px high and the title of /articles/vitamin-d3-k2 began 657 px down; with the
// one-row header (and the tighter tip banner, breadcrumbs and margins of phones) they are 57 px
// and 461 px.
const PHONE = { width: 390, height: 844 };
const HEADER_MAX = 64;
const TITLE_TOP_MAX = 480;

function header(page: Page) {
  const banner = page.getByRole("banner");
  const nav = banner.getByRole("navigation", { name: "Main" });
  return {
    banner,
    nav,
    brand: banner.getByRole("link", { name: "NourishVibes" }),
    search: nav.getByRole("link", { name: "Search" }),
    // A <summary> has no ARIA role of its own (browsers expose it as a disclosure button).
    menu: nav.getByText("Menu", { exact: true }),
    articles: nav.getByRole("link", { name: "Articles" }),
    newsletter: nav.getByRole("link", { name: "Newsletter" }),
    theme: banner.getByRole("button", { name: "Dark theme" }),
  };
}

async function middle(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  expect(box, `${locator} has a box`).not.toBeNull();
  return box!.y + box!.height / 2;
}

/** Tabs from the top of the page until `target` has focus. */
async function tabTo(page: Page, target: Locator) {
  for (let presses = 0; presses < 10; presses++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  await expect(target).toBeFocused();
}

for (const theme of ["light", "dark"] as const) {
  test.describe(`phone header, ${theme} theme`, () => {
    test.use({ viewport: PHONE, colorScheme: theme });

    test("is one row: brand, search, menu and theme toggle side by side", async ({ page }) => {
      await page.goto("/articles/vitamin-d3-k2");
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      await waitForHydration(page);
      const { banner, brand, search, menu, theme: toggle, articles } = header(page);
      for (const width of [320, 360, 390, 430, 767]) {
        await page.setViewportSize({ width, height: PHONE.height });
        const height = (await banner.boundingBox())!.height;
        expect(height, `header height at ${width} px`).toBeLessThanOrEqual(HEADER_MAX);
        const row = await middle(brand);
        let right = (await brand.boundingBox())!.x;
        for (const control of [brand, search, menu, toggle]) {
          await expect(control).toBeVisible();
          expect(Math.abs((await middle(control)) - row), `${control} beside the brand at ${width} px`).toBeLessThanOrEqual(3);
          const box = (await control.boundingBox())!;
          expect(box.x, `${control} clear of what is before it at ${width} px`).toBeGreaterThanOrEqual(right);
          right = box.x + box.width;
        }
        expect(right, `the row within the screen at ${width} px`).toBeLessThanOrEqual(width);
        await expect(articles).toBeHidden();
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(width);
      }
    });

    test("the menu opens by keyboard, its links lead on, and it is closed on the next page", async ({ page }) => {
      await page.goto("/articles/vitamin-d3-k2");
      await waitForHydration(page);
      await page.evaluate(() => ((window as any).__sameDocument = true));
      const { menu, articles, newsletter } = header(page);
      await expect(newsletter).toBeHidden();
      await tabTo(page, menu);
      await page.keyboard.press("Enter");
      await expect(articles).toBeVisible();
      await expect(newsletter).toBeVisible();
      await page.keyboard.press("Tab");
      await expect(articles).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(newsletter).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/\/newsletter$/);
      await expect(page.locator("main")).toBeFocused();
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      await expect(header(page).newsletter).toBeHidden();
    });

    test(`an article's title starts within ${TITLE_TOP_MAX} px of the top`, async ({ page }) => {
      await page.goto("/articles/vitamin-d3-k2");
      await waitForHydration(page);
      const top = (await page.getByRole("heading", { level: 1 }).boundingBox())!.y;
      expect(top).toBeLessThan(TITLE_TOP_MAX);
    });
  });
}

test.describe("phone header without JavaScript", () => {
  test.use({ viewport: PHONE, javaScriptEnabled: false });

  test("the menu still opens by keyboard", async ({ page }) => {
    await page.goto("/articles/vitamin-d3-k2");
    const { banner, brand, menu, articles, newsletter } = header(page);
    expect((await banner.boundingBox())!.height).toBeLessThanOrEqual(HEADER_MAX);
    expect(Math.abs((await middle(menu)) - (await middle(brand)))).toBeLessThanOrEqual(3);
    await tabTo(page, menu);
    await page.keyboard.press("Enter");
    await expect(articles).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(articles).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(newsletter).toBeFocused();
  });
});

test("wide screens keep the links in the header, without the menu", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  const { banner, brand, search, menu, articles, newsletter, theme } = header(page);
  const row = await middle(brand);
  for (const link of [articles, newsletter, search, theme]) {
    await expect(link).toBeVisible();
    expect(Math.abs((await middle(link)) - row)).toBeLessThanOrEqual(3);
  }
  await expect(search).toHaveText("Search");
  await expect(theme).toHaveText(/Dark theme/);
  await expect(menu).toBeHidden();
  expect((await banner.boundingBox())!.height).toBeLessThanOrEqual(72);
});
