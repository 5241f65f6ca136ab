import { test, expect } from "./fixtures";

for (const path of ["/articles/no-such-article", "/no/such/page"]) {
  test(`${path} shows a helpful 404 page`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page).toHaveTitle("Page not found | NourishVibes");
    await page.getByRole("link", { name: "Browse all articles" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("link", { name: "Vitamin D3 + K2: The Perfect Pair" })).toBeVisible();
  });
}
