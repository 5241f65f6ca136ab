import { test, expect, Page, Locator } from "./fixtures";
import { HYDRATION_TIMEOUT } from "./hydration";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ARTICLE = "/articles/vitamin-d3-k2";
const ACCEPTED = /Thanks! Check your inbox for an email from NourishVibes/;

async function hydrated(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
}

function uniqueAddress(name: string) {
  return `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** The message the SMTP server received for `address`, once it arrives. */
async function mailFor(address: string): Promise<string> {
  const dir = join(process.env.E2E_RUN_DIR!, "maildir", "new");
  let found = "";
  await expect
    .poll(
      () => {
        let names: string[] = [];
        try {
          names = readdirSync(dir);
        } catch {
          return false;
        }
        for (const name of names) {
          const text = readFileSync(join(dir, name), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
          if (text.includes(`To: ${address}`)) found = text;
        }
        return found !== "";
      },
      { timeout: 15_000, message: `a mail to ${address}` },
    )
    .toBe(true);
  return found;
}

function linkIn(mail: string, path: string): string {
  const match = mail.match(new RegExp(`https?://[^\\s>]+${path}\\?token=[0-9a-f]{64}`));
  expect(match, `${path} link in the mail`).not.toBeNull();
  return match![0];
}

function inlineForm(page: Page): { block: Locator; field: Locator; button: Locator; status: Locator } {
  const block = page.getByRole("complementary", { name: "Get Weekly Health Tips" }).first();
  return {
    block,
    field: block.getByLabel("Email address"),
    button: block.getByRole("button", { name: /^Subscrib/ }),
    status: block.locator(".signup-status"),
  };
}

test("signing up from an article shows the confirmation message in a live region", async ({ page }) => {
  await page.goto(ARTICLE);
  await hydrated(page);
  const form = inlineForm(page);
  await expect(form.status).toHaveAttribute("aria-live", "polite");
  await form.field.fill(uniqueAddress("inline"));
  // Hold the request a moment to see the progress state.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/newsletter/subscribe", async (route) => {
    await held;
    await route.continue();
  });
  await form.button.click();
  await expect(form.button).toBeDisabled();
  await expect(form.button).toHaveText("Subscribing…");
  release();
  await expect(form.status).toHaveText(ACCEPTED);
  await expect(form.button).toBeEnabled();
  await expect(page).toHaveURL(ARTICLE, { message: "no page load, no redirect" });
});

test("an invalid address gets a specific message and keeps what was typed", async ({ page }) => {
  await page.goto(ARTICLE);
  await hydrated(page);
  const form = inlineForm(page);
  await form.field.fill("reader.example.com");
  await form.button.click();
  await expect(form.status).toHaveText(/needs an @ with text on both sides/);
  await expect(form.field).toHaveValue("reader.example.com");
  await expect(form.field).toHaveAttribute("aria-invalid", "true");
  await expect(form.field).toHaveAttribute("aria-describedby", await form.status.getAttribute("id") ?? "missing");
  // Fixing it clears the error as the reader types.
  await form.field.fill("reader@example.com");
  await expect(form.field).not.toHaveAttribute("aria-invalid", "true");
});

test("signing up twice gives the identical message", async ({ page }) => {
  const address = uniqueAddress("twice");
  const messages: string[] = [];
  for (let i = 0; i < 2; i++) {
    await page.goto(ARTICLE);
    await hydrated(page);
    const form = inlineForm(page);
    await form.field.fill(address);
    await form.button.click();
    await expect(form.status).toHaveText(ACCEPTED);
    messages.push((await form.status.textContent()) ?? "");
  }
  expect(messages[1]).toBe(messages[0]);
});

test("sign up, confirm from the mailed link, then unsubscribe from it", async ({ page }) => {
  const address = uniqueAddress("journey");
  await page.goto("/newsletter");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The NourishVibes Newsletter");
  const form = page.locator("#newsletter-page");
  await form.getByLabel("Email address").fill(address);
  await form.getByRole("button", { name: "Subscribe for free" }).click();
  await expect(form.locator(".signup-status")).toHaveText(ACCEPTED);

  const mail = await mailFor(address);
  expect(mail).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
  const confirm = linkIn(mail, "/newsletter/confirm");
  const unsubscribe = linkIn(mail, "/newsletter/unsubscribe");

  await page.goto(confirm);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your subscription");
  await page.getByRole("button", { name: "Confirm my subscription" }).click();
  await expect(page.locator(".token-status")).toHaveText(/You're subscribed/);

  await page.goto(unsubscribe);
  await hydrated(page);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.locator(".token-status")).toHaveText(/You're unsubscribed/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the footer form posts, comes back and shows the result", async ({ page }) => {
    await page.goto(ARTICLE);
    const footer = page.locator("#community");
    await footer.getByLabel("Email address").fill(uniqueAddress("nojs"));
    await footer.getByRole("button", { name: "Join" }).click();
    await expect(page).toHaveURL(/\/articles\/vitamin-d3-k2\?result=ok&form=community#community$/);
    await expect(page.locator("#community .signup-status")).toHaveText(ACCEPTED);

    await page.locator("#community").getByLabel("Email address").fill("two words@example.com");
    await page.locator("#community").getByRole("button", { name: "Join" }).click();
    await expect(page.locator("#community .signup-status")).toHaveText(/part before the @ can use letters/);
  });

  test("the confirmation page works with a plain form post", async ({ page }) => {
    await page.goto(`/newsletter/confirm?token=${"0".repeat(64)}`);
    await page.getByRole("button", { name: "Confirm my subscription" }).click();
    await expect(page).toHaveURL(/\/newsletter\/confirm\?result=invalid-link$/);
    await expect(page.locator(".token-status")).toHaveText(/invalid or has expired/);
  });
});

test("a signup form on another site is refused with a page that says why", async ({ page, baseURL }) => {
  // A page elsewhere that posts our signup form: the browser marks the post as cross-site.
  await page.route("http://elsewhere.example/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!DOCTYPE html><html lang="en"><title>Win a prize</title>
        <form method="post" action="${new URL("/api/newsletter/subscribe", baseURL)}">
          <input type="hidden" name="email" value="${uniqueAddress("forged")}">
          <input type="hidden" name="form" value="community">
          <button>Claim your prize</button>
        </form></html>`,
    }),
  );
  await page.goto("http://elsewhere.example/");
  const [response] = await Promise.all([
    page.waitForResponse("**/api/newsletter/subscribe"),
    page.getByRole("button", { name: "Claim your prize" }).click(),
  ]);
  expect(response.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Form not accepted");
  await expect(page.getByText("This form was sent from another website")).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to NourishVibes" })).toHaveAttribute("href", "/");
});
