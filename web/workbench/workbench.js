// The workbench page (docs/workbench.md): edit an input with a form generated from the schema and
// the TOML side by side, checked as you type by the server (the checks of `bungner check`); start
// runs, studies and the validation and follow them; plot outputs; view the 3D site over time.
// Every request goes to the server that served this page; the access token travels in the
// HttpOnly cookie the first page load set.
import { openViewer } from './viewer.js';
import { insertKey, keyCatalogue, searchKeys } from './toml-keys.js';

const $ = (selector) => document.querySelector(selector);
const state = {
  info: null,
  schema: null,       // JSON Schema of scenarios
  studySchema: null,  // and of study files
  path: null,        // workspace-relative path of the input being edited
  kind: null,        // scenario, study or validation case, from the last check
  outline: [],       // the leaves of the TOML text with their spans
  outlineText: null, // the text they were read from
  diagnostics: [],
  files: [],
  jobs: [],
  parameters: new Map(),
  scenarioKeys: [],  // keys a scenario may hold (from the schema), for "Add a key"
  studyKeys: [],     // and a study file
};

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options });
  const type = response.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body && body.error ? body.error : `${response.status} ${path}`);
  return body;
}
const postJson = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function debounce(action, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), ms); };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = element('script', { src });
    script.addEventListener('load', resolve);
    script.addEventListener('error', () => reject(new Error(`cannot load ${src}`)));
    document.head.append(script);
  });
}

// ---------------------------------------------------------------------------------------------
// Files

async function refreshFiles() {
  state.files = await api('/api/files?depth=8');
  const inputs = state.files.filter((f) => !f.directory && f.path.endsWith('.toml') && !f.path.startsWith('runs/'));
  $('#inputs').replaceChildren(...inputs.map((f) => element('li', {
    text: f.path, 'data-path': f.path, class: f.path === state.path ? 'selected' : '', onclick: () => openInput(f.path),
  })));
  const outputs = outputFolders();
  const selected = new Set([...$('#result-dirs').selectedOptions].map((o) => o.value));
  $('#outputs').replaceChildren(...outputs.map((o) => element('li', {
    text: `${o.path} (${o.kind})`, 'data-path': o.path, onclick: () => showResults([o.path]),
  })));
  $('#result-dirs').replaceChildren(...outputs.map((o) => {
    const option = element('option', { value: o.path, text: `${o.path} (${o.kind})` });
    option.selected = selected.has(o.path);
    return option;
  }));
}

