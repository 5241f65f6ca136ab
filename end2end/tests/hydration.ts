import { expect, Page } from "./fixtures";

// How long a test waits for the page to become interactive. The test build's WASM is the debug
// build (about 8 MB), fetched only after the page's `load` event; on a busy 2-core CI machine
// compiling and hydrating it has taken over 10 s.
export const HYDRATION_TIMEOUT = 30_000;

/** Collects console errors and uncaught exceptions for the whole test. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Waits until the page is interactive (the app marks `main` once hydrated). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout: HYDRATION_TIMEOUT });
}
