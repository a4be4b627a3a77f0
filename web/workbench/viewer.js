// The 3D viewer of the injury site (docs/workbench.md): the ParaView series a run writes with
// [site] model = "3d" (paraview/series.pvd: fields_*.vti, agents_*.vtp, axons_*.vtp), drawn with
// three.js: cells as points coloured by kind or by a state variable, axons as line segments, the
// vessels as boxes, and a slice of any field across the nerve; a time slider, play, and a
// time-lapse saved as PNG frames into the run folder.
let THREE = null;
let view = null;  // the one viewer of the page

// Bytes of an axons file drawn whole (the server's --axon-mb, /api/info); a larger one is asked
// thinned to whole axons, every k-th (/api/axons), at most about this many segments.
const thinnedSegments = 200000;
// The site keeps its vessels as a density field ("vessel", 1 = a normal nerve's), not as vessel
// segments: a voxel at half the normal density or more is drawn as a box, so that the vascular
// tracks growing into the bridge show as objects among the cells.
const vesselThreshold = 0.5;

/// The inline "binary" arrays of the VTK XML files: base64 of a UInt64 byte count (12 characters),
/// then base64 of the little-endian values.
function decodeArray(xml, name) {
  const at = xml.indexOf(`Name="${name}"`);
  if (at < 0) return null;
  const tagStart = xml.lastIndexOf('<DataArray', at);
  const tagEnd = xml.indexOf('>', at);
  const tag = xml.slice(tagStart, tagEnd);
  const type = /type="(\w+)"/.exec(tag)[1];
  const end = xml.indexOf('</DataArray>', tagEnd);
  const data = xml.slice(tagEnd + 1, end).trim().slice(12);
  const raw = atob(data);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; ++i) bytes[i] = raw.charCodeAt(i);
  const buffer = bytes.buffer;
  switch (type) {
    case 'Float64': return new Float64Array(buffer);
    case 'Float32': return new Float32Array(buffer);
    case 'UInt8': return bytes;
    case 'Int64': return Float64Array.from(new BigInt64Array(buffer), Number);
    case 'UInt64': return Float64Array.from(new BigUint64Array(buffer), Number);
    case 'Int32': return new Int32Array(buffer);
    default: throw new Error(`unsupported VTK array type ${type}`);
  }
}

const arrayNames = (xml, section) => {
  const start = xml.indexOf(`<${section}>`);
  const end = xml.indexOf(`</${section}>`);
  if (start < 0 || end < 0) return [];
  return [...xml.slice(start, end).matchAll(/<DataArray[^>]*Name="([^"]+)"/g)].map((m) => m[1]);
};

const palette = ['#e15759', '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f'];

/// A colour ramp from dark blue to yellow (viridis-like) for field values in [0, 1].
function ramp(t) {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

function webglAvailable() {
  const canvas = document.createElement('canvas');
  return !!(canvas.getContext('webgl2') || canvas.getContext('webgl'));
}

async function text(ui, path) { return ui.api(`/api/file?path=${encodeURIComponent(path)}`); }

function setup(ui) {
  const canvas = document.createElement('canvas');
  ui.container.replaceChildren(canvas);
  // preserveDrawingBuffer: the frames of a time-lapse are read back from the canvas.
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x111111);
  const camera = new THREE.PerspectiveCamera(40, 2, 10, 200000);
  // The site turns about its centre: the pivot at the origin, the site moved so that its centre is there.
  const pivot = new THREE.Group();
  const site = new THREE.Group();
  pivot.add(site);
  scene.add(pivot);
  const v = { renderer, scene, camera, pivot, site, canvas, ui, layers: {}, frames: [], index: 0, timer: null, cache: new Map() };
  // Drag to turn the site, wheel to zoom.
  let drag = null;
  canvas.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener('pointerup', () => { drag = null; });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    pivot.rotation.y += (e.clientX - drag.x) * 0.01;
    pivot.rotation.x += (e.clientY - drag.y) * 0.01;
    drag = { x: e.clientX, y: e.clientY };
    render(v);
  });
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); camera.position.multiplyScalar(e.deltaY > 0 ? 1.1 : 0.9); render(v); }, { passive: false });
  return v;
}

