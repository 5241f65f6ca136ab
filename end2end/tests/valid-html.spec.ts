import { test, expect } from "./fixtures";
import { vnuErrors } from "./vnu";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every page type, as the server sends it, passes the W3C Nu HTML checker (vnu.jar from npm)
// with no error. The pages are fetched from the running test server and checked in one run of
// the checker.

const TOKEN = "0".repeat(64);

const PAGES: [name: string, path: string, status: number][] = [
  ["article", "/articles/vitamin-d3-k2", 200],
  ["article with takeaways and sources", "/articles/blood-pressure-and-salt", 200],
  ["home", "/", 200],
  ["topic", "/topics/gut-health", 200],
  ["author", "/authors/maya-patel", 200],
  ["search with results", "/search?q=vitamin", 200],
  ["search without results", "/search?q=xylophone", 200],
  ["search form", "/search", 200],
  ["about", "/about", 200],
  ["editorial standards", "/editorial-standards", 200],
  ["privacy", "/privacy", 200],
  ["newsletter", "/newsletter", 200],
  ["newsletter after a no-JS signup", "/newsletter?result=ok&form=newsletter-page", 200],
  ["newsletter after a refused signup", "/newsletter?result=malformed&form=newsletter-page", 200],
  ["newsletter confirm", `/newsletter/confirm?token=${TOKEN}`, 200],
  ["newsletter confirm, invalid link", `/newsletter/confirm?token=${TOKEN}&result=invalid-link`, 200],
  ["newsletter unsubscribe", `/newsletter/unsubscribe?token=${TOKEN}`, 200],
  ["newsletter unsubscribed", `/newsletter/unsubscribe?token=${TOKEN}&result=ok`, 200],
  ["newsletter archive", "/newsletter/issues", 200],
  ["404", "/no/such/page", 404],
  ["article 404", "/articles/no-such-article", 404],
];

test("the checker reports the errors it is meant to catch", () => {
  const dir = mkdtempSync(join(tmpdir(), "nv-vnu-"));
  const file = join(dir, "invalid.html");
  writeFileSync(file, '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>a<!>b</p></body></html><script>x</script>');
  expect(vnuErrors([file]).length).toBeGreaterThanOrEqual(2);
});

test("every page type is valid HTML", async ({ request }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "nv-vnu-"));
  const files = new Map<string, string>();
  for (const [index, [name, path, status]] of PAGES.entries()) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), `${name} (${path})`).toBe(status);
    expect(response.headers()["content-type"], `${name} (${path})`).toContain("text/html");
    const file = join(dir, `page-${index}.html`);
    writeFileSync(file, await response.body());
    files.set(file, `${name} (${path})`);
  }
  const errors = vnuErrors([...files.keys()]).map((message) => {
    const file = decodeURIComponent((message.url ?? "").replace(/^file:/, ""));
    return `${files.get(file) ?? file}:${message.lastLine ?? "?"}: ${message.message} [${message.extract ?? ""}]`;
  });
  expect(errors).toEqual([]);
});
