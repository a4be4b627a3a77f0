// The workbench end to end in a real browser (issue 26): Debian's Chromium, driven by
// playwright-core, against `bungner serve` on a prepared workspace. Opens the workbench, adds a key
// from the schema to a scenario, changes a study arm's dose in the form, sees the check's message
// for a bad unit, fixes it, runs the study, watches its progress and its plot redrawn from the
// subjects done while it runs, then from its summary; opens the 3D viewer of a prepared 3D run,
// steps through time and saves a time-lapse; runs a one-entry validation and a tiny calibration to
// the end, sees its scorecard's observed-against-simulated plot with one point per check of
// scorecard.csv that has both numbers, and opens the scorecard and the calibration's report. No console error, no failed
// request, no request leaving 127.0.0.1. Screenshots of each step are kept in SHOTS.
//
// usage: node workbench-browser-test.mjs BUNGNER WORKSPACE SHOTS
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bungner, workspace, shots] = process.argv.slice(2);
if (!bungner || !workspace || !shots) {
  console.error('usage: node workbench-browser-test.mjs BUNGNER WORKSPACE SHOTS');
  process.exit(2);
}
const failures = [];
const step = (message) => console.log(`workbench test: ${message}`);

// --axon-mb 1: the prepared 3D run's first axon file (1 KB) is drawn whole, its second (about
// 2 MB) thinned by the server (/api/axons), so that both ways are drawn.
const server = spawn(bungner, ['serve', workspace, '--jobs', '2', '--axon-mb', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(out);
    if (match) resolve(match[1]);
  });
  server.on('exit', (code) => reject(new Error(`bungner serve exited with ${code} before printing its URL`)));
  setTimeout(() => reject(new Error('bungner serve printed no URL within 20 s')), 20000);
});
const origin = new URL(url).origin;
step(`server at ${origin}`);