function render(v) {
  const { clientWidth: w, clientHeight: h } = v.ui.container;
  if (v.canvas.width !== w || v.canvas.height !== h) {
    v.renderer.setSize(w, h, false);
    v.camera.aspect = w / Math.max(h, 1);
    v.camera.updateProjectionMatrix();
  }
  v.renderer.render(v.scene, v.camera);
}

function replaceLayer(v, name, object) {
  if (v.layers[name]) {
    v.site.remove(v.layers[name]);
    v.layers[name].geometry?.dispose();
    v.layers[name].material?.map?.dispose();
    v.layers[name].material?.dispose();
  }
  v.layers[name] = object;
  if (object) v.site.add(object);
}

async function loadFrame(v, index) {
  const frame = v.frames[index];
  if (v.cache.has(index)) return v.cache.get(index);
  const loaded = { time: frame.time };
  if (frame.agents) {
    const xml = await text(v.ui, frame.agents);
    const names = (/Name="kind_names"[^>]*>([^<]*)</.exec(xml) || [, ''])[1].trim().split(/\s+/).map(Number);
    const kinds = [];
    let current = '';
    for (const c of names) { if (c === 0) { kinds.push(current); current = ''; } else current += String.fromCharCode(c); }
    // The cells' state variables (a kind's own, named kind.variable).
    const states = arrayNames(xml, 'PointData').filter((n) => n.includes('.'));
    loaded.cells = { points: decodeArray(xml, 'Points'), kind: decodeArray(xml, 'kind'), kinds, xml, states };
  }
  if (frame.axons && frame.axonsBytes <= v.ui.axonsDrawnUpTo) {
    const xml = await text(v.ui, frame.axons);
    loaded.axons = { points: decodeArray(xml, 'Points'), connectivity: decodeArray(xml, 'connectivity'), offsets: decodeArray(xml, 'offsets') };
  } else if (frame.axons) {
    const response = await fetch(`/api/axons?path=${encodeURIComponent(frame.axons)}&max_segments=${thinnedSegments}`, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${frame.axons}: ${(await response.json()).error}`);
    const kept = Object.fromEntries((response.headers.get('X-Bungner-Axons') || '').split(' ').map((p) => p.split('=')).map(([k, n]) => [k, Number(n)]));
    loaded.axons = { segments: new Float32Array(await response.arrayBuffer()) };
    loaded.axonsNote = `axons: ${(frame.axonsBytes / 1048576).toFixed(1)} MB, drawn thinned: ${kept.kept_axons} of ${kept.axons} axons ` +
      `(every ${kept.stride === 1 ? '' : `${kept.stride}th `}axon), ${kept.kept} of ${kept.segments} segments; all of them in ParaView`;
  }
  if (frame.fields) {
    const xml = await text(v.ui, frame.fields);
    const numbers = (attribute) => (new RegExp(`${attribute}="([^"]+)"`).exec(xml)[1]).trim().split(/\s+/).map(Number);
    const extent = numbers('WholeExtent');
    loaded.fields = { xml, names: arrayNames(xml, 'CellData'), origin: numbers('Origin'), spacing: numbers('Spacing'),
      cells: [extent[1] - extent[0], extent[3] - extent[2], extent[5] - extent[4]] };
  }
  v.cache.clear();  // one frame at a time: the files are large
  v.cache.set(index, loaded);
  return loaded;
}

