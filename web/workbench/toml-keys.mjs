// Adding a key to a scenario or study from its schema (docs/workbench.md): the keys the JSON Schema
// knows, each with a first value to edit, and the insertion of `key = value` into the right table
// of the TOML text. No DOM here: the page imports it, and web/workbench-keys-test.mjs tests it
// with node alone.

/// The default a schema description states: "(default: 0 mm)" or "[pg/d] (default 0.0004; ...)".
function statedDefault(description) {
  const match = /\(default:? ([^;)]+)[;)]/.exec(description || '');
  return match ? match[1].trim() : null;
}

/// The unit a schema description gives in brackets ("... [mm] (default ...").
function statedUnit(description) {
  const match = /\[([^\]]+)\](?: \(default|;|$)/.exec(description || '');
  return match ? match[1] : null;
}

const isQuantity = (node) => node.type === 'string' && typeof node.pattern === 'string' && node.pattern.includes('\\d');

/// A first value for a key, as TOML: its stated default where there is one, else a value of the
/// right kind that the check then asks the user to change.
export function starterValue(node) {
  const fallback = statedDefault(node.description);
  if (Array.isArray(node.enum)) {
    const named = fallback && node.enum.find((v) => String(v) === fallback);
    return JSON.stringify(named !== undefined && named !== null ? named : node.enum[0]);
  }
  if (node.type === 'boolean') return fallback === 'true' ? 'true' : 'false';
  if (node.type === 'array') return '[]';
  if (node.type === 'number' || node.type === 'integer') {
    const number = Number.parseFloat(fallback);
    if (Number.isFinite(number)) return String(number);
    return String(Number.isFinite(node.minimum) ? node.minimum : 0);
  }
  if (isQuantity(node)) {
    const unit = statedUnit(node.description);
    // "(default: 0 mm)" carries its unit; "(default 0.0004; ...)" takes the bracketed one.
    if (fallback && /^[-+]?[\d.]+(e[-+]?\d+)?\s+\S/i.test(fallback)) return JSON.stringify(fallback);
    const number = Number.parseFloat(fallback);
    const value = Number.isFinite(number) ? number : 0;
    return JSON.stringify(unit && unit !== '1' ? `${value} ${unit}` : `${value}`);
  }
  return JSON.stringify(fallback && node.type === 'string' && !/^(none|empty)/.test(fallback) ? fallback : '');
}

/// Every key a file of this schema may hold that is a plain value (not an array of tables such as
/// [[therapies]] or [[arms]], nor a table of free names such as [targets]): table path, name,
/// dotted key as the outline writes it, description and a starter value.
export function keyCatalogue(schema) {
  const out = [];
  const walk = (node, table) => {
    for (const [name, child] of Object.entries(node.properties || {})) {
      const key = [...table, name].join('.');
      if (child.type === 'object' && child.properties) walk(child, [...table, name]);
      else if (child.type === 'object' || (child.type === 'array' && child.items && (child.items.oneOf || child.items.type === 'object'))) continue;
      else out.push({ table, name, key, description: child.description || '', value: starterValue(child) });
    }
  };
  walk(schema || {}, []);
  return out;
}

/// The keys of `catalogue` matching every word of `query` (in the key or its description), those
/// already in the text (`present`, dotted keys) left out.
export function searchKeys(catalogue, query, present, limit = 40) {
  const words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
  return catalogue.filter((k) => !present.has(k.key) &&
    words.every((w) => k.key.toLowerCase().includes(w) || k.description.toLowerCase().includes(w))).slice(0, limit);
}

const bareKey = /^[A-Za-z0-9_-]+$/;
const keyText = (name) => (bareKey.test(name) ? name : JSON.stringify(name));

/// The table path of a `[a.b]` header line, or null for any other line ([[a]] included).
function headerOf(line) {
  const match = /^\s*\[(?!\[)\s*([^\]]*?)\s*\](?!\])\s*(#.*)?$/.exec(line);
  if (!match) return null;
  const parts = [];
  for (const raw of match[1].match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^.]+/g) || []) {
    const part = raw.trim();
    parts.push(part.startsWith('"') ? JSON.parse(part) : part.startsWith("'") ? part.slice(1, -1) : part);
  }
  return parts;
}
const isHeader = (line) => /^\s*\[/.test(line);
const isBlankOrComment = (line) => /^\s*(#.*)?$/.test(line);
const sameTable = (a, b) => a.length === b.length && a.every((part, i) => part === b[i]);

/// `text` with `name = value` added to table `table` (an array of names; [] is the top level):
/// after the table's last key, or, where the text has no such table, in a new one at the end. A
/// top-level key goes before the first table (and the comments just above it).
export function insertKey(text, table, name, value) {
  const lines = text.split('\n');
  const entry = `${keyText(name)} = ${value}`;
  if (table.length === 0) {
    let at = lines.findIndex(isHeader);
    if (at < 0) at = lines.length;
    while (at > 0 && isBlankOrComment(lines[at - 1]) && lines.slice(0, at - 1).some((l) => !isBlankOrComment(l))) --at;
    // Keep a last line that ends the text (a final newline splits into an empty last line).
    if (at === lines.length && lines[at - 1] === '') --at;
    lines.splice(at, 0, entry);
    return lines.join('\n');
  }
  const header = lines.findIndex((line) => {
    const parts = headerOf(line);
    return parts !== null && sameTable(parts, table);
  });
  if (header >= 0) {
    let end = header + 1;
    while (end < lines.length && !isHeader(lines[end])) ++end;
    let last = end;
    while (last > header + 1 && isBlankOrComment(lines[last - 1])) --last;
    lines.splice(last, 0, entry);
    return lines.join('\n');
  }
  const body = text.replace(/\n*$/, '');
  return `${body}${body ? '\n\n' : ''}[${table.map(keyText).join('.')}]\n${entry}\n`;
}
