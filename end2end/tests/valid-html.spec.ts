import { test, expect } from "./fixtures";
import { vnuErrors } from "./vnu";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every page type, as the server sends it, passes the W3C Nu HTML checker (vnu.jar from npm)
// with no error. The pages are fetched from the running test server and checked in one run of
// the checker.

const TOKEN = "0".repeat(64);

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
