#!/usr/bin/env bash
# `bungner export DIR --omex` (issue 24): the COMBINE archive of a run and of a study opens as a
# zip, its manifest lists every file once with a format (and nothing else), the resolved
# scenario is the master file and is itself a valid scenario, the metadata is RDF/XML with the
# creator, the same directory gives the same bytes, and a folder that is no run exits 2 leaving
# no archive.
. "$(dirname "$0")/common.sh" "$@"
"$BUNGNER" -q run "$SCENARIO" --out "$WORK/run" >/dev/null 2>&1 || fail "run failed"
"$BUNGNER" -q export "$WORK/run" --omex || fail "export of a run failed"
[[ -f $WORK/run.omex ]] || fail "no run.omex next to the run"
"$BUNGNER" -q export "$WORK/run" --out "$WORK/again.omex" || fail "second export failed"
cmp -s "$WORK/run.omex" "$WORK/again.omex" || fail "two exports of one run differ"
"$BUNGNER" -q study "$SRC/scenarios/studies/alcar-dose-response.toml" --out "$WORK/study" --threads 2 >/dev/null ||
  fail "study failed"
"$BUNGNER" -q export "$WORK/study" --out "$WORK/study.omex" || fail "export of a study failed"
python3 - "$WORK" <<'PY' || fail "the archives are not valid COMBINE archives"
import sys, tomllib, zipfile, xml.etree.ElementTree as ET
work = sys.argv[1]
NS = "{http://identifiers.org/combine.specifications/omex-manifest}"
for name, expected in (("run.omex", {"outputs/readouts.csv", "outputs/run.json", "inputs/rat-sciatic-crush.toml"}),
                       ("study.omex", {"outputs/summary.csv", "outputs/study.json", "inputs/alcar-dose-response.toml"})):
    z = zipfile.ZipFile(f"{work}/{name}")
    assert z.testzip() is None, name
    names = z.namelist()
    assert len(names) == len(set(names)), names
    assert expected <= set(names), (name, names)
    assert not any(n.startswith("outputs/subjects/") for n in names), names
    manifest = ET.fromstring(z.read("manifest.xml"))
    assert manifest.tag == NS + "omexManifest", manifest.tag
    entries = [(c.get("location"), c.get("format"), c.get("master")) for c in manifest.findall(NS + "content")]
    listed = [loc[2:] for loc, _, _ in entries if loc != "."]
    assert sorted(listed) == sorted(names), (name, sorted(set(listed) ^ set(names)))
    assert all(fmt and fmt.startswith("http") for _, fmt, _ in entries), entries
    assert dict((loc, fmt) for loc, fmt, _ in entries)["./outputs/summary.csv" if "study" in name else "./outputs/readouts.csv"] \
        == "http://purl.org/NET/mediatypes/text/csv"
    assert [loc for loc, _, master in entries if master == "true"] == ["./scenario.toml"], entries
    scenario = tomllib.loads(z.read("scenario.toml").decode())
    assert scenario["species"] == "rat", scenario.get("species")
    open(f"{work}/{name}.scenario.toml", "wb").write(z.read("scenario.toml"))
    rdf = ET.fromstring(z.read("metadata.rdf"))
    creator = rdf.find(".//{http://purl.org/dc/terms/}creator")
    assert creator is not None and creator.text.startswith("bungner"), ET.tostring(rdf)
PY
for a in run study; do
  "$BUNGNER" -q check "$WORK/$a.omex.scenario.toml" >/dev/null 2>&1 || fail "the $a archive's scenario.toml is not a valid scenario"
done
mkdir -p "$WORK/empty"
expect_exit 2 "$WORK/empty.err" "$BUNGNER" -q export "$WORK/empty" --out "$WORK/empty.omex"
grep -q "neither a finished run" "$WORK/empty.err" || fail "no explanation: $(cat "$WORK/empty.err")"
[[ ! -e $WORK/empty.omex ]] || fail "an archive was written for a folder that is no run"
echo "omex_export: ok"
