import { execFileSync } from "node:child_process";

// The W3C Nu HTML checker (vnu.jar from npm), shared by the specs that check pages.

// The package exports the path of the jar (as a String object).
const vnuJar = String(require("vnu-jar"));

export type Message = { type: string; subType?: string; url?: string; lastLine?: number; message: string; extract?: string };

/** Runs vnu over `files` and returns its errors (warnings and info left out). */
export function vnuErrors(files: string[]): Message[] {
  const output = execFileSync("java", ["-jar", vnuJar, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", ...files], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const messages: Message[] = JSON.parse(output).messages;
  return messages.filter((message) => message.type !== "info");
}
