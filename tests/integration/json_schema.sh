#!/usr/bin/env bash
# `bungner schema --json` (issue 24): a valid JSON Schema (draft 2020-12) that accepts every
# scenario of the repository (read with Python's TOML reader) and rejects what `bungner check`
# rejects for the same reason: an unknown key (with a therapy's keys told apart by its type), a
# name outside a choice, a parameter that does not exist, a quantity without its number.
. "$(dirname "$0")/common.sh" "$@"
python3 -c "import jsonschema" 2>/dev/null || fail "python3-jsonschema is missing (scripts/install-deps installs it)"
"$BUNGNER" schema --json >"$WORK/schema.json" || fail "schema --json failed"
python3 - "$WORK/schema.json" "$SRC" "$BUNGNER" <<'PY' || fail "the JSON Schema disagrees with the scenarios"
import json, pathlib, subprocess, sys, tomllib
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
src = pathlib.Path(sys.argv[2])
files = sorted(src.glob("scenarios/*.toml")) + sorted(src.glob("scenarios/examples/*.toml")) + sorted(src.glob("models/*/*/golden/*.toml"))
assert len(files) >= 10, files
for f in files:
    errors = [e.message for e in validator.iter_errors(tomllib.loads(f.read_text()))]
    assert not errors, (str(f), errors[:3])
base = tomllib.loads((src / "scenarios/rat-sciatic-crush.toml").read_text())
def rejects(change, why):
    doc = json.loads(json.dumps(base))
    change(doc)
    assert list(validator.iter_errors(doc)), why
rejects(lambda d: d["injury"].update(tipe="crush"), "an unknown key")
rejects(lambda d: d.update(species="cat"), "a species outside the choice")
rejects(lambda d: d.setdefault("parameters", {}).update({"neuron_survival.death_time_constnt": "10 d"}), "an unknown parameter")
rejects(lambda d: d.setdefault("parameters", {}).update({"neuron_survival.death_time_constant": "d"}), "a quantity without a number")
rejects(lambda d: d.setdefault("therapies", []).append({"type": "acetyl_l_carnitine", "dose": "5 mg/kg/day", "laser_power": "1 W"}),
        "a key of another therapy")
rejects(lambda d: d.setdefault("therapies", []).append({"dose": "5 mg/kg/day"}), "a therapy without a type")
ok = json.loads(json.dumps(base))
ok.setdefault("therapies", []).append({"type": "acetyl_l_carnitine", "dose": "5 mg/kg/day"})
assert not list(validator.iter_errors(ok)), list(validator.iter_errors(ok))[:2]
PY
echo "json_schema: ok"