/// Output folders: those holding run.json (a run), study.json (a study), scorecard.json (the
/// validation) or calibration.json; and those a job is writing now (a run's run.json comes last).
function outputFolders() {
  const kinds = { 'run.json': 'run', 'study.json': 'study', 'scorecard.json': 'validation', 'calibration.json': 'calibration' };
  const out = [];
  const has3d = (dir) => state.files.some((g) => g.path === `${dir}/paraview/series.pvd`);
  for (const f of state.files) {
    const slash = f.path.lastIndexOf('/');
    const name = f.path.slice(slash + 1);
    if (!f.directory && kinds[name] && slash > 0) {
      const dir = f.path.slice(0, slash);
      if (!out.some((o) => o.path === dir)) out.push({ path: dir, kind: kinds[name], has3d: has3d(dir) });
    }
  }
  for (const j of state.jobs.filter((job) => job.state === 'running')) {
    const known = out.find((o) => o.path === j.output);
    if (known) known.kind = `${j.kind}, running`;
    else out.push({ path: j.output, kind: `${j.kind}, running`, has3d: has3d(j.output) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Editing: the text is the truth; the form is its outline, re-read after every change.

async function openInput(path) {
  const text = await api(`/api/file?path=${encodeURIComponent(path)}`);
  state.path = path;
  state.kind = null;  // until this file's check says
  state.outline = [];
  state.outlineText = null;
  $('#edit-path').textContent = path;
  $('#toml').value = text;
  const stem = path.replace(/^.*\//, '').replace(/\.toml$/, '');
  $('#out').value = `runs/${stem}`;
  $('#save').disabled = false;
  $('#calibrate').disabled = false;
  $('#add-key').disabled = false;
  $('#add-key').value = '';
  $('#add-key-list').replaceChildren();
  for (const li of document.querySelectorAll('#inputs li')) li.classList.toggle('selected', li.dataset.path === path);
  await refreshEditor();
}

async function refreshEditor() {
  if (!state.path) return;
  const text = $('#toml').value;
  const [check, outline] = await Promise.all([
    postJson('/api/check', { path: state.path, text }),
    postJson('/api/outline', { text }),
  ]);
  if (text !== $('#toml').value) return;  // typed on meanwhile: a newer check follows
  state.diagnostics = check.diagnostics;
  state.kind = check.ok ? check.kind : state.kind;
  if (outline.parsed) {
    state.outline = outline.keys;
    state.outlineText = text;
  }
  showCheck(check);
  renderForm();
}
const refreshEditorSoon = debounce(() => refreshEditor().catch(showError), 250);

/// Where (line, column) of the text is, as an index; toml++ counts columns from 1.
function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 1; l < line; ++l) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + column - 1;
}

function showCheck(check) {
  const status = $('#check-status');
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  status.className = check.ok ? 'ok' : 'bad';
  status.textContent = check.ok ? `ok: ${check.summary}` : `${errors} error${errors === 1 ? '' : 's'}`;
  const lines = $('#toml').value.split('\n');
  $('#diagnostics').replaceChildren(...check.diagnostics.map((d) => {
    // As `bungner check` prints it: the place, the message, the line and a caret under the column.
    const place = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.key ? `${d.key}: ` : ''}${d.message}`;
    const source = d.file === state.path && d.line > 0 && d.line <= lines.length
      ? `\n${String(d.line).padStart(5)} | ${lines[d.line - 1]}\n      | ${' '.repeat(Math.max(0, d.column - 1))}^` : '';
    return element('li', { class: d.severity, text: place + source, onclick: () => selectLine(d.line) });
  }));
  $('#edit-kind').textContent = state.kind ? `(${state.kind})` : '';
  $('#start').disabled = !check.ok || !['scenario', 'study'].includes(check.kind);
  $('#start').textContent = check.kind === 'study' ? 'Save and run the study' : 'Save and run';
}

function selectLine(line) {
  const area = $('#toml');
  const start = offsetOf(area.value, line, 1);
  const end = area.value.indexOf('\n', start);
  area.focus();
  area.setSelectionRange(start, end < 0 ? area.value.length : end);
}

/// Diagnostic keys and outline keys written alike: arms[2].set -> arms.2.set.
const plainKey = (key) => key.replace(/\[(\d+)\]/g, '.$1');

function renderForm() {
  const bad = new Set();
  for (const d of state.diagnostics.filter((e) => e.severity === 'error')) {
    bad.add(plainKey(d.key));
    // A study arm's problem names the arm, then the scenario key in its message:
    // key "arms[1] (ALCAR)", message "therapies[0].dose: unknown unit ...".
    const arm = /^(arms\[\d+\])/.exec(d.key);
    const inner = /^([\w.[\]]+): /.exec(d.message);
    if (arm && inner) bad.add(plainKey(`${arm[1]}.set.${inner[1]}`));
  }
  const rows = state.outline.map((leaf) => {
    const editable = leaf.line === leaf.end_line && leaf.type !== 'other';
    const shown = leaf.type === 'string' ? JSON.parse(leaf.value) : leaf.value;
    const input = element('input', { value: shown, 'data-key': leaf.key, 'aria-label': leaf.key, size: 18 });
    input.disabled = !editable;
    if (bad.has(plainKey(leaf.key))) input.classList.add('invalid');
    input.addEventListener('change', () => editValue(leaf.key, input.value).catch(showError));
    return element('tr', {}, element('td', { class: 'key', text: leaf.key }), element('td', {}, input),
                   element('td', { class: 'doc', text: documentation(leaf.key) }));
  });
  $('#form').replaceChildren(element('table', {}, ...rows));
}

/// Replaces the value's span in the text with the edited value and checks again. The spans are
/// those of the text the outline was read from: after any other change (typing, an edit of
/// another field, a second change event of the same field) the outline is read again first.
async function editValue(key, value) {
  const area = $('#toml');
  if (area.value !== state.outlineText) await refreshEditor();
  const leaf = state.outline.find((l) => l.key === key);
  if (!leaf || area.value !== state.outlineText) return;
  let replacement = value.trim();
  if (leaf.type === 'string') replacement = JSON.stringify(value);
  else if (leaf.type === 'number' && !/^[-+]?(\d[\d_]*\.?\d*([eE][-+]?\d+)?|inf|nan)$/.test(replacement)) replacement = JSON.stringify(value);
  const begin = offsetOf(area.value, leaf.line, leaf.column);
  const end = offsetOf(area.value, leaf.end_line, leaf.end_column);
  area.value = area.value.slice(0, begin) + replacement + area.value.slice(end);
  await refreshEditor();
}

/// Unit, default, allowed range and meaning of a key, from the JSON Schema the server generates
/// from the same registry that checks scenarios, or from the parameter registry.
function documentation(key) {
  let parts = plainKey(key).split('.');
  let prefix = [];
  let node = state.schema;
  const isStudy = state.kind === 'study' ||
    (state.outline.some((l) => l.key === 'base' || l.key.startsWith('arms[')) && !state.outline.some((l) => l.key === 'species'));
  // A study's own keys, but an arm's `set` holds scenario keys.
  if (isStudy && parts[0] === 'arms' && parts[2] === 'set') { prefix = parts.slice(0, 3); parts = parts.slice(3); }
  else if (isStudy) node = state.studySchema;
  if (parts[0] === 'parameters' && parts.length > 1) {
    const p = state.parameters.get(parts.slice(1).join('.'));
    return p ? `${p.meaning} [${p.unit}] (default ${p.default}; plausible ${p.plausible[0]} .. ${p.plausible[1]}; ${p.source})` : '';
  }
  const walked = [...prefix];
  for (const part of parts) {
    if (!node) return '';
    if (/^\d+$/.test(part)) { node = node.items; walked.push(part); continue; }
    if (node.oneOf) {
      // A therapy: the branch of its `type`.
      const typeLeaf = state.outline.find((l) => plainKey(l.key) === [...walked, 'type'].join('.'));
      const type = typeLeaf ? JSON.parse(typeLeaf.value) : null;
      node = node.oneOf.find((b) => b.properties && b.properties.type && b.properties.type.const === type) || null;
      if (!node) return '';
    }
    node = node.properties ? node.properties[part] : null;
    walked.push(part);
  }
  return node && node.description ? node.description : '';
}

// ---------------------------------------------------------------------------------------------
// Adding a key: the schema's keys not yet in the text, searchable, each with its unit, default and
// range (its description); the chosen one is written into its table and checked like any edit.

function isStudyText() {
  return state.kind === 'study' ||
    (state.outline.some((l) => l.key === 'base' || l.key.startsWith('arms[')) && !state.outline.some((l) => l.key === 'species'));
}

function showKeyChoices() {
  const query = $('#add-key').value;
  if (!query.trim()) { $('#add-key-list').replaceChildren(); return; }
  const present = new Set(state.outline.map((l) => plainKey(l.key)));
  const choices = searchKeys(isStudyText() ? state.studyKeys : state.scenarioKeys, query, present);
  $('#add-key-list').replaceChildren(...(choices.length === 0 ? [element('li', { class: 'hint', text: 'no such key (or it is in the text already)' })]
    : choices.map((k) => element('li', { 'data-key': k.key, onclick: () => addKey(k).catch(showError) },
      element('code', { text: k.key }), element('span', { class: 'doc', text: k.description })))));
}

async function addKey(k) {
  const area = $('#toml');
  area.value = insertKey(area.value, k.table, k.name, k.value);
  $('#add-key').value = '';
  $('#add-key-list').replaceChildren();
  await refreshEditor();
  const field = document.querySelector(`#form input[data-key="${CSS.escape(k.key)}"]`);
  if (field) { field.focus(); field.select(); }
}

async function save() {
  await api(`/api/file?path=${encodeURIComponent(state.path)}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: $('#toml').value });
}

async function start(kind, extra = {}) {
  const threads = Number($('#threads').value) || 1;
  const job = await postJson('/api/jobs', { kind, threads, ...extra });
  await refreshJobs();
  return job;
}

async function startEdited() {
  await save();
  const kind = state.kind === 'study' ? 'study' : 'run';
  const job = await start(kind, { input: state.path, out: $('#out').value, force: $('#force').checked });
  // Results appear as they are written: the job's folder is shown and followed while it runs.
  await showResults([job.output]);
}

// ---------------------------------------------------------------------------------------------
// Jobs

let jobsTimer = null;
let jobsLoaded = false;
const finishedSeen = new Set();

async function refreshJobs() {
  state.jobs = await api('/api/jobs');
  $('#jobs tbody').replaceChildren(...state.jobs.map((j) => {
    const progress = element('progress', { max: 100 });
    if (j.percent >= 0) progress.value = j.percent;
    const label = j.percent >= 0 ? ` ${Math.round(j.percent)}%${j.eta && j.state === 'running' ? ` ETA ${j.eta}` : ''}` : '';
    const actions = element('td');
    if (j.state === 'running') actions.append(element('button', { text: 'Cancel', onclick: () => postJson(`/api/jobs/${j.id}/cancel`, {}).then(refreshJobs) }));
    if (['cancelled', 'failed', 'interrupted'].includes(j.state) && ['run', 'study', 'calibrate'].includes(j.kind))
      actions.append(element('button', { text: 'Resume', onclick: () => start(j.kind, { input: j.input, out: j.output, resume: true })
        .then((job) => showResults([job.output])).catch(showError) }));
    actions.append(element('button', { text: 'Log', onclick: () => { $('#job-log').textContent = j.log; } }));
    return element('tr', { 'data-job': j.id, 'data-state': j.state },
      element('td', { text: j.id }), element('td', { text: j.kind }), element('td', { text: j.input }),
      element('td', { text: j.output }), element('td', { class: 'state', text: j.state }),
      element('td', {}, progress, element('span', { class: 'progress-text', text: label })), actions);
  }));
  const running = state.jobs.filter((j) => j.state === 'running');
  if (running.length > 0) $('#job-log').textContent = running[running.length - 1].log;
  // The file list while jobs run (the Results view follows its folders itself), the final plots
  // when they end.
  await refreshFiles();
  for (const j of state.jobs) {
    if (j.state !== 'running' && !finishedSeen.has(j.id)) {
      finishedSeen.add(j.id);
      // Jobs that ended before this page was opened (or before the server restarted) stay listed
      // without taking over the Results view.
      if (j.state === 'succeeded' && jobsLoaded) {
        $('#job-log').textContent = j.log;
        if (['run', 'study', 'validate', 'calibrate'].includes(j.kind)) await showResults([j.output]);
      }
    }
  }
  jobsLoaded = true;
  scheduleResultsPoll();
  clearTimeout(jobsTimer);
  jobsTimer = setTimeout(() => refreshJobs().catch(showError), running.length > 0 ? 500 : 3000);
}

// ---------------------------------------------------------------------------------------------
// Results: plots of timeseries.csv (runs, overlaid) and summary.csv (studies: arms overlaid).

function parseCsv(text) {
  const lines = text.trim().split('\n');
  const header = splitCsvLine(lines[0]);
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line);
    const row = {};
    header.forEach((name, i) => { row[name] = cells[i]; });
    return row;
  });
}
function splitCsvLine(line) {
  const cells = [];
  let cell = '', quoted = false;
  for (let i = 0; i < line.length; ++i) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; } else cell += c;
  }
  cells.push(cell);
  return cells;
}

const resultRows = new Map();  // output folder -> rows {source, series, time_days, quantity, value, low, high, unit}
const progressNotes = new Map();  // output folder -> what a job underway has written so far, in words
// Files read for the plots, kept with the modified time and size they had: a poll re-reads only
// the files that changed.
const fileCache = new Map();  // path -> { stamp, content }
let resultsStamp = '';        // the listings the plot was last drawn from
let viewerStamp = '';         // the 3D series the viewer last opened
let viewerLoading = false;    // a snapshot takes seconds to load: the plots do not wait for it
let resultsTimer = null;

async function readCached(entry) {
  const stamp = `${entry.modified}:${entry.size}`;
  const cached = fileCache.get(entry.path);
  if (cached && cached.stamp === stamp) return cached.content;
  const content = await api(`/api/file?path=${encodeURIComponent(entry.path)}`);
  fileCache.set(entry.path, { stamp, content });
  return content;
}

const selectedDirs = () => [...$('#result-dirs').selectedOptions].map((o) => o.value);
const runningJobFor = (dir) => state.jobs.find((j) => j.state === 'running' && j.output === dir);

/// The rows to plot from an output folder's files (listed in `files`): a study's summary.csv, a
/// run's timeseries.csv, or, while a study runs, its subjects' checkpoints
/// (subjects/armNNN-subjectNNNNN.csv: each written whole under a temporary name and renamed, so a
/// listed one is complete) summarised as they come.
async function rowsOf(dir, files) {
  progressNotes.delete(dir);
  const file = (name) => files.find((f) => !f.directory && f.path === `${dir}/${name}`);
  if (file('summary.csv')) {
    const rows = parseCsv(await readCached(file('summary.csv')));
    return rows.map((r) => ({ source: dir, series: `${dir}: ${r.arm}`, time_days: +r.time_days, quantity: r.readout,
      value: +r.mean, low: +r.ci_low, high: +r.ci_high, unit: r.unit }));
  }
  if (file('timeseries.csv')) {
    const rows = parseCsv(await readCached(file('timeseries.csv')));
    return rows.map((r) => ({ source: dir, series: dir, time_days: +r.time_days, quantity: r.variable, value: +r.value, unit: r.unit }));
  }
  const checkpoints = files.filter((f) => !f.directory && /^subjects\/arm\d{3}-subject\d{5}\.csv$/.test(f.path.slice(dir.length + 1)));
  if (file('study.json')) return studyUnderway(dir, await readCached(file('study.json')), checkpoints);
  const job = runningJobFor(dir);
  if (job) {
    // A run keeps its time series in memory until it ends; what it writes meanwhile is the 3D
    // site at each readout time (paraview/, pictures/).
    const snapshots = files.filter((f) => /\/pictures\/section_\d+\.svg$/.test(f.path)).length;
    progressNotes.set(dir, `${dir}: ${job.kind} underway${job.percent >= 0 ? ` (${Math.round(job.percent)}%)` : ''}` +
      (snapshots > 0 ? `, ${snapshots} snapshot${snapshots === 1 ? '' : 's'} of the 3D site written` : '') +
      '; its time series is written when it ends');
  }
  return [];
}

/// A study still running: per arm, time and readout, the mean of the subjects done so far and an
/// approximate 95 % interval (mean +- 1.96 SEM); summary.csv replaces it when the study ends.
async function studyUnderway(dir, study, checkpoints) {
  const arms = Array.isArray(study.arms) ? study.arms : [];
  const done = arms.map(() => 0);
  const groups = new Map();
  for (const c of checkpoints) {
    const arm = Number(/arm(\d{3})-/.exec(c.path)[1]);
    if (arm < done.length) done[arm] += 1;
    for (const line of String(await readCached(c)).split('\n')) {
      if (!line) continue;
      // arm,subject,seed,time_days,readout,value,unit (the study's checkpoint format)
      const [armName, , , time, readout, value, unit] = splitCsvLine(line);
      const key = `${armName}\u0000${time}\u0000${readout}`;
      if (!groups.has(key)) groups.set(key, { arm: armName, time_days: +time, quantity: readout, unit, values: [] });
      groups.get(key).values.push(+value);
    }
  }
  const total = arms.reduce((sum, a) => sum + (a.subjects || 0), 0);
  const finished = done.reduce((sum, n) => sum + n, 0);
  const perArm = arms.map((a, i) => `${a.name} ${done[i]}/${a.subjects}`).join(', ');
  const job = runningJobFor(dir);
  progressNotes.set(dir, `${dir}: ${finished} of ${total} subjects done (${perArm})` +
    (job ? '; the plot shows the means so far' : '; the study did not finish (Resume continues it)'));
  $('#results-status').dataset.subjects = String(finished);
  return [...groups.values()].map((g) => {
    const n = g.values.length;
    const mean = g.values.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(g.values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
    const half = 1.96 * sd / Math.sqrt(n);
    return { source: dir, series: `${dir}: ${g.arm}`, time_days: g.time_days, quantity: g.quantity, value: mean,
      low: mean - half, high: mean + half, unit: g.unit };
  });
}

/// Re-reads the selected output folders and redraws what changed: on selection, and every second
/// while a job writes into one of them. One at a time: a poll that comes while the last one still
/// loads (a 3D snapshot takes seconds) waits for it, so two never draw into the viewer at once.
let resultsQueue = Promise.resolve();
function refreshResults(force) {
  const next = resultsQueue.then(() => refreshResultsNow(force));
  resultsQueue = next.catch(() => {});
  return next;
}

async function refreshResultsNow(force) {
  const dirs = selectedDirs();
  const listings = await Promise.all(dirs.map((d) => api(`/api/files?dir=${encodeURIComponent(d)}&depth=4`).catch(() => [])));
  const stamp = JSON.stringify([dirs, listings.map((l) => l.map((f) => [f.path, f.modified, f.size])),
    dirs.map((d) => runningJobFor(d)?.percent ?? null)]);
  if (!force && stamp === resultsStamp) return false;
  resultsStamp = stamp;
  for (let i = 0; i < dirs.length; ++i) resultRows.set(dirs[i], await rowsOf(dirs[i], listings[i]));
  const rows = dirs.flatMap((d) => resultRows.get(d) || []);
  const quantities = [...new Set(rows.map((r) => r.quantity))];
  const quantity = $('#quantity');
  const previous = quantity.value;
  quantity.replaceChildren(...quantities.map((q) => element('option', { value: q, text: q })));
  if (quantities.includes(previous)) quantity.value = previous;
  const notes = dirs.map((d) => progressNotes.get(d)).filter(Boolean);
  $('#results-status').textContent = notes.join('\n');
  if (notes.length === 0) delete $('#results-status').dataset.subjects;
  await drawPlot();
  await drawScorecard(dirs, listings);
  showPictures(dirs[0]);
  const viewable = outputFolders().find((o) => dirs.includes(o.path) && o.has3d);
  const series = viewable && listings[dirs.indexOf(viewable.path)].find((f) => f.path === `${viewable.path}/paraview/series.pvd`);
  const seriesStamp = series ? `${series.path}:${series.modified}:${series.size}` : '';
  // While a run writes snapshots faster than the viewer loads them, it opens the newest one when
  // it has finished the last (a choice of the user's opens at once, superseding it).
  if (viewable && state.info.viewer && seriesStamp !== viewerStamp && (force || !viewerLoading)) {
    viewerStamp = seriesStamp;
    viewerLoading = true;
    openViewer(viewable.path, viewerControls(), { latest: Boolean(runningJobFor(viewable.path)) })
      .catch(showError).finally(() => { viewerLoading = false; });
  }
  return true;
}

function scheduleResultsPoll() {
  if (resultsTimer !== null || !selectedDirs().some((d) => runningJobFor(d))) return;
  resultsTimer = setTimeout(async () => {
    resultsTimer = null;
    await refreshResults(false).catch(showError);
    scheduleResultsPoll();
  }, 1000);
}

async function showResults(dirs) {
  const select = $('#result-dirs');
  for (const option of select.options) option.selected = dirs.includes(option.value);
  viewerStamp = '';
  await refreshResults(true);
  scheduleResultsPoll();
}

async function drawPlot() {
  const dirs = [...$('#result-dirs').selectedOptions].map((o) => o.value);
  const quantity = $('#quantity').value;
  const rows = dirs.flatMap((d) => resultRows.get(d) || []).filter((r) => r.quantity === quantity);
  const plot = $('#plot');
  plot.dataset.rows = String(rows.length);
  if (rows.length === 0) {
    // A validation's folder has no time series: its scorecard is drawn below instead.
    const scorecard = dirs.some((d) => state.files.some((f) => f.path === `${d}/scorecard.csv`));
    plot.replaceChildren(...(scorecard ? [] : [element('p', { class: 'hint', text: 'Nothing to plot yet.' })]));
    return;
  }
  if (!window.vegaEmbed) { plot.replaceChildren(element('p', { class: 'hint', text: 'This build has no plotting library.' })); return; }
  const unit = rows[0].unit;
  const x = { field: 'time_days', type: 'quantitative', title: 'time after injury [d]' };
  const y = { field: 'value', type: 'quantitative', title: `${quantity} [${unit}]`, scale: { zero: false } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } };
  const layers = [{ mark: { type: 'line', point: rows.length < 200 }, encoding: { x, y, color } }];
  if (rows.some((r) => Number.isFinite(r.low) && Number.isFinite(r.high)))
    layers.unshift({ mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } });
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 260,
    data: { values: rows }, layer: layers };
  plot.replaceChildren();
  await window.vegaEmbed(plot, spec, { actions: false, renderer: 'svg' });
  plot.dataset.drawn = String(Number(plot.dataset.drawn || 0) + 1);
}

/// The scorecard's checks (scorecard.csv of the first selected validation folder) as observed
/// against simulated: each check with an observed number (the reported interval [low, high] or the
/// bound of an at-least / at-most check, at the end of its `observed` text) and a simulated mean,
/// drawn as simulated / observed on a log axis (1 = the observed value: the interval's middle or
/// the bound), one row per check, with the accepted interval as a bar in the same units, coloured
/// by result and shaped by split; the headline counts of scorecard.json above it.
export function scorecardPoints(rows) {
  const number = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
  const interval = new RegExp(String.raw`\[(${number}), (${number})\]$`);
  const atLeast = new RegExp(String.raw`\(≥ (${number})\)$`), atMost = new RegExp(String.raw`\(≤ (${number})\)$`);
  const points = [], skipped = [];
  for (const r of rows) {
    const simulated = r.simulated_mean === '' || r.simulated_mean === undefined ? NaN : Number(r.simulated_mean);
    const observed = String(r.observed || '').trim();
    let low = NaN, high = NaN, reference = NaN, match;
    if ((match = interval.exec(observed))) { low = +match[1]; high = +match[2]; reference = (low + high) / 2; }
    else if ((match = atLeast.exec(observed))) { low = +match[1]; reference = low; }
    else if ((match = atMost.exec(observed))) { high = +match[1]; reference = high; }
    if (!Number.isFinite(simulated) || !Number.isFinite(reference)) continue;  // not both numbers
    const point = { entry: r.entry, readout: r.readout, check: `${r.entry} ${r.readout}`, split: r.split, result: r.result,
      observed, simulated, reference, ratio: simulated / reference,
      low: Number.isFinite(low) ? low / reference : null, high: Number.isFinite(high) ? high / reference : null };
    // A log axis has no room for a zero or negative value or reference.
    (simulated > 0 && reference > 0 ? points : skipped).push(point);
  }
  return { points, skipped };
}

async function drawScorecard(dirs, listings) {
  const box = $('#scorecard-plot'), headline = $('#scorecard-headline');
  const index = dirs.findIndex((d, i) => listings[i].some((f) => f.path === `${d}/scorecard.csv`));
  if (index < 0) {
    box.hidden = true; headline.hidden = true; box.replaceChildren(); delete box.dataset.points; return;
  }
  const dir = dirs[index], files = listings[index];
  const csv = parseCsv(await readCached(files.find((f) => f.path === `${dir}/scorecard.csv`)));
  const json = files.find((f) => f.path === `${dir}/scorecard.json`);
  const read = json ? await readCached(json) : null;
  const card = typeof read === 'string' ? JSON.parse(read) : read;
  const { points, skipped } = scorecardPoints(csv);
  const rate = (p, t) => (t ? `${p}/${t} (${Math.round(100 * p / t)} %)` : '0/0');
  headline.hidden = false;
  headline.textContent = `${dir}: ` + (card && typeof card === 'object'
    ? `TEST entries passed ${rate(card.test_passed, card.test_total)}; fit entries passed ${rate(card.fit_passed, card.fit_total)}; ` +
      `checks passed ${rate(card.passed, card.total)}`
    : `checks passed ${rate(csv.filter((r) => r.result === 'pass').length, csv.length)}`) +
    `. Plotted: ${points.length} check${points.length === 1 ? '' : 's'} with an observed and a simulated number` +
    (skipped.length ? ` (${skipped.length} with a zero or negative value not drawn on the log axis)` : '') +
    ': simulated mean / observed value (1, dashed: the observed value; grey bar: the accepted interval).';
  box.hidden = false;
  box.dataset.points = String(points.length);
  box.dataset.skipped = String(skipped.length);
  if (points.length === 0 || !window.vegaEmbed) { box.replaceChildren(); return; }
  // The domain from the points and bars, a little wider, always with 1 (not rounded to powers of
  // ten: checks within a few percent of the observed value would all sit on one line).
  const values = points.flatMap((p) => [p.ratio, p.low, p.high]).filter((v) => v !== null && v > 0);
  const domain = [Math.min(1, ...values) / 1.15, Math.max(1, ...values) * 1.15];
  const x = { field: 'ratio', type: 'quantitative', scale: { type: 'log', domain, nice: false },
    axis: { format: '~g', tickCount: 6 }, title: 'simulated / observed (log scale)' };
  const y = { field: 'check', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } };
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: { step: 22 },
    data: { values: points },
    layer: [
      { data: { values: [{ ratio: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x } },
      { transform: [{ calculate: 'datum.low === null ? datum.ratio : datum.low', as: 'bar_low' },
        { calculate: 'datum.high === null ? datum.ratio : datum.high', as: 'bar_high' }],
        mark: { type: 'rule', strokeWidth: 3, opacity: 0.35 },
        encoding: { x: { ...x, field: 'bar_low' }, x2: { field: 'bar_high' }, y } },
      { mark: { type: 'point', filled: true, size: 90 },
        encoding: { x, y,
          color: { field: 'result', type: 'nominal', title: 'result', scale: { domain: ['pass', 'fail'], range: ['#1a9850', '#d73027'] } },
          shape: { field: 'split', type: 'nominal', title: 'split', scale: { domain: ['test', 'fit'], range: ['diamond', 'circle'] } },
          tooltip: [{ field: 'entry' }, { field: 'readout' }, { field: 'observed', title: 'observed' },
            { field: 'simulated', type: 'quantitative', format: '.4g', title: 'simulated (mean)' },
            { field: 'ratio', type: 'quantitative', format: '.3f', title: 'simulated / observed' },
            { field: 'split' }, { field: 'result' }] } },
    ] };
  box.replaceChildren();
  await window.vegaEmbed(box, spec, { actions: false, renderer: 'svg' });
  box.dataset.drawn = String(Number(box.dataset.drawn || 0) + 1);
}

/// The last distal cross-section and longitudinal section a 3D run drew (pictures/*.svg).
function showPictures(dir) {
  const pictures = state.files.filter((f) => dir && f.path.startsWith(`${dir}/pictures/`) && f.path.endsWith('.svg')).map((f) => f.path);
  const last = (prefix) => pictures.filter((p) => p.includes(`/${prefix}_`)).sort().pop();
  $('#pictures').replaceChildren(...['cross_section', 'section'].map(last).filter(Boolean).map((p) =>
    element('img', { src: `/workspace/${p.split('/').map(encodeURIComponent).join('/')}`, alt: p, title: p })));
}

function openReport() {
  const dir = [...$('#result-dirs').selectedOptions].map((o) => o.value)[0];
  if (!dir) return;
  const frame = $('#report');
  frame.hidden = false;
  // A run's or study's report.html, the validation's scorecard.html (observed against simulated).
  const page = state.files.some((f) => f.path === `${dir}/scorecard.html`) ? 'scorecard.html' : 'report.html';
  frame.src = `/workspace/${dir.split('/').map(encodeURIComponent).join('/')}/${page}`;
}

// ---------------------------------------------------------------------------------------------
// Parameters

async function searchParameters() {
  const query = $('#parameter-search').value.trim();
  const list = await api(`/api/parameters?q=${encodeURIComponent(query)}`);
  $('#parameters tbody').replaceChildren(...list.slice(0, 300).map((p) => element('tr', {},
    element('td', { text: p.name }), element('td', { text: String(p.default) }), element('td', { text: p.unit }),
    element('td', { text: `${p.plausible[0]} .. ${p.plausible[1]}` }), element('td', { text: p.meaning }),
    element('td', { text: p.source }))));
}

// ---------------------------------------------------------------------------------------------

function viewerControls() {
  return {
    container: $('#viewer'), time: $('#viewer-time'), day: $('#viewer-day'), play: $('#viewer-play'),
    field: $('#viewer-field'), slice: $('#viewer-slice'), axons: $('#viewer-axons'), vessels: $('#viewer-vessels'), save: $('#viewer-save'), colour: $('#viewer-colour'),
    legend: $('#viewer-legend'), status: $('#viewer-status'), api, element, axonsDrawnUpTo: state.info.max_drawn_axon_bytes,
  };
}

function showError(error) {
  // Shown, not thrown: the page stays usable.
  $('#check-status').className = 'bad';
  $('#check-status').textContent = String(error.message || error);
}

async function main() {
  // The token has done its work (the cookie carries it): keep it out of the address bar.
  if (location.search.includes('token=')) history.replaceState(null, '', '/');
  state.info = await api('/api/info');
  $('#version').textContent = `bungner ${state.info.version} (${state.info.commit})`;
  $('#workspace').textContent = state.info.workspace;
  if (state.info.plots) for (const lib of ['vega', 'vega-lite', 'vega-embed']) await loadScript(`/lib/${lib}.js`);
  state.schema = await api('/api/schema');
  state.studySchema = await api('/api/schema?kind=study');
  state.scenarioKeys = keyCatalogue(state.schema);
  state.studyKeys = keyCatalogue(state.studySchema);
  for (const p of await api('/api/parameters')) state.parameters.set(p.name, p);
  $('#toml').addEventListener('input', refreshEditorSoon);
  $('#add-key').addEventListener('input', debounce(showKeyChoices, 150));
  $('#save').addEventListener('click', () => save().then(refreshFiles).catch(showError));
  $('#start').addEventListener('click', () => startEdited().catch(showError));
  $('#calibrate').addEventListener('click', () => save().then(() => start('calibrate', { input: state.path, out: $('#out').value, force: $('#force').checked })).catch(showError));
  $('#validate').addEventListener('click', () => start('validate', { out: 'runs/validation', filter: $('#validate-filter').value.trim() }).catch(showError));
  $('#result-dirs').addEventListener('change', () => showResults([...$('#result-dirs').selectedOptions].map((o) => o.value)).catch(showError));
  $('#quantity').addEventListener('change', () => drawPlot().catch(showError));
  $('#open-report').addEventListener('click', openReport);
  $('#parameter-search').addEventListener('input', debounce(() => searchParameters().catch(showError), 200));
  await searchParameters();
  await refreshJobs();
  document.body.dataset.ready = '1';
}

main().catch(showError);
