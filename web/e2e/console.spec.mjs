// The console's browser test: Debian's Chromium driven by playwright-core against a real server,
// at 1400x900. It creates (Age starts empty and is required), searches, edits, suspends,
// activates and deletes users (through the in-page confirmation: cancel keeps the user),
// watches a change made over gRPC appear live, checks the overview's counts and chart against
// the server's own numbers (GET /v1/users:stats) as they change, at 30 and at 365 days, and
// checks that emails and times are never broken across lines. Run by
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
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(timeout);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // The console asks inside the page; a native window.confirm() would fail the test.
  const nativeDialogs = [];
  page.on("dialog", (dialog) => {
    nativeDialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const createButton = "#create-form button[type=submit]";
  const ageInput = "#create-form input[name=age]";

  // Every email and time (the table's cells, the live view's addresses) shows its text on one
  // line box (a break would add a second one), with the whole text in its title, and the table
  // fits its panel without scrolling; returns the cells for further checks.
  const expectCellsOnOneLine = async () => {
    const cells = await page.locator("#user-rows td.email, #user-rows td.time, #live-events .email").evaluateAll((tds) =>
      tds.map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const lineTops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return { text: td.textContent, title: td.title, lines: lineTops.size, cut: td.scrollWidth > td.clientWidth };
      }));
    if (cells.length === 0) throw new Error("no email or time cells to check");
    for (const cell of cells) {
      if (cell.lines !== 1) throw new Error(`"${cell.text}" is broken over ${cell.lines} lines`);
      if (cell.title === "" || !cell.text.includes(cell.title)) throw new Error(`"${cell.text}" has the title "${cell.title}", not its whole text`);
    }
    const table = await page.locator(".table-scroll").evaluate((div) => ({ scroll: div.scrollWidth, client: div.clientWidth }));
    if (table.scroll > table.client) throw new Error(`the table is ${table.scroll} px wide in a ${table.client} px panel`);
    return cells;
  };

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

  step("Age starts empty and is required, with a message next to the field");
  if ((await page.inputValue(ageInput)) !== "") throw new Error(`Age starts as "${await page.inputValue(ageInput)}", not empty`);
  await page.fill("input[name=name]", "Browser Ageless");
  await page.fill("input[name=email]", "ageless@example.com");
  await page.click(createButton);
  await page.locator('#create-form .field-error[data-field="age"]', { hasText: "Age is required" }).waitFor();
  await page.locator("#page-info", { hasText: "0 users" }).waitFor();

  step("a bad create shows the server's field violations next to the fields");
  await page.fill("input[name=name]", "Browser Bad");
  await page.fill("input[name=email]", "not-an-email");
  await page.fill(ageInput, "30");
  await page.click(createButton);
  await page.locator('.field-error[data-field="email"]', { hasText: "valid email" }).waitFor();
  await page.locator(".banner.error", { hasText: "INVALID_ARGUMENT" }).waitFor();

  step("create a user and see it in the list");
  const email = `browser-${Date.now()}@example.com`;
  await page.fill("input[name=name]", "Browser Created");
  await page.fill("input[name=email]", email);
  await page.fill("input[name=age]", "41");
  await page.fill("input[name=hobbies]", "chess, go");
  await page.click(createButton);
  await page.locator(".banner.ok", { hasText: "Browser Created" }).waitFor();
  await page.locator("#user-rows tr", { hasText: email }).waitFor();
  if ((await page.inputValue(ageInput)) !== "") throw new Error("Age is not empty again after a create");
  await page.locator('#create-form .field-error[data-field="age"]').waitFor({ state: "hidden" });

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

  step("edit: a bad email shows the violation in the dialog, an emptied Age is required, a good edit is saved");
  await row.getByRole("button", { name: "Edit" }).click();
  await page.locator("#edit-dialog[open]").waitFor();
  await page.fill("#edit-form input[name=email]", "broken");
  await page.click("#edit-form button[type=submit]");
  await page.locator('#edit-form .field-error[data-field="email"]', { hasText: "valid email" }).waitFor();
  await page.fill("#edit-form input[name=age]", "");
  await page.click("#edit-form button[type=submit]");
  await page.locator('#edit-form .field-error[data-field="age"]', { hasText: "Age is required" }).waitFor();
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

  step("delete asks inside the page, naming the user; cancel keeps the user");
  const liveId = await liveRow.getAttribute("data-user-id");
  await liveRow.getByRole("button", { name: "Delete" }).click();
  await page.locator(`#delete-dialog[open][data-user-id="${liveId}"]`, { hasText: liveName }).waitFor();
  await page.click("#delete-cancel");
  await page.locator("#delete-dialog[open]").waitFor({ state: "detached" });
  const kept = await fetch(new URL(`/v1/users/${liveId}`, url));
  if (!kept.ok) throw new Error(`after Cancel, GET /v1/users/${liveId} answered ${kept.status}`);
  await liveRow.waitFor();

  step("delete confirmed in the page deletes the user");
  await liveRow.getByRole("button", { name: "Delete" }).click();
  await page.locator(`#delete-dialog[open][data-user-id="${liveId}"]`).waitFor();
  await page.click("#delete-confirm");
  await page.locator("#delete-dialog[open]").waitFor({ state: "detached" });
  await liveRow.waitFor({ state: "detached" });
  // Erasure: the DELETED event carries no name or email, so it is found by the user id.
  await page.locator(`#live-events li[data-user-id="${liveId}"]`, { hasText: "deleted" }).waitFor();
  await page.locator('#stat-total[data-count="1"]').waitFor();
  await expectOverviewMatchesServer(30);

  step("a few more users: at 1400 px no email or time breaks mid-word, and a long email ends in an ellipsis");
  const longEmail = "maximiliane.oberhausen-wittgenstein@research.example.org";
  for (const [name, address, age, hobbies] of [
    ["Ada Lovelace", "ada@example.com", "36", "mathematics, poetry"],
    ["Grace Hopper", "grace.hopper@navy.example.mil", "85", "compilers"],
    ["Maximiliane Oberhausen", longEmail, "29", "cello, climbing"],
    ["Linus Pauling", "linus@example.edu", "93", "chemistry"],
  ]) {
    await page.fill("input[name=name]", name);
    await page.fill("input[name=email]", address);
    await page.fill(ageInput, age);
    await page.fill("input[name=hobbies]", hobbies);
    await page.click(createButton);
    await page.locator("#user-rows tr", { hasText: name }).waitFor();
  }
  await page.locator('#stat-total[data-count="5"]').waitFor();
  const cells = await expectCellsOnOneLine();
  const longCell = cells.find((cell) => cell.text === longEmail);
  if (!longCell) throw new Error("the long email is not in the list");
  if (!longCell.cut) throw new Error("the long email fits its column: the test does not exercise the ellipsis");

  if (pageErrors.length > 0) {
    throw new Error(`the page threw: ${pageErrors.join("; ")}`);
  }
  if (nativeDialogs.length > 0) {
    throw new Error(`the page opened native dialogs: ${nativeDialogs.join("; ")}`);
  }

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.mouse.move(0, 0); // no hover highlight in the picture
  await page.screenshot({ path: screenshot });
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
