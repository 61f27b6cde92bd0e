// The console's browser test: Debian's Chromium driven by playwright-core against a real server.
// It creates, searches, edits, suspends, activates and deletes users, watches a change made
// over gRPC appear live, and checks the overview's counts and chart against the server's own
// numbers (GET /v1/users:stats) as they change, at 30 and at 365 days. Run by
// tests/UserSystem.Server.Tests/Web/ConsoleBrowserTests.cs, which starts the server and
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

  // The overview must show what the server reports, without a reload: wait until every count
  // and every day's bar equals the server's answer.
  const expectOverviewMatchesServer = async (days) => {
    const response = await fetch(new URL(`/v1/users:stats?days=${days}`, url));
    if (!response.ok) throw new Error(`GET /v1/users:stats answered ${response.status}`);
    const stats = await response.json(); // proto JSON: zero values (INACTIVE, a count of 0) are left out
    const count = (status) => String(stats.statusCounts.find((entry) => (entry.status ?? "INACTIVE") === status)?.count ?? 0);
    await page.locator(`#stat-total[data-count="${stats.total ?? 0}"]`).waitFor();
    await page.locator(`#stat-active[data-count="${count("ACTIVE")}"]`).waitFor();
    await page.locator(`#stat-suspended[data-count="${count("SUSPENDED")}"]`).waitFor();
    await page.locator(`#stat-inactive[data-count="${count("INACTIVE")}"]`).waitFor();
    await page.locator(`#signup-chart[data-days="${days}"]`).waitFor();
    const bars = await page.locator("#signup-chart rect").evaluateAll((rects) => rects.map((rect) => `${rect.dataset.date}=${rect.dataset.count}`));
    const expected = stats.dailyCreated.map((day) => `${day.date}=${day.count ?? 0}`);
    if (bars.join() !== expected.join()) {
      throw new Error(`the chart's ${bars.length} bars differ from the server's ${expected.length} days`);
    }
    return stats;
  };

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

  step("the overview counts the new user, as the server does");
  const afterCreate = await expectOverviewMatchesServer(30);
  if (afterCreate.total !== 1) throw new Error(`the server counts ${afterCreate.total} users, expected 1`);

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
  await page.locator('#stat-suspended[data-count="1"]').waitFor();
  await expectOverviewMatchesServer(30);
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
  step("the overview follows the change feed: the gRPC create is counted without a reload");
  await page.locator('#stat-total[data-count="2"]').waitFor();
  await expectOverviewMatchesServer(30);

  step("the chart over 365 days");
  await page.click('#overview-range button[data-days="365"]');
  await expectOverviewMatchesServer(365);
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.locator("section.overview").screenshot({ path: screenshot.replace(/\.png$/, "-overview-365.png") });
  await page.click('#overview-range button[data-days="30"]');
  await expectOverviewMatchesServer(30);

  step("delete the user made over gRPC");
  const liveId = await liveRow.getAttribute("data-user-id");
  page.once("dialog", (dialog) => void dialog.accept());
  await liveRow.getByRole("button", { name: "Delete" }).click();
  await liveRow.waitFor({ state: "detached" });
  // Erasure: the DELETED event carries no name or email, so it is found by the user id.
  await page.locator(`#live-events li[data-user-id="${liveId}"]`, { hasText: "deleted" }).waitFor();
  await page.locator('#stat-total[data-count="1"]').waitFor();
  await expectOverviewMatchesServer(30);

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
