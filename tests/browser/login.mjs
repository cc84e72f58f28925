// Signs in through Keyward's hosted pages in headless Chromium (Debian's,
// never a downloaded one): a wrong password first, then the right one, then
// the consent page. Prints what it saw as JSON for the Rust test to check.
// Usage: node login.mjs <authorize URL> <user> <password> <redirect URI>
import { chromium } from "playwright-core";

const [authorizeUrl, user, password, redirectUri] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(authorizeUrl);
  const loginTitle = await page.title();
  const tenant = await page.textContent(".tenant");
  await page.fill("#username", user);
  await page.fill("#password", "not the password");
  await page.click("#sign-in");
  const failure = await page.textContent("[role=alert]");
  const prefilled = await page.inputValue("#username");
  await page.fill("#password", password);
  await page.click("#sign-in");
  await page.waitForSelector("#allow");
  const consentTitle = await page.title();
  const scopes = await page.$$eval("li[data-scope]", (items) => items.map((i) => i.dataset.scope));
  await page.check("#remember");
  await Promise.all([page.waitForURL((url) => url.href.startsWith(redirectUri)), page.click("#allow")]);
  const cookies = (await page.context().cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }));
  console.log(JSON.stringify({ loginTitle, tenant, failure, prefilled, consentTitle, scopes, finalUrl: page.url(), cookies }));
} finally {
  await browser.close();
}
