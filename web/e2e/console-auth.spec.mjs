// The console against a server that requires tokens, through its sign-in panel: signed out, it
// says UNAUTHENTICATED and points at the panel; an expired token is named and flagged expired;
// a token without the admin role gets PERMISSION_DENIED pointing at the panel; an admin token
// shows its subject, roles and expiry and lists and creates users, and is flagged expired once
// the page's clock passes its expiry; sign out forgets the token.
//   node e2e/console-auth.spec.mjs <console url> <admin token> <expired token> <viewer token> <screenshot path>
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const [url, token, expiredToken, viewerToken, screenshot] = process.argv.slice(2);
if (!url || !token || !expiredToken || !viewerToken || !screenshot) {
  console.error("usage: node e2e/console-auth.spec.mjs <console url> <admin token> <expired token> <viewer token> <screenshot path>");
  process.exit(2);
}

// The test's own reading of a token's claims, to check what the panel shows against.
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
const utc = (seconds) => `${new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16)} UTC`;

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
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const state = page.locator("#session-state");
  const signIn = async (jwt) => {
    await page.fill("#token", jwt);
    await page.press("#token", "Enter");
  };

  // The page's clock runs as usual but can be moved on, to see a token expire while it is open.
  await page.clock.install();

  console.log("step: signed out, the console says UNAUTHENTICATED and points at the sign-in panel");
  await page.goto(url);
  await page.locator("#session-state.signed-out", { hasText: "Not signed in" }).waitFor();
  await page.locator(".banner.error", { hasText: "UNAUTHENTICATED" }).filter({ hasText: "Sign in" }).waitFor();
  await page.locator("#sign-out").waitFor({ state: "hidden" });

  console.log("step: an expired token is named and flagged expired; the server's refusal points at the panel");
  const expired = claimsOf(expiredToken);
  await signIn(expiredToken);
  await page.locator("#session-state.expired", { hasText: `expired ${utc(expired.exp)}` }).waitFor();
  await state.locator(".subject", { hasText: expired.sub }).waitFor();
  await page.locator(".banner.error", { hasText: "UNAUTHENTICATED" }).filter({ hasText: "sign-in panel" }).waitFor();
  await page.locator("#token").waitFor(); // the field stays, for a new token

  console.log("step: a token without the admin role gets PERMISSION_DENIED, naming the token and the panel");
  const viewer = claimsOf(viewerToken);
  await signIn(viewerToken);
  await page.locator("#session-state.signed-in", { hasText: viewer.sub }).waitFor();
  await page.locator(".banner.error", { hasText: "PERMISSION_DENIED" }).filter({ hasText: viewer.sub }).filter({ hasText: "sign in with another" }).waitFor();

  console.log("step: sign out, then sign in with an admin token: subject, roles and expiry are shown and it works");
  await page.click("#sign-out");
  await page.locator("#session-state.signed-out").waitFor();
  const admin = claimsOf(token);
  await signIn(token);
  await page.locator("#session-state.signed-in", { hasText: `expires ${utc(admin.exp)}` }).waitFor();
  await state.locator(".subject", { hasText: admin.sub }).waitFor();
  await state.locator(".roles", { hasText: "admin" }).waitFor();
  if ((await state.getAttribute("data-expires")) !== String(admin.exp)) {
    throw new Error(`the panel says the token expires at ${await state.getAttribute("data-expires")}, the token says ${admin.exp}`);
  }
  await page.locator("#token").waitFor({ state: "hidden" });
  await page.locator("#page-info", { hasText: "0 users" }).waitFor();
  await page.fill("#create-form input[name=name]", "Token Holder");
  await page.fill("#create-form input[name=email]", `token-${Date.now()}@example.com`);
  await page.fill("#create-form input[name=age]", "33");
  await page.click("#create-form button[type=submit]");
  await page.locator("#user-rows tr", { hasText: "Token Holder" }).waitFor();
  await page.locator("#live-state.on").waitFor();
  if ((await page.evaluate(() => sessionStorage.getItem("user-system.token"))) !== token) {
    throw new Error("the token is not kept in the tab's session storage");
  }
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });

  console.log("step: once the admin token's expiry passes, the open page flags it expired and offers the field");
  await page.clock.fastForward(Math.max(0, admin.exp * 1000 - (await page.evaluate(() => Date.now()))) + 1_000);
  await page.locator("#session-state.expired", { hasText: `expired ${utc(admin.exp)}` }).waitFor();
  await page.locator("#token").waitFor();

  console.log("step: sign out forgets the token, and the next call is UNAUTHENTICATED again");
  await page.click("#sign-out");
  await page.locator("#session-state.signed-out", { hasText: "Not signed in" }).waitFor();
  if ((await page.evaluate(() => sessionStorage.getItem("user-system.token"))) !== null) {
    throw new Error("sign out left the token in session storage");
  }
  await page.locator(".banner.error", { hasText: "UNAUTHENTICATED" }).waitFor();
  console.log("passed");
} catch (error) {
  console.error(`failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
