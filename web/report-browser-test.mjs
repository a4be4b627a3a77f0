// Opens an HTML report in Debian's Chromium (headless, driven by playwright-core, offline) and
// checks what a reader would see: the page loads without console errors or failed requests, and
// every plot container holds a rendered, non-empty SVG. Saves a full-page screenshot.
//
// usage: node report-browser-test.mjs REPORT.html SCREENSHOT.png [EXPECTED_PLOTS]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, screenshot, expectedPlots] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node report-browser-test.mjs REPORT.html SCREENSHOT.png [EXPECTED_PLOTS]');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'bungner-chromium-'));
const failures = [];
// A fresh profile every time (playwright passes it to Chromium as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  // The report must work offline: any request leaving the file is a failure.
  await page.route(/^(?!file:)/, (route) => {
    failures.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });
  const containers = await page.locator('div.plot').count();
  // vega-embed renders asynchronously: wait until every container holds an SVG with marks.
  await page.waitForFunction(() => {
    const plots = [...document.querySelectorAll('div.plot')];
    return plots.every((p) => p.querySelector('svg .mark-group, svg .mark-line, svg .mark-symbol') !== null ||
                              p.textContent.startsWith('This plot could not be drawn'));
  }, null, { timeout: 30000 }).catch(() => failures.push('plots did not finish rendering within 30 s'));
  const plots = await page.evaluate(() => [...document.querySelectorAll('div.plot')].map((p) => {
    const svg = p.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return {
      id: p.id,
      width: box.width,
      height: box.height,
      marks: svg ? svg.querySelectorAll('path, line, circle, rect, text').length : 0,
      dataMarks: svg ? svg.querySelectorAll('.role-mark.mark-line path, .role-mark.mark-symbol path, .role-mark.mark-rule line').length : 0,
    };
  }));
  if (containers === 0) failures.push('the report has no plot');
  if (expectedPlots !== undefined && containers !== Number(expectedPlots))
    failures.push(`expected ${expectedPlots} plots, found ${containers}`);
  for (const plot of plots) {
    if (plot.width < 50 || plot.height < 50) failures.push(`${plot.id}: SVG is ${plot.width} x ${plot.height}`);
    if (plot.dataMarks === 0) failures.push(`${plot.id}: no data drawn (${plot.marks} SVG elements)`);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`${plots.length} plots rendered: ${plots.map((p) => `${p.id} ${p.dataMarks} marks`).join(', ')}`);
  console.log(`screenshot: ${screenshot}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
for (const failure of failures) console.error(`FAIL: ${failure}`);
console.log(failures.length === 0 ? 'browser test: passed' : `browser test: ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