const profile = mkdtempSync(join(tmpdir(), 'bungner-chromium-'));
// WebGL without a GPU: ANGLE on SwiftShader, Chromium's software renderer.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
         '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => failures.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  // Offline: nothing but the workbench's own server.
  await page.route((requestUrl) => requestUrl.origin !== origin, (route) => {
    failures.push(`request leaving the workbench: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]');
  if (page.url().includes('token=')) failures.push('the token stayed in the address bar');
  step('opened');

  // Add a key from the schema: searched by its meaning, written into its table in the text.
  await page.click('#inputs li[data-path="scenarios/base.toml"]');
  await page.waitForSelector('#check-status.ok');
  await page.locator('#add-key').fill('missing after a transection');
  const choice = page.locator('#add-key-list li[data-key="injury.gap_length"]');
  await choice.waitFor();
  const choiceText = await choice.textContent();
  if (!/\[mm\].*default: 0 mm.*allowed 0 \.\. 300 mm/.test(choiceText)) failures.push(`the key's unit, default and range are not shown: '${choiceText}'`);
  if (await page.locator('#add-key-list li[data-key="injury.type"]').count()) failures.push('a key already in the text is offered');
  await choice.click();
  await page.waitForSelector('#form input[data-key="injury.gap_length"]');
  const withKey = await page.locator('#toml').inputValue();
  const injuryTable = withKey.slice(withKey.indexOf('[injury]'));
  const nextTable = injuryTable.slice(1).search(/^\[/m);
  if (!(nextTable < 0 ? injuryTable : injuryTable.slice(0, nextTable + 1)).includes('gap_length = "0 mm"'))
    failures.push(`gap_length was not written into [injury]: ${withKey}`);
  await page.waitForSelector('#check-status.ok');
  await page.screenshot({ path: join(shots, 'workbench-0-add-key.png'), fullPage: true });
  step('key added: injury.gap_length = "0 mm" under [injury], check ok');

  // Edit: the study's dose, in the form, with a bad unit first.
  await page.click('#inputs li[data-path="scenarios/dose-study.toml"]');
  const doseField = 'input[data-key="arms[1].set.therapies[0].dose"]';
  const dose = page.locator(`#form ${doseField}`);
  await dose.waitFor();
  const doc = await page.locator('#form tr', { has: page.locator(doseField) }).locator('td.doc').textContent();
  if (!doc.includes('mg/kg/day')) failures.push(`the dose's row does not give its unit: '${doc}'`);
  const subjectsDoc = await page.locator('#form tr', { has: page.locator('input[data-key="subjects"]') }).locator('td.doc').textContent();
  if (!subjectsDoc.includes('subjects per arm')) failures.push(`the study's own keys are not documented: '${subjectsDoc}'`);
  await dose.fill('50 furlongs/kg/day');
  await dose.dispatchEvent('change');
  const diagnostic = page.locator('#diagnostics li.error', { hasText: 'furlongs' });
  await diagnostic.waitFor();
  const message = await diagnostic.textContent();
  if (!/dose-study\.toml:\d+:\d+: error: .*unknown unit 'furlongs'/.test(message)) failures.push(`unexpected check message: ${message}`);
  if (!(await page.locator(`#form ${doseField}.invalid`).count())) failures.push('the dose field is not marked invalid');
  await page.screenshot({ path: join(shots, 'workbench-1-bad-unit.png'), fullPage: true });
  const edited = await page.locator('#toml').inputValue();
  if (!edited.includes('set = { therapies = [{ type = "acetyl_l_carnitine", dose = "50 furlongs/kg/day" }] }'))
    failures.push(`the TOML text did not follow the form: ${edited}`);
  step(`bad unit reported: ${message.split('\n')[0]}`);
  await page.locator('#form input[data-key="arms[1].set.therapies[0].dose"]').fill('20 mg/kg/day');
  await page.locator('#form input[data-key="arms[1].set.therapies[0].dose"]').dispatchEvent('change');
  await page.waitForSelector('#check-status.ok');
  if (await page.locator('#diagnostics li.error').count() !== 0) failures.push('errors remain after the fix');

  // Run: the study, its progress, its plot.
  await page.click('#start');
  const job = page.locator('#jobs tbody tr').first();
  await job.waitFor();
  const seen = new Set();
  const percents = new Set();
  const liveDraws = new Map();  // subjects done -> plot lines drawn from them while the study ran
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const jobState = await job.getAttribute('data-state');
    seen.add(jobState);
    if (jobState !== 'running') break;
    // Results as they are written: the plot redrawn from the subjects' checkpoints.
    const live = await page.evaluate(() => ({
      subjects: document.querySelector('#results-status').dataset.subjects,
      note: document.querySelector('#results-status').textContent,
      lines: document.querySelectorAll('#plot svg .mark-line path').length,
    }));
    if (live.subjects !== undefined && live.lines > 0 && !liveDraws.has(live.subjects)) {
      liveDraws.set(live.subjects, live.lines);
      if (liveDraws.size === 1) await page.screenshot({ path: join(shots, 'workbench-2-live-plot.png'), fullPage: true });
      step(`while running: ${live.note}`);
    }
    // The first progress line with a percent and an ETA, or else the job as it starts.
    const shown = await job.locator('.progress-text').textContent();
    if (/\d+% ETA/.test(shown) && !percents.has(shown)) {
      if (percents.size === 0) await page.screenshot({ path: join(shots, 'workbench-2-progress.png'), fullPage: true });
      percents.add(shown.trim());
    }
    await page.waitForTimeout(100);
  }
  if (percents.size === 0) step('the study was too quick for a progress line to be seen running');
  const finalState = await job.getAttribute('data-state');
  if (finalState !== 'succeeded') failures.push(`the study ended ${finalState}: ${await page.locator('#job-log').textContent()}`);
  if (!seen.has('running')) failures.push('the study was never seen running');
  const partial = [...liveDraws.keys()].map(Number).filter((n) => n > 0 && n < 48);
  if (partial.length < 2)
    failures.push(`the plot was not seen updating while the study ran (subjects done at each draw: ${[...liveDraws.keys()].join(', ') || 'none'})`);
  const progressText = await job.locator('.progress-text').textContent();
  if (!progressText.includes('100%')) failures.push(`progress at the end: '${progressText}'`);
  step(`study ${finalState} (states seen: ${[...seen].join(', ')}; progress seen: ${[...percents].join(', ')}; at the end ${progressText.trim()})`);
  await page.waitForFunction(() => document.querySelector('#plot svg .mark-line path, #plot svg .mark-symbol path') !== null);
  const series = await page.locator('#plot svg .mark-line path').count();
  if (series < 2) failures.push(`the plot shows ${series} lines; expected one per arm`);
  await page.screenshot({ path: join(shots, 'workbench-3-plot.png'), fullPage: true });
  step(`plot drawn (${series} lines)`);

  // Look: the 3D viewer of the prepared 3D run, stepped through time, and a time-lapse.
  await page.click('#outputs li[data-path="runs/site3d"]');
  await page.waitForSelector('#viewer[data-frames]');
  const frames = Number(await page.locator('#viewer').getAttribute('data-frames'));
  if (frames < 2) failures.push(`the 3D series has ${frames} times`);
  const drawn = () => page.evaluate(() => {
    // Distinct colours on the canvas: more than the background once something is drawn.
    const canvas = document.querySelector('#viewer canvas');
    const copy = document.createElement('canvas');
    copy.width = 200; copy.height = 120;
    const context2d = copy.getContext('2d');
    context2d.drawImage(canvas, 0, 0, copy.width, copy.height);
    const data = context2d.getImageData(0, 0, copy.width, copy.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });
  for (let frame = 0; frame < frames; ++frame) {
    await page.locator('#viewer-time').fill(String(frame));
    await page.waitForSelector(`#viewer[data-frame="${frame}"]`);
    const colours = await drawn();
    if (colours < 10) failures.push(`frame ${frame} of the 3D viewer looks empty (${colours} colours)`);
    const vessels = Number(await page.locator('#viewer').getAttribute('data-vessels'));
    const axons = await page.locator('#viewer').getAttribute('data-axons');
    if (axons !== (frame === 0 ? 'whole' : 'thinned')) failures.push(`frame ${frame}: axons drawn ${axons}`);
    if (frame > 0 && !/drawn thinned: \d+ of \d+ axons/.test(await page.locator('#viewer-status').textContent()))
      failures.push(`frame ${frame}: no note on the thinned axons: ${await page.locator('#viewer-status').textContent()}`);
    if (!(vessels > 0)) failures.push(`frame ${frame}: no vessel drawn (${vessels})`);
    await page.screenshot({ path: join(shots, `workbench-4-site-frame${frame}.png`) });
    step(`3D frame ${frame}: day ${await page.locator('#viewer').getAttribute('data-day')}, ${colours} colours, ${vessels} vessel voxels, axons ${axons}`);
  }
  await page.locator('#viewer-vessels').uncheck();
  await page.waitForSelector('#viewer[data-vessels="0"]');
  await page.locator('#viewer-vessels').check();
  await page.waitForFunction(() => Number(document.querySelector('#viewer').dataset.vessels) > 0);
  // Cells by a state variable: a kind's own variable, the other kinds grey.
  const states = await page.locator('#viewer-colour option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  if (states.length === 0) failures.push('no cell state variable to colour by');
  else {
    const state = states.includes('schwann.cjun') ? 'schwann.cjun' : states[0];
    await page.selectOption('#viewer-colour', state);
    await page.waitForFunction((name) => document.querySelector('#viewer-legend').textContent.startsWith(name), state);
    await page.screenshot({ path: join(shots, 'workbench-5-site-cell-state.png') });
    step(`cells coloured by ${await page.locator('#viewer-legend').textContent()}`);
  }
  // Several runs overlaid: the 3D run and a 1D run of another scenario, one line each.
  await page.selectOption('#result-dirs', ['runs/base', 'runs/site3d']);
  await page.waitForFunction(() => [...document.querySelector('#quantity').options].some((o) => o.value === 'sensory_neuron_survival'));
  await page.selectOption('#quantity', 'sensory_neuron_survival');
  await page.waitForFunction(() => document.querySelectorAll('#plot svg .mark-line path').length === 2 &&
    /runs\/base[\s\S]*runs\/site3d/.test(document.querySelector('#plot svg').textContent), null, { timeout: 15000 })
    .catch(() => failures.push(`two runs overlaid: ${page.locator('#plot svg .mark-line path').count()} lines`));
  await page.screenshot({ path: join(shots, 'workbench-5b-runs-overlaid.png'), fullPage: true });
  step('two runs overlaid in one plot');
  await page.waitForSelector('#viewer[data-frames]');
  await page.click('#viewer-save');
  await page.waitForFunction(() => document.querySelector('#viewer-status').textContent.startsWith('time-lapse saved'));
  const saved = readdirSync(join(workspace, 'runs/site3d/timelapse')).filter((f) => f.endsWith('.png'));
  if (saved.length !== frames) failures.push(`time-lapse: ${saved.length} frames saved, expected ${frames}`);
  step(`time-lapse: ${saved.length} frames`);
  if (!existsSync(join(workspace, 'runs/dose-study/summary.csv'))) failures.push('the study wrote no summary.csv');

  // The validation of one quick entry and a tiny calibration, each to its end, then their reports.
  const finished = async (kind) => {
    const row = page.locator('#jobs tbody tr', { has: page.locator('td', { hasText: new RegExp(`^${kind}$`) }) }).first();
    await row.waitFor();
    await page.waitForFunction((id) => ['succeeded', 'failed', 'cancelled'].includes(
      document.querySelector(`#jobs tbody tr[data-job="${id}"]`).dataset.state), await row.getAttribute('data-job'), { timeout: 60000 });
    return { state: await row.getAttribute('data-state'), progress: (await row.locator('.progress-text').textContent()).trim() };
  };
  const openReportOf = async (dir, expected, shot) => {
    await page.waitForFunction((d) => [...document.querySelector('#result-dirs').selectedOptions].some((o) => o.value === d), dir);
    await page.click('#open-report');
    const body = page.frameLocator('#report').locator('body');
    await body.locator('h1').waitFor();
    const heading = await body.locator('h1').textContent();
    if (!heading.includes(expected)) failures.push(`${dir}: the report's heading is '${heading}'`);
    await page.locator('#report').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, shot), fullPage: true });
    return body;
  };
  await page.locator('#validate-filter').fill('E0?');
  await page.click('#validate');
  const validation = await finished('validate');
  if (validation.state !== 'succeeded') failures.push(`the validation ended ${validation.state}: ${await page.locator('#job-log').textContent()}`);
  const scorecard = await openReportOf('runs/validation', 'validation scorecard', 'workbench-6-scorecard.png');
  const scored = ((await scorecard.textContent()).match(/Checks: \d+\/\d+[^;.]*/) || [''])[0];
  if (!/Checks: \d+\/\d+/.test(scored)) failures.push(`the scorecard shows no checks: '${scored}'`);
  step(`validation ${validation.state} (${validation.progress}); scorecard: ${scored.trim().slice(0, 80)}`);
  // The observed-against-simulated plot in the Results view: one point per check of scorecard.csv
  // with an observed number (an interval or a bound) and a simulated mean, the headline counts.
  const csvRows = readFileSync(join(workspace, 'runs/validation/scorecard.csv'), 'utf8').trim().split('\n').slice(1);
  const expected = csvRows.filter((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, ''));
    return /(\[[-+.\deE]+, [-+.\deE]+\]|\([≥≤] [-+.\deE]+\))"?$/.test(cells[8]) && cells[10] !== '';
  }).length;
  await page.waitForFunction(() => document.querySelector('#scorecard-plot')?.dataset.drawn, null, { timeout: 15000 })
    .catch(() => failures.push('no observed-against-simulated plot drawn'));
  const shown = await page.evaluate(() => ({
    points: Number(document.querySelector('#scorecard-plot').dataset.points),
    skipped: Number(document.querySelector('#scorecard-plot').dataset.skipped),
    symbols: document.querySelectorAll('#scorecard-plot svg .mark-symbol.role-mark path').length,
    headline: document.querySelector('#scorecard-headline').textContent,
  }));
  if (expected === 0 || shown.points + shown.skipped !== expected || shown.symbols !== shown.points)
    failures.push(`scorecard plot: ${shown.symbols} points drawn (${shown.points} + ${shown.skipped} not drawn), scorecard.csv has ${expected} checks with both numbers`);
  const card = JSON.parse(readFileSync(join(workspace, 'runs/validation/scorecard.json'), 'utf8'));
  if (!shown.headline.includes(`TEST entries passed ${card.test_passed}/${card.test_total}`) ||
      !shown.headline.includes(`fit entries passed ${card.fit_passed}/${card.fit_total}`))
    failures.push(`scorecard headline: '${shown.headline}'`);
  await page.locator('#scorecard-plot').scrollIntoViewIfNeeded();
  // The tooltip of a point: its entry, readout and observed text from the CSV.
  if (shown.symbols > 0) {
    await page.locator('#scorecard-plot svg .mark-symbol.role-mark path').first().hover({ force: true });
    await page.waitForFunction(() => document.querySelector('#vg-tooltip-element.visible'), null, { timeout: 5000 })
      .then(async () => {
        const tip = await page.locator('#vg-tooltip-element').textContent();
        if (!/E\d+/.test(tip) || !tip.includes('observed') || !tip.includes('result')) failures.push(`scorecard tooltip: '${tip}'`);
      }).catch(() => failures.push('no tooltip on a scorecard point'));
  }
  await page.screenshot({ path: join(shots, 'workbench-6b-scorecard-plot.png'), fullPage: true });
  step(`scorecard plot: ${shown.symbols} of ${csvRows.length} checks drawn; ${shown.headline}`);

  await page.click('#inputs li[data-path="scenarios/tiny-calibration.toml"]');
  await page.waitForFunction(() => document.querySelector('#toml').value.includes('[[fit]]'));
  // Checked as `bungner calibrate` reads it, not as a scenario.
  await page.waitForFunction(() => /calibration|error/.test(document.querySelector('#check-status').textContent));
  const calibrationCheck = await page.locator('#check-status').textContent();
  if (!calibrationCheck.includes('calibration: 1 parameter, 1 fit entry, 3 particles'))
    failures.push(`the calibration file's check: '${calibrationCheck}'`);
  await page.click('#calibrate');
  const calibration = await finished('calibrate');
  if (calibration.state !== 'succeeded') failures.push(`the calibration ended ${calibration.state}: ${await page.locator('#job-log').textContent()}`);
  if (!existsSync(join(workspace, 'runs/tiny-calibration/posterior.csv'))) failures.push('the calibration wrote no posterior.csv');
  const calibrationReport = await openReportOf('runs/tiny-calibration', 'Calibration', 'workbench-7-calibration.png');
  if (!(await calibrationReport.locator('text=Posterior marginals').count())) failures.push('the calibration report has no posterior');
  step(`calibration ${calibration.state} (${calibration.progress}); report opened`);
} catch (error) {
  failures.push(`${error.message}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  server.kill('SIGTERM');
}
const code = await new Promise((resolve) => (server.exitCode !== null ? resolve(server.exitCode) : server.on('exit', (c) => resolve(c))));
if (code !== 0) failures.push(`bungner serve exited with ${code} on SIGTERM`);
for (const failure of failures) console.error(`FAIL: ${failure}`);
console.log(failures.length === 0 ? 'workbench browser test: passed' : `workbench browser test: ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