/// Cells coloured by kind, or by one state variable (the cells of other kinds grey).
function drawCells(v, cells) {
  if (!cells) return replaceLayer(v, 'cells', null);
  const n = cells.kind.length;
  const positions = Float32Array.from(cells.points);
  const colors = new Float32Array(n * 3);
  const color = new THREE.Color();
  const stateName = v.ui.colour.value;
  const values = stateName && cells.states.includes(stateName) ? decodeArray(cells.xml, stateName) : null;
  // "schwann.cjun" belongs to the kind schwann; the file holds 0 for the cells of other kinds.
  const owner = values ? cells.kinds.indexOf(stateName.slice(0, stateName.indexOf('.'))) : -1;
  const owns = (i) => cells.kind[i] === owner && Number.isFinite(values[i]);
  let low = Infinity, high = -Infinity;
  if (values) for (let i = 0; i < n; ++i) if (owns(i)) { low = Math.min(low, values[i]); high = Math.max(high, values[i]); }
  for (let i = 0; i < n; ++i) {
    if (!values) {
      color.set(palette[cells.kind[i] % palette.length]);
    } else if (owns(i)) {
      const [r, g, b] = ramp(high > low ? (values[i] - low) / (high - low) : 1);
      color.setRGB(r / 255, g / 255, b / 255);
    } else {
      color.setRGB(0.3, 0.3, 0.3);
    }
    colors.set([color.r, color.g, color.b], i * 3);
  }
  if (values) {
    v.ui.legend.replaceChildren(v.ui.element('span', { text: low <= high
      ? `${stateName}: ${low.toPrecision(3)} (dark) .. ${high.toPrecision(3)} (yellow); other kinds grey`
      : `${stateName}: no ${cells.kinds[owner] ?? 'such'} cells at this time` }));
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
  replaceLayer(v, 'cells', new THREE.Points(geometry, new THREE.PointsMaterial({ size: 3, vertexColors: true, sizeAttenuation: false })));
  if (!values) v.ui.legend.replaceChildren(...cells.kinds.map((name, i) => {
    const swatch = v.ui.element('i');
    swatch.style.background = palette[i % palette.length];
    return v.ui.element('span', {}, swatch, name);
  }));
}

function drawAxons(v, axons) {
  if (!axons || !v.ui.axons.checked) return replaceLayer(v, 'axons', null);
  const geometry = new THREE.BufferGeometry();
  if (axons.segments) {
    // Thinned by the server: each segment's two end points in turn.
    geometry.setAttribute('position', new THREE.BufferAttribute(axons.segments, 3));
  } else {
    geometry.setAttribute('position', new THREE.BufferAttribute(Float32Array.from(axons.points), 3));
    // One line cell per segment: the connectivity is the segments' point pairs.
    geometry.setIndex(new THREE.BufferAttribute(Uint32Array.from(axons.connectivity), 1));
  }
  replaceLayer(v, 'axons', new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: 0xdddddd, transparent: true, opacity: 0.5 })));
}

/// The voxels whose vessel density is at least vesselThreshold, as red boxes (more opaque where
/// denser), one instanced mesh.
function drawVessels(v, fields) {
  const values = fields && v.ui.vessels.checked && fields.names.includes('vessel') ? decodeArray(fields.xml, 'vessel') : null;
  if (!values) {
    v.ui.container.dataset.vessels = '0';
    return replaceLayer(v, 'vessels', null);
  }
  const [nx, ny] = fields.cells;
  const [sx, sy, sz] = fields.spacing;
  const [ox, oy, oz] = fields.origin;
  const dense = [];
  for (let c = 0; c < values.length; ++c) if (values[c] >= vesselThreshold) dense.push(c);
  const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(sx * 0.7, sy * 0.7, sz * 0.7),
    new THREE.MeshBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.35, depthWrite: false }), Math.max(dense.length, 1));
  const matrix = new THREE.Matrix4();
  const color = new THREE.Color();
  dense.forEach((c, n) => {
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    matrix.makeTranslation(ox + (i + 0.5) * sx, oy + (j + 0.5) * sy, oz + (k + 0.5) * sz);
    mesh.setMatrixAt(n, matrix);
    const shade = Math.min(values[c], 1.5) / 1.5;
    mesh.setColorAt(n, color.setRGB(0.55 + 0.45 * shade, 0.08, 0.12));
  });
  mesh.count = dense.length;
  replaceLayer(v, 'vessels', mesh);
  v.ui.container.dataset.vessels = String(dense.length);
}

