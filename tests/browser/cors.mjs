// Cross-origin fetches from pages served on two other loopback origins to
// Keyward, in headless Chromium (Debian's): a client_credentials token
// request with Basic credentials (preflighted) and discovery (a simple GET).
// Prints, per origin, each call's status and JSON or the error's name.
// Usage: node cors.mjs <Keyward URL> <allowed page URL> <other page URL> <client id> <secret>
import { chromium } from "playwright-core";

const [keyward, allowedPage, otherPage, clientId, secret] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

async function callsFrom(pageUrl) {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const result = await page.evaluate(async ({ keyward, clientId, secret }) => {
    const attempt = async (url, init) => {
      try {
        const response = await fetch(url, init);
        return { status: response.status, body: await response.json() };
      } catch (error) {
        return { error: error.name, message: error.message };
      }
    };
    const token = await attempt(`${keyward}/oauth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${clientId}:${secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const discovery = await attempt(`${keyward}/.well-known/openid-configuration`);
    return { token, discovery };
  }, { keyward, clientId, secret });
  await page.close();
  return result;
}

try {
  const allowed = await callsFrom(allowedPage);
  const other = await callsFrom(otherPage);
  console.log(JSON.stringify({ allowed, other }));
} finally {
  await browser.close();
}
