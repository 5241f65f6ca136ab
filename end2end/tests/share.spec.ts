import { test, expect, Page } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";

const ARTICLE = "/articles/vitamin-d3-k2";

async function hydrated(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
}

test("share links are exact and open in a new tab safely", async ({ page, baseURL }) => {
  await page.goto(ARTICLE);
  const url = encodeURIComponent(`${baseURL}${ARTICLE}`);
  const title = "Vitamin%20D3%20%2B%20K2%3A%20The%20Perfect%20Pair";
  const image = encodeURIComponent(`${baseURL}/share/vitamin-d3-k2.png`);
  const row = page.getByRole("group", { name: "Share:" });
  const expected: [string, string][] = [
    ["Share on X", `https://x.com/intent/post?url=${url}&text=${title}`],
    ["Share on Facebook", `https://www.facebook.com/sharer/sharer.php?u=${url}`],
    ["Share on LinkedIn", `https://www.linkedin.com/sharing/share-offsite/?url=${url}`],
    ["Share on WhatsApp", `https://wa.me/?text=${title}%20${url}`],
    ["Share on Pinterest", `https://pinterest.com/pin/create/button/?url=${url}&media=${image}&description=${title}`],
  ];
  for (const [name, href] of expected) {
    const link = row.getByRole("link", { name });
    await expect(link).toHaveAttribute("href", href);
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", /noopener/);
  }
  const email = row.getByRole("link", { name: "Share by email" });
  const mailto = await email.getAttribute("href");
  expect(mailto!.startsWith(`mailto:?subject=${title}&body=`)).toBe(true);
  expect(mailto!.endsWith(`%0A%0A${url}`)).toBe(true);
  await expect(email).not.toHaveAttribute("target", "_blank");
});

test("copy link puts the canonical URL on the clipboard and says so", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(ARTICLE);
  await hydrated(page);
  const copy = page.getByRole("button", { name: "Copy link" });
  await copy.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}${ARTICLE}`);
});

test("when the clipboard is refused, the link is offered selected for manual copying", async ({ page, baseURL }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, "clipboard", {
      value: { writeText: () => Promise.reject(new DOMException("denied", "NotAllowedError")) },
    });
  });
  await page.goto(ARTICLE);
  await hydrated(page);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByRole("status")).toContainText("Copying isn't available here");
  const field = page.getByRole("textbox", { name: "Link to this article" });
  await expect(field).toHaveValue(`${baseURL}${ARTICLE}`);
  await expect(field).toBeFocused();
  const selected = await field.evaluate((el: HTMLInputElement) => el.value.substring(el.selectionStart!, el.selectionEnd!));
  expect(selected).toBe(`${baseURL}${ARTICLE}`);
});

test("Share… appears only where the Web Share API exists, and cancelling is not an error", async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).__shared = [];
    (navigator as any).share = (data: unknown) => {
      (window as any).__shared.push(data);
      return Promise.reject(new DOMException("cancelled", "AbortError"));
    };
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(ARTICLE);
  await hydrated(page);
  await page.getByRole("button", { name: "Share…" }).click();
  await expect.poll(() => page.evaluate(() => (window as any).__shared.length)).toBe(1);
  const data = await page.evaluate(() => (window as any).__shared[0]);
  expect(data.title).toBe("Vitamin D3 + K2: The Perfect Pair");
  expect(data.url).toMatch(/\/articles\/vitamin-d3-k2$/);
  await expect(page.getByRole("status")).toHaveText("");
  expect(errors).toEqual([]);
});

test("without the Web Share API there is no Share… button", async ({ page }) => {
  await page.addInitScript(() => {
    delete (Navigator.prototype as any).share;
  });
  await page.goto(ARTICLE);
  await hydrated(page);
  await expect(page.getByRole("button", { name: "Copy link" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Share…" })).toHaveCount(0);
});

test("link-preview tags and JSON-LD are in the raw HTML", async ({ request, baseURL }) => {
  const html = await (await request.get(ARTICLE)).text();
  expect(html).toContain(`<meta property="og:url" content="${baseURL}${ARTICLE}">`);
  expect(html).toContain('<meta property="og:type" content="article">');
  expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
  expect(html).toContain(`<link href="${baseURL}${ARTICLE}" rel="canonical">`);
  const json = html.match(/<script type="application\/ld\+json">(.*?)<\/script>/)![1];
  const data = JSON.parse(json);
  expect(data["@type"]).toBe("MedicalWebPage");
  expect(data.author.name).toBe("Dr. Sarah Johnson");
});
