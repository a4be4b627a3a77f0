// The workbench's "add a key" logic (web/workbench/toml-keys.mjs) with node alone: the keys the
// scenario schema offers with a first value, and where `key = value` lands in a TOML text.
//
// usage: node workbench-keys-test.mjs [SCHEMA.json]   (default: docs/scenario.schema.json)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertKey, keyCatalogue, searchKeys } from './workbench/toml-keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(process.argv[2] || join(here, '..', 'docs', 'scenario.schema.json'), 'utf8'));
const catalogue = keyCatalogue(schema);
const find = (key) => catalogue.find((k) => k.key === key);

// The catalogue: plain values with their stated default and unit; no array of tables, no free table.
assert.deepEqual(find('injury.gap_length').table, ['injury']);
assert.equal(find('injury.gap_length').value, '"0 mm"');
assert.equal(find('repair.timing').value, '"0 d"');
assert.equal(find('seed').value, '1');
assert.match(find('injury.type').value, /^"(conduction_block|crush|stretch|transection)"$/);
assert.equal(find('repair.conduit.material').value, '"silicone"');
assert.deepEqual(find('repair.conduit.material').table, ['repair', 'conduit']);
const speed = find('parameters.axon_regeneration.speed');
assert.ok(speed, 'parameters are offered');
assert.deepEqual(speed.table, ['parameters']);
assert.equal(speed.name, 'axon_regeneration.speed');
assert.equal(speed.value, '"3 mm/day"');
assert.match(speed.description, /mm\/day.*default 3/);
assert.ok(!catalogue.some((k) => k.key.startsWith('therapies') || k.key.startsWith('targets')), 'arrays of tables and free tables are left out');

// Search: every word in the key or its meaning; keys in the text left out.
const found = searchKeys(catalogue, 'gap length', new Set());
assert.ok(found.some((k) => k.key === 'injury.gap_length'), 'found by words of the key');
assert.ok(searchKeys(catalogue, 'missing after a transection', new Set()).some((k) => k.key === 'injury.gap_length'), 'found by its meaning');
assert.ok(!searchKeys(catalogue, 'gap_length', new Set(['injury.gap_length'])).some((k) => k.key === 'injury.gap_length'), 'a key in the text is not offered');

// Insertion: into its table, after the table's last key and before the next table.
const scenario = [
  '# A crush',
  'species = "rat"',
  'nerve = "sciatic"',
  '',
  '# what happens',
  '[injury]',
  'type = "crush"',
  '',
  '[repair]',
  'type = "none"',
  '',
  '[[therapies]]',
  'type = "acetyl_l_carnitine"',
  'dose = "50 mg/kg/day"',
  '',
].join('\n');
assert.equal(insertKey(scenario, ['injury'], 'gap_length', '"0 mm"'),
  scenario.replace('type = "crush"\n', 'type = "crush"\ngap_length = "0 mm"\n'));
// A top-level key: after the last top-level key, not inside a table, not between a comment and its table.
assert.equal(insertKey(scenario, [], 'seed', '7'), scenario.replace('nerve = "sciatic"\n', 'nerve = "sciatic"\nseed = 7\n'));
// A table the text does not have: a new one at the end, after the array of tables.
const added = insertKey(scenario, ['parameters'], 'axon_regeneration.speed', '"3 mm/day"');
assert.equal(added, `${scenario.trimEnd()}\n\n[parameters]\n"axon_regeneration.speed" = "3 mm/day"\n`);
// ... and the next parameter goes into that table, with its quoted key.
assert.equal(insertKey(added, ['parameters'], 'schwann_support.decline_time_constant', '"80 d"'),
  added.replace('"3 mm/day"\n', '"3 mm/day"\n"schwann_support.decline_time_constant" = "80 d"\n'));
// [repair.conduit] is not [repair]; a header with a comment and spaces is still its table.
const nested = 'species = "rat"\n[repair]\ntype = "conduit"\n[ repair.conduit ]  # the tube\nmaterial = "pcl"\n';
assert.equal(insertKey(nested, ['repair', 'conduit'], 'length', '"12 mm"'), nested.replace('"pcl"\n', '"pcl"\nlength = "12 mm"\n'));
assert.equal(insertKey(nested, ['repair'], 'timing', '"1 d"'), nested.replace('"conduit"\n', '"conduit"\ntiming = "1 d"\n'));
// A text of top-level keys only, and an empty text.
assert.equal(insertKey('title = "t"\n', [], 'seed', '1'), 'title = "t"\nseed = 1\n');
assert.equal(insertKey('', ['injury'], 'type', '"crush"'), '[injury]\ntype = "crush"\n');
console.log(`workbench keys: ok (${catalogue.length} keys in the catalogue)`);
