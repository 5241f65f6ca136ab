import { test, expect } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

test("footer links lead to the site pages", async ({ page }) => {
  await page.goto("/articles/vitamin-d3-k2");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
  const footer = page.getByRole("contentinfo").getByRole("navigation", { name: "Footer" });
  for (const [link, heading] of [
    ["Editorial standards", "Editorial Standards"],
    ["About", "About NourishVibes"],
    ["Privacy", "Privacy"],
  ]) {
    await footer.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expect(page).toHaveTitle(`${heading} | NourishVibes`);
  }
  await expect(page.getByRole("heading", { name: "When you subscribe to the newsletter" })).toBeVisible();
});
