import { test, expect } from "./fixtures";
import { readdirSync, readFileSync } from "node:fs";
import { waitForHydration } from "./hydration";

// The policy is enforced by the browser, and the shared fixture notices when it refuses
// something: an inline script or style the page does not own is blocked and reported.

const ARTICLE = "/articles/vitamin-d3-k2";

test("an injected inline script and inline style are refused and reported", async ({ page, cspViolations }) => {
  await page.goto(ARTICLE);
  await waitForHydration(page);
  expect(cspViolations).toEqual([]);
  const ran = await page.evaluate(async () => {
    const script = document.createElement("script");
    script.textContent = "window.nvInjected = true;";
    document.head.append(script);
    const heading = document.querySelector("h1")!;
    heading.setAttribute("style", "color: rgb(255, 0, 0)");
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { script: "nvInjected" in window, style: getComputedStyle(heading).color === "rgb(255, 0, 0)" };
  });
  expect(ran).toEqual({ script: false, style: false });
  await expect.poll(() => cspViolations.some((report) => report.startsWith("script-src-elem"))).toBe(true);
  await expect.poll(() => cspViolations.some((report) => report.startsWith("style-src-attr"))).toBe(true);
  // Provoked on purpose: the fixture must not fail this test for them.
  cspViolations.length = 0;
});

test("the page's own inline scripts run: theme set before paint, navigation and islands work", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(page.locator("html")).toHaveAttribute("data-theme", /^(light|dark)$/);
  await waitForHydration(page);
  await page.getByRole("contentinfo").getByRole("link", { name: "About", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("About NourishVibes");
});

test("every spec runs under the shared CSP fixture", () => {
  const specs = readdirSync(__dirname).filter((name) => name.endsWith(".ts") && name !== "fixtures.ts");
  const direct = specs.filter((name) => /^\s*import\b[^;]*\bfrom\s+["']@playwright\/test["']/m.test(readFileSync(`${__dirname}/${name}`, "utf8")));
  expect(direct, "specs importing @playwright/test instead of ./fixtures").toEqual([]);
});

test("the feed opened on its own shows in the browser's viewer, runs nothing and breaks no policy", async ({ page }) => {
  // Responses that are not pages carry the resource policy (no scripts, nothing loaded, a
  // sandbox); Chromium's XML viewer styles the tree inline, which it must still be allowed to do.
  const response = await page.goto("/feed.xml");
  expect(response!.headers()["content-security-policy"]).toContain("sandbox");
  await expect(page.getByText("NourishVibes", { exact: false }).first()).toBeVisible();
});
