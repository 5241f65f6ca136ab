import { test as base, expect } from "@playwright/test";

export { expect } from "@playwright/test";
export type { Locator, Page } from "@playwright/test";

// Every test runs under the site's Content-Security-Policy and fails if the browser reports a
// violation: a `securitypolicyviolation` event in any page of the test's browser context, or a
// CSP message in the console (which is where Chromium reports what it refused). So whatever
// the tests exercise (hydration, copy link, Web Share, live search, the forms, client-side
// navigation) is proven to work under the policy, not merely to work.

type CspFixtures = {
  /** The violations reported so far; a test that provokes one on purpose empties it. */
  cspViolations: string[];
};

export const test = base.extend<CspFixtures>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.exposeBinding("__nvReportCspViolation", (_source, report: string) => {
        violations.push(report);
      });
      await context.addInitScript(() => {
        addEventListener(
          "securitypolicyviolation",
          (event) => {
            const report = (window as unknown as { __nvReportCspViolation: (report: string) => void }).__nvReportCspViolation;
            report(`${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
          },
          true,
        );
      });
      // Chromium also logs here a Permissions-Policy header it cannot read (an unknown feature).
      context.on("console", (message) => {
        if (/Content[ -]Security[ -]Policy|Permissions[ -]Policy/i.test(message.text())) violations.push(`console ${message.type()}: ${message.text()}`);
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations during the test").toEqual([]);
    },
    { auto: true },
  ],
});
