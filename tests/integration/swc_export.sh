#!/usr/bin/env bash
# SWC export of the regenerated axons (issue 24): a run with the 3D site writes swc/axons_N.swc at
# each readout; a reader of the format (Cannon et al. 1998: "id type x y z radius parent", comments
# with #) finds ids from 1 in order, every parent earlier or -1, axon type, positive radii, and
# as many samples as the ParaView axons of the same time have points.
. "$(dirname "$0")/common.sh" "$@"
SCENARIO3D="$SRC/models/mechanisms/site_axons/golden/scenario.toml"
"$BUNGNER" -q run "$SCENARIO3D" --out "$WORK/run" >/dev/null 2>"$WORK/run.err" || fail "the 3D run failed: $(cat "$WORK/run.err")"
ls "$WORK/run/swc/"axons_*.swc >/dev/null 2>&1 || fail "no SWC files in $WORK/run/swc"
python3 - "$WORK/run" <<'PY' || fail "the SWC files are not valid or disagree with the ParaView axons"
import base64, glob, math, pathlib, re, struct, sys
run = pathlib.Path(sys.argv[1])
swcs = sorted(run.glob("swc/axons_*.swc"))
assert len(swcs) == 2, swcs  # the readouts at 7 and 14 d
for swc in swcs:
    samples = {}
    for line in swc.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f = line.split()
        assert len(f) == 7, line
        i, t, x, y, z, r, p = int(f[0]), int(f[1]), *map(float, f[2:6]), int(f[6])
        assert i == len(samples) + 1, (swc, line)
        assert t == 2 and r > 0, line
        assert p == -1 or 1 <= p < i, line
        samples[i] = (x, y, z, p)
    assert samples, swc
    length = sum(math.dist(s[:3], samples[s[3]][:3]) for s in samples.values() if s[3] != -1)
    # The ParaView file of the same readout: its points and line segments.
    vtp = (run / "paraview" / swc.name.replace(".swc", ".vtp")).read_text()
    points = int(re.search(r'NumberOfPoints="(\d+)"', vtp).group(1))
    assert points == len(samples), (swc, points, len(samples))
    assert length > 100, (swc, length)  # growth cones crossed the site
print("ok")
PY
echo "swc_export: ok"
