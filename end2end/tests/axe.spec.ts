import AxeBuilder from "@axe-core/playwright";
import { test, expect, Page } from "./fixtures";
import { waitForHydration } from "./hydration";

// axe-core on every kind of page, in both themes, once hydrated (so the theme toggle and the
// other islands are in the page). Every rule of WCAG 2.0 and 2.1 A/AA and axe's best practices
// runs, and any violation fails, whatever its impact.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

const PAGES: [string, string][] = [
  ["home", "/"],
  ["article", "/articles/vitamin-d3-k2"],
  ["topic", "/topics/gut-health"],
  ["author", "/authors/maya-patel"],
  ["search results", "/search?q=magnesium"],
  ["search without results", "/search?q=zzzz"],
  ["newsletter", "/newsletter"],
  ["newsletter issues", "/newsletter/issues"],
  ["about", "/about"],
  ["privacy", "/privacy"],
  ["not found", "/no/such/page"],
];

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

/** Each violation: rule, impact, what it checks, and the elements at fault with what to fix. */
function describe(violations: Violation[]): string {
  return violations
    .map((violation) => {
      const targets = violation.nodes.map((node) => `    ${node.target.join(" ")}\n      ${node.failureSummary?.replace(/\n/g, "\n      ")}`);
      return `${violation.id} (${violation.impact}): ${violation.help}\n${targets.join("\n")}`;
    })
    .join("\n");
}

async function expectNoViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = `axe on ${page.url()}:\n${describe(results.violations)}`;
  expect(results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`), found).toEqual([]);
}

for (const theme of ["light", "dark"] as const) {
  test.describe(`${theme} theme`, () => {
    // The theme follows the system when nothing is saved, as theme.js decides before first paint.
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
    });

    for (const [name, path] of PAGES) {
      test(`axe finds no violation on the ${name} page (${path})`, async ({ page }) => {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        await waitForHydration(page);
        await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", String(theme === "dark"));
        await expectNoViolations(page);
      });
    }

    test("axe finds no violation in the phone header with its menu open", async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/articles/vitamin-d3-k2");
      await waitForHydration(page);
      const nav = page.getByRole("banner").getByRole("navigation", { name: "Main" });
      await nav.getByText("Menu", { exact: true }).click();
      await expect(nav.getByRole("link", { name: "Newsletter" })).toBeVisible();
      await expectNoViolations(page);
    });
  });
}
