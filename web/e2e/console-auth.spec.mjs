// The console against a server that requires tokens: without one it says UNAUTHENTICATED and
// points at the token field; with an admin token pasted there, it lists and creates users.
//   node e2e/console-auth.spec.mjs <console url> <admin token> <screenshot path>
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const [url, token, screenshot] = process.argv.slice(2);
if (!url || !token || !screenshot) {
  console.error("usage: node e2e/console-auth.spec.mjs <console url> <admin token> <screenshot path>");
  process.exit(2);
}

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
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());

  console.log("step: without a token the console says UNAUTHENTICATED");
  await page.goto(url);
  await page.locator(".banner.error", { hasText: "UNAUTHENTICATED" }).waitFor();

  console.log("step: with an admin token it lists and creates users");
  await page.fill("#token", token);
  await page.press("#token", "Enter");
  await page.locator("#page-info", { hasText: "0 users" }).waitFor();
  await page.fill("input[name=name]", "Token Holder");
  await page.fill("input[name=email]", `token-${Date.now()}@example.com`);
  await page.click("button[type=submit]");
  await page.locator("#user-rows tr", { hasText: "Token Holder" }).waitFor();
  await page.locator("#live-state.on").waitFor();

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log("passed");
} catch (error) {
  console.error(`failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