/// A slice across the nerve (constant z) of the chosen field, as a textured plane.
function drawSlice(v, fields) {
  if (!fields || !v.ui.field.value) return replaceLayer(v, 'slice', null);
  const values = decodeArray(fields.xml, v.ui.field.value);
  const [nx, ny, nz] = fields.cells;
  const k = Math.min(Number(v.ui.slice.value), nz - 1);
  let max = 0;
  for (let j = 0; j < ny; ++j) for (let i = 0; i < nx; ++i) max = Math.max(max, values[i + nx * (j + ny * k)]);
  const pixels = new Uint8Array(nx * ny * 4);
  for (let j = 0; j < ny; ++j) {
    for (let i = 0; i < nx; ++i) {
      const value = values[i + nx * (j + ny * k)];
      const [r, g, b] = ramp(max > 0 ? value / max : 0);
      pixels.set([r, g, b, 200], 4 * (i + nx * j));
    }
  }
  const texture = new THREE.DataTexture(pixels, nx, ny, THREE.RGBAFormat);
  texture.needsUpdate = true;
  const [sx, sy, sz] = fields.spacing;
  const [ox, oy, oz] = fields.origin;
  const plane = new THREE.Mesh(new THREE.PlaneGeometry(nx * sx, ny * sy),
    new THREE.MeshBasicMaterial({ map: texture, transparent: true, side: THREE.DoubleSide, depthWrite: false }));
  plane.position.set(ox + nx * sx / 2, oy + ny * sy / 2, oz + (k + 0.5) * sz);
  replaceLayer(v, 'slice', plane);
  v.ui.status.textContent = `${v.ui.field.value}: slice ${k + 1} of ${nz}, largest value ${max.toPrecision(3)}`;
}

async function showFrame(v, index) {
  v.index = index;
  v.ui.time.value = String(index);
  const frame = await loadFrame(v, index);
  v.ui.day.textContent = `day ${frame.time}`;
  if (frame.fields) {
    const chosen = v.ui.field.value;
    if (v.ui.field.options.length !== frame.fields.names.length) {
      v.ui.field.replaceChildren(...frame.fields.names.map((n) => v.ui.element('option', { value: n, text: n })));
      v.ui.field.value = frame.fields.names.includes(chosen) ? chosen : frame.fields.names[0];
    }
    v.ui.slice.max = String(frame.fields.cells[2] - 1);
  }
  if (frame.cells && v.ui.colour.options.length !== frame.cells.states.length + 1) {
    const chosen = v.ui.colour.value;
    v.ui.colour.replaceChildren(v.ui.element('option', { value: '', text: 'kind' }),
      ...frame.cells.states.map((n) => v.ui.element('option', { value: n, text: n })));
    v.ui.colour.value = frame.cells.states.includes(chosen) ? chosen : '';
  }
  drawCells(v, frame.cells);
  drawAxons(v, frame.axons);
  drawVessels(v, frame.fields);
  drawSlice(v, frame.fields);
  if (frame.axonsNote) v.ui.status.textContent += `; ${frame.axonsNote}`;
  render(v);
  v.ui.container.dataset.axons = frame.axons ? (frame.axons.segments ? 'thinned' : 'whole') : 'none';
  v.ui.container.dataset.frame = String(index);
  v.ui.container.dataset.day = String(frame.time);
}

