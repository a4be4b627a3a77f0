#!/usr/bin/env bash
# `bungner report` (and run/study, which call it): one self-contained HTML file whose plots,
# tables and significance marks match the outputs they were made from; names are escaped; a
# directory holding neither a run nor a study is refused with exit code 2.
. "$(dirname "$0")/common.sh" "$@"
# The ALCAR study on a copy of its base scenario that earns one warning (a walking-track constant
# outside its plausible range; the study reads no walking track), for the report's warning list.
mkdir -p "$WORK/scenarios/studies" "$WORK/scenarios/examples"
cp "$SRC/scenarios/studies/alcar-dose-response.toml" "$WORK/scenarios/studies/"
{ cat "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml"; printf '\n[parameters]\n"walking_track.toe_spread_factor_peroneal" = 0.95\n'; } \
  >"$WORK/scenarios/examples/rat-sciatic-transection-unrepaired.toml"
STUDY="$WORK/scenarios/studies/alcar-dose-response.toml"

out=$("$BUNGNER" run "$SCENARIO" --out "$WORK/run" --set 'title=Crush </script><b>"bold"</b> & co' \
  --set 'parameters.axon_regeneration.speed=9 mm/day' 2>/dev/null) ||
  fail "run failed"
grep -qx "report: $WORK/run/report.html" <<<"$out" || fail "run did not print the report path: $out"
cp "$WORK/run/report.html" "$WORK/first.html"
"$BUNGNER" -q report "$WORK/run" || fail "bungner report failed"
cmp -s "$WORK/run/report.html" "$WORK/first.html" || fail "the report of the same run differs when written again"

"$BUNGNER" -q study "$STUDY" --out "$WORK/study" || fail "study failed"
[[ -f $WORK/study/report.html ]] || fail "study wrote no report.html"

python3 - "$WORK/run" "$WORK/study" <<'PY' || fail "report content"
import csv, html, json, re, sys
run_dir, study_dir = sys.argv[1], sys.argv[2]

def specs(path):
    text = open(path, encoding="utf-8").read()
    found = re.findall(r'<script type="application/json" id="spec-(\d+)">(.*?)</script>', text, re.S)
    assert [int(i) for i, _ in found] == list(range(len(found))), "spec ids out of order"
    assert text.count('<div class="plot"') == len(found), "a plot without its specification"
    return text, [json.loads(body) for _, body in found]

# Offline: the libraries are inlined, nothing is loaded from elsewhere.
for d in (run_dir, study_dir):
    text, _ = specs(f"{d}/report.html")
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1</script>", text, flags=re.S)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", markup), "the report loads an external resource"
    assert "vegaEmbed" in text and "vega-lite" in text.lower(), "libraries not inlined"

# Run: one plot per family ("muscle_mass_ratio.*") or unit of the other variables, holding every
# time-series row; one table row per readout; the hostile title escaped everywhere.
text, plots = specs(f"{run_dir}/report.html")
rows = list(csv.DictReader(open(f"{run_dir}/timeseries.csv")))
groups = {(r["variable"].split(".")[0], r["unit"]) if "." in r["variable"] else ("", r["unit"]) for r in rows}
assert len(plots) == len(groups) >= 8, (len(plots), len(groups))
assert sum(len(p["data"]["values"]) for p in plots) == len(rows), "time-series rows missing from the plots"
family = next(p for p in plots if p["title"] == "muscle mass ratio")
assert {v["series"] for v in family["data"]["values"]} == {"gastrocnemius", "tibialis anterior"}
readouts = {r["readout"] for r in csv.DictReader(open(f"{run_dir}/readouts.csv"))}
table = text[text.index("<h2>Readouts</h2>"):text.index("<h2>Provenance</h2>")]
assert table.count("<tr>") == len(readouts) + 1, (table.count("<tr>"), len(readouts))
assert "A rat sciatic nerve, crush injury. No surgical repair. No therapy. 1650 motor and 5990 sensory" in text
warnings = text[text.index("<h2>Warnings</h2>"):text.index("<h2>Time courses</h2>")]
assert "axon_regeneration.speed" in warnings and "outside the plausible range 0.5 to 6 mm/day" in warnings, warnings
assert "</script><b>" not in text and "Crush &lt;/script&gt;&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co" in text

# Study: one plot per readout; a star mark exactly where the Holm-adjusted p against the first
# arm is below 0.05, with the right number of stars.
text, plots = specs(f"{study_dir}/report.html")
summary = json.load(open(f"{study_dir}/summary.json"))
control = summary["arms"][0]["name"]
assert len(plots) == len({s["readout"] for s in summary["summary"]}) == 3
expected = {}
for c in summary["comparisons"]:
    if c["arm_a"] == control and isinstance(c["holm_p"], float) and c["holm_p"] < 0.05:
        p = c["holm_p"]
        expected[(c["readout"], c["time_days"], c["arm_b"])] = "***" if p < 0.001 else "**" if p < 0.01 else "*"
marked = {(p["title"].replace(" ", "_"), v["time_days"], v["arm"]): v["significance"]
          for p in plots for v in p["data"]["values"] if v["significance"]}
assert marked == expected and len(expected) >= 6, (marked, expected)
design = text[text.index("<h2>Design</h2>"):text.index("<h2>Arms compared</h2>")]
assert design.count("<tr>") == 1 + 3 and "dose = &#39;50 mg/kg/day&#39;" in design, design
# The base scenario's warnings are listed (here a constant outside its plausible range).
warnings = text[text.index("<h2>Warnings</h2>"):text.index("<h2>Provenance</h2>")]
assert "warning of the base scenario" in warnings and "walking_track.toe_spread_factor_peroneal" in warnings, warnings
assert len(json.load(open(f"{study_dir}/study.json"))["base_scenario_warnings"]) == warnings.count("<tr>") - 1, warnings
points = sum(len(p["data"]["values"]) for p in plots)
assert points == len(summary["summary"]), (points, len(summary["summary"]))
print(f"report content: {len(expected)} significance marks as expected")
PY

# Pictures a run wrote (io::write_pictures) are inlined in name order, as data URLs.
mkdir -p "$WORK/run/pictures"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle r="2"/></svg>\n' >"$WORK/run/pictures/section_000001.svg"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="2" height="2"/></svg>\n' >"$WORK/run/pictures/cross_section_000001.svg"
"$BUNGNER" -q report "$WORK/run" || fail "bungner report with pictures failed"
python3 - "$WORK/run" <<'PY' || fail "pictures in the report"
import base64, re, sys
text = open(f"{sys.argv[1]}/report.html", encoding="utf-8").read()
found = re.findall(r'<img class="picture" alt="([^"]+)" src="data:image/svg\+xml;base64,([^"]+)">', text)
assert [name for name, _ in found] == ["cross_section_000001.svg", "section_000001.svg"], found
assert b"<circle r=\"2\"/>" in base64.b64decode(found[1][1]), found
PY
"$BUNGNER" -q run "$SCENARIO" --out "$WORK/run" --force || fail "--force over a run with pictures failed"
[[ ! -e $WORK/run/pictures ]] || fail "--force left the previous run's pictures"

mkdir -p "$WORK/empty"
set +e
"$BUNGNER" report "$WORK/empty" 2>"$WORK/err"
code=$?
set -e
[[ $code -eq 2 ]] || fail "report of an empty directory: exit code $code, expected 2"
grep -q "neither a finished run" "$WORK/err" || fail "unclear message: $(cat "$WORK/err")"
[[ ! -e $WORK/empty/report.html ]] || fail "a report was written for an empty directory"
echo "report: ok"
