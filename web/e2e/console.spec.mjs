// The console's browser test: Debian's Chromium driven by playwright-core against a real server.
// It creates, searches, edits, suspends, activates and deletes users, and watches a change made
// over gRPC appear live. Run by tests/UserSystem.Server.Tests/Web/ConsoleBrowserTests.cs, which starts the server and
// answers the "grpc-change" request below by creating a user through a plain gRPC client.
//   node e2e/console.spec.mjs <console url> <screenshot path>
// Prints "step: ..." lines as it goes, "grpc-change <name>" when it wants a change made over
// gRPC (and waits for a line on stdin), and "passed" at the end; exits 1 on failure.
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node e2e/console.spec.mjs <console url> <screenshot path>");
  process.exit(2);
}

const stdin = createInterface({ input: process.stdin });
const stdinLines = stdin[Symbol.asyncIterator]();
const step = (text) => console.log(`step: ${text}`);
const timeout = 15_000;
const profile = mkdtempSync(join(tmpdir(), "console-chromium-"));
let context;

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-quic", "--disable-sync"],
    viewport: { width: 1360, height: 860 },
  });
  context.setDefaultTimeout(timeout);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));

  step("open the console");
  await page.goto(url);
  await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  await page.locator("#live-state.on").waitFor();

  step("a bad create shows the server's field violations next to the fields");
  await page.fill("input[name=name]", "Browser Bad");
  await page.fill("input[name=email]", "not-an-email");
  await page.click("button[type=submit]");
  await page.locator('.field-error[data-field="email"]', { hasText: "valid email" }).waitFor();
  await page.locator(".banner.error", { hasText: "INVALID_ARGUMENT" }).waitFor();

  step("create a user and see it in the list");
  const email = `browser-${Date.now()}@example.com`;
  await page.fill("input[name=name]", "Browser Created");
  await page.fill("input[name=email]", email);
  await page.fill("input[name=age]", "41");
  await page.fill("input[name=hobbies]", "chess, go");
  await page.click("button[type=submit]");
  await page.locator(".banner.ok", { hasText: "Browser Created" }).waitFor();
  await page.locator("#user-rows tr", { hasText: email }).waitFor();

  const row = page.locator("#user-rows tr", { hasText: email });

  step("search by name prefix and status filter");
  await page.selectOption("#search-field", "name");
  await page.fill("#search", "Browser Cre");
  await row.waitFor();
  await page.selectOption("#status-filter", "2"); // Suspended: the new user is active
  await row.waitFor({ state: "detached" });
  await page.selectOption("#status-filter", "");
  await page.fill("#search", "");
  await row.waitFor();

  step("edit: a bad email shows the violation in the dialog, a good edit is saved");
  await row.getByRole("button", { name: "Edit" }).click();
  await page.locator("#edit-dialog[open]").waitFor();
  await page.fill("#edit-form input[name=email]", "broken");
  await page.click("#edit-form button[type=submit]");
  await page.locator('#edit-form .field-error[data-field="email"]', { hasText: "valid email" }).waitFor();
  await page.fill("#edit-form input[name=email]", email);
  await page.fill("#edit-form input[name=name]", "Browser Edited");
  await page.fill("#edit-form input[name=age]", "42");
  await page.click("#edit-form button[type=submit]");
  await page.locator("#edit-dialog[open]").waitFor({ state: "detached" });
  await page.locator("#user-rows tr", { hasText: "Browser Edited" }).waitFor();
  await page.locator("#live-events li", { hasText: "Browser Edited" }).filter({ hasText: "updated" }).first().waitFor();

  step("suspend and activate");
  await row.getByRole("button", { name: "Suspend" }).click();
  await row.locator(".status.suspended").waitFor();
  await row.getByRole("button", { name: "Activate" }).click();
  await row.locator(".status.active").waitFor();

  step("a change made through gRPC appears live");
  const liveName = `Grpc Live ${Date.now()}`;
  console.log(`grpc-change ${liveName}`);
  const answer = await stdinLines.next();
  if (answer.done || answer.value.trim() !== "done") {
    throw new Error(`the test host did not make the gRPC change (answered ${JSON.stringify(answer.value)})`);
  }
  await page.locator("#live-events li", { hasText: liveName }).filter({ hasText: "created" }).waitFor();
  const liveRow = page.locator("#user-rows tr", { hasText: liveName });
  await liveRow.waitFor();

  step("delete the user made over gRPC");
  const liveId = await liveRow.getAttribute("data-user-id");
  page.once("dialog", (dialog) => void dialog.accept());
  await liveRow.getByRole("button", { name: "Delete" }).click();
  await liveRow.waitFor({ state: "detached" });
  // Erasure: the DELETED event carries no name or email, so it is found by the user id.
  await page.locator(`#live-events li[data-user-id="${liveId}"]`, { hasText: "deleted" }).waitFor();

  if (pageErrors.length > 0) {
    throw new Error(`the page threw: ${pageErrors.join("; ")}`);
  }

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  step(`screenshot saved to ${screenshot}`);
  console.log("passed");
} catch (error) {
  console.error(`failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
  if (context) {
    const page = context.pages()[0];
    if (page) {
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot.replace(/\.png$/, "-failure.png"), fullPage: true }).catch(() => {});
    }
  }
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  stdin.close();
  rmSync(profile, { recursive: true, force: true });
}