/// Renders every time of the series and saves the frames as DIR/timelapse/frame_NNNN.png.
async function saveTimeLapse(v) {
  for (let i = 0; i < v.frames.length; ++i) {
    await showFrame(v, i);
    const png = await new Promise((resolve) => v.canvas.toBlob(resolve, 'image/png'));
    await v.ui.api(`/api/timelapse?dir=${encodeURIComponent(v.dir)}&frame=${i}`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
  }
  v.ui.status.textContent = `time-lapse saved: ${v.dir}/timelapse/frame_0000.png .. frame_${String(v.frames.length - 1).padStart(4, '0')}.png`;
}

/// Opens the series of output folder `dir`; at its newest time with `latest` (a run still writing
/// it: the time just written), else at its first.
export async function openViewer(dir, ui, { latest = false } = {}) {
  if (!THREE) THREE = await import('/lib/three.module.js');
  if (!webglAvailable()) {
    ui.container.replaceChildren(ui.element('p', { class: 'hint', text: 'This browser has no WebGL: the 3D viewer cannot draw.' }));
    return;
  }
  if (!view) {
    view = setup(ui);
    ui.time.addEventListener('input', () => showFrame(view, Number(ui.time.value)).catch(report));
    ui.field.addEventListener('change', () => showFrame(view, view.index).catch(report));
    ui.slice.addEventListener('input', () => showFrame(view, view.index).catch(report));
    ui.axons.addEventListener('change', () => showFrame(view, view.index).catch(report));
    ui.vessels.addEventListener('change', () => showFrame(view, view.index).catch(report));
    ui.colour.addEventListener('change', () => showFrame(view, view.index).catch(report));
    ui.play.addEventListener('click', () => {
      if (view.timer) { clearInterval(view.timer); view.timer = null; ui.play.textContent = 'Play'; return; }
      ui.play.textContent = 'Pause';
      view.timer = setInterval(() => showFrame(view, (view.index + 1) % view.frames.length).catch(report), 900);
    });
    ui.save.addEventListener('click', () => saveTimeLapse(view).catch(report));
  }
  const report = (error) => { ui.status.textContent = String(error.message || error); };
  // A later call (a run writing its next snapshot) supersedes this one wherever it waits.
  view.generation = (view.generation || 0) + 1;
  const generation = view.generation;
  delete ui.container.dataset.frames;  // until this series is shown
  const pvd = await text(ui, `${dir}/paraview/series.pvd`);
  const sizes = new Map((await ui.api(`/api/files?dir=${encodeURIComponent(`${dir}/paraview`)}&depth=1`)).map((f) => [f.path, f.size]));
  const byTime = new Map();
  for (const m of pvd.matchAll(/<DataSet timestep="([^"]+)"[^>]*part="(\d+)" file="([^"]+)"/g)) {
    const time = Number(m[1]);
    const file = `${dir}/paraview/${m[3]}`;
    const frame = byTime.get(time) || { time };
    const kind = m[3].split('_')[0];
    frame[kind] = file;
    if (kind === 'axons') frame.axonsBytes = sizes.get(file) || 0;
    byTime.set(time, frame);
  }
  if (generation !== view.generation) return;
  view.dir = dir;
  view.frames = [...byTime.values()].sort((a, b) => a.time - b.time);
  view.cache.clear();
  ui.time.max = String(Math.max(0, view.frames.length - 1));
  const first = await loadFrame(view, 0);
  if (generation !== view.generation) return;
  // Centred on the field grid (else on the cells), seen obliquely from the side of the nerve.
  const box = new THREE.Box3();
  if (first.fields) {
    const { origin, spacing, cells } = first.fields;
    box.set(new THREE.Vector3(...origin), new THREE.Vector3(...origin.map((o, i) => o + cells[i] * spacing[i])));
    ui.slice.max = String(cells[2] - 1);
    ui.slice.value = String(Math.floor(cells[2] / 2));
  } else if (first.cells) {
    box.setFromArray(first.cells.points);
  }
  const center = box.getCenter(new THREE.Vector3());
  const size = Math.max(1, box.getSize(new THREE.Vector3()).length());
  view.site.position.copy(center).negate();
  view.pivot.rotation.set(-0.5, 0, 0);
  view.camera.position.set(0, 0, size * 1.4);
  view.camera.lookAt(0, 0, 0);
  await showFrame(view, latest ? view.frames.length - 1 : 0);
  ui.container.dataset.frames = String(view.frames.length);
}
