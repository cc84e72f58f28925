// Opens Keyward's /docs page in headless Chromium (Debian's) and reports what
// Swagger UI rendered, and any Content-Security-Policy violation or console
// error on the way, as JSON for the Rust test to check.
// Usage: node docs.mjs <docs URL>
import { chromium } from "playwright-core";

const [docsUrl] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(docsUrl);
  await page.waitForSelector(".opblock-summary", { timeout: 20000 });
  // Swagger UI renders a large document's operations only as they scroll
  // into view: scroll through the page, collecting every one rendered.
  const seen = new Map();
  for (let step = 0; step < 400; step++) {
    const rendered = await page.$$eval(".opblock", (blocks) => blocks.map((block) => ({
      method: block.querySelector(".opblock-summary-method")?.textContent ?? "",
      path: block.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "",
      summary: block.querySelector(".opblock-summary-description")?.textContent ?? "",
    })));
    for (const operation of rendered) seen.set(`${operation.method} ${operation.path}`, operation);
    const atBottom = await page.evaluate(() => window.innerHeight + window.scrollY >= document.body.scrollHeight - 2);
    if (atBottom && step > 0) break;
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(50);
  }
  const operations = [...seen.values()];
  const title = await page.textContent(".info .title");
  console.log(JSON.stringify({ title, operations, consoleErrors, requests }));
} finally {
  await browser.close();
}
