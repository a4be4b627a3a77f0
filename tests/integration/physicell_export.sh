#!/usr/bin/env bash
# PhysiCell layout of the injury site (issue 24): a run with the 3D site writes, per readout,
# physicell/outputNNNNNNNN.xml with its _cells.mat and _microenvironment0.mat and the shared
# initial_mesh0.mat. Read as PhysiCell's own loader (pyMCDS) reads them: the XML's elements, and
# the MATLAB level-4 files through scipy.io.loadmat (an independent reader of the format); the
# cells and fields must equal the ParaView files of the same readout (positions, ids, kinds,
# voxel values), the time must be in minutes, and the voxel centres must tile the mesh.
. "$(dirname "$0")/common.sh" "$@"
SCENARIO3D="$SRC/models/mechanisms/site_axons/golden/scenario.toml"
"$BUNGNER" -q run "$SCENARIO3D" --out "$WORK/run" >/dev/null 2>"$WORK/run.err" || fail "the 3D run failed: $(cat "$WORK/run.err")"
/usr/bin/python3 - "$WORK/run" <<'PY' || fail "the PhysiCell files are not valid or disagree with the ParaView files"
import base64, pathlib, re, struct, sys
import xml.etree.ElementTree as ET
import numpy as np
import scipy.io as sio
run = pathlib.Path(sys.argv[1])
pc = run / "physicell"
xmls = sorted(pc.glob("output*.xml"))
assert [x.name for x in xmls] == ["output00000000.xml", "output00000001.xml"], xmls  # readouts at 7 and 14 d

def vtk_arrays(path):
    """Name -> numpy array of a VTK XML file's inline binary DataArrays: the UInt64 byte count
    and the values, each base64-encoded on its own (12 characters for the count)."""
    text = path.read_text()
    out = {}
    for m in re.finditer(r'<DataArray type="(\w+)" Name="([^"]+)"[^>]*format="binary"[^>]*>\s*([^<]+)</DataArray>', text):
        kind, name, payload = m.groups()
        payload = payload.strip()
        size = struct.unpack("<Q", base64.b64decode(payload[:12]))[0]
        raw = base64.b64decode(payload[12:])
        assert len(raw) == size, (name, len(raw), size)
        dtype = {"Float64": "<f8", "Float32": "<f4", "Int64": "<i8", "UInt64": "<u8", "UInt8": "<u1", "Int32": "<i4"}[kind]
        out[name] = np.frombuffer(raw, dtype=dtype)
    return out

mesh = sio.loadmat(pc / "initial_mesh0.mat")["mesh"]
for n, xml in enumerate(xmls):
    root = ET.parse(xml).getroot()
    minutes = float(root.find("metadata").find("current_time").text)
    assert root.find("metadata").find("current_time").get("units") == "min"
    assert abs(minutes - [7, 14][n] * 1440) < 1e-6, minutes
    domain = root.find("microenvironment").find("domain")
    m = domain.find("mesh")
    axes = [np.array(m.find(f"{a}_coordinates").text.split(m.find(f"{a}_coordinates").get("delimiter")), float) for a in "xyz"]
    assert mesh.shape == (4, axes[0].size * axes[1].size * axes[2].size), mesh.shape
    # x fastest, then y, then z, as PhysiCell orders voxels
    xx, yy, zz = np.meshgrid(axes[0], axes[1], axes[2], indexing="ij")
    assert np.array_equal(mesh[0], xx.flatten(order="F")) and np.array_equal(mesh[1], yy.flatten(order="F"))
    assert np.array_equal(mesh[2], zz.flatten(order="F"))
    dx = axes[0][1] - axes[0][0]
    assert np.allclose(mesh[3], dx ** 3)
    env = sio.loadmat(pc / domain.find("data").find("filename").text)["multiscale_microenvironment"]
    names = [v.get("name") for v in domain.find("variables").findall("variable")]
    units = {v.get("name"): v.get("units") for v in domain.find("variables").findall("variable")}
    assert units["oxygen"] == "mmHg" and units["vegf"] == "ng/mL", units
    assert env.shape == (4 + len(names), mesh.shape[1]) and np.array_equal(env[:4], mesh)
    for v in domain.find("variables").findall("variable"):
        float(v.find("physical_parameter_set").find("diffusion_coefficient").text)
    assert float(domain.find("variables").findall("variable")[0].find("physical_parameter_set").find("diffusion_coefficient").text) > 0
    vti = vtk_arrays(run / "paraview" / f"fields_{n:06d}.vti")
    assert set(vti) == set(names), (sorted(vti), names)
    for i, name in enumerate(names):
        assert np.array_equal(env[4 + i], vti[name]), name
    simple = root.find("cellular_information").find("cell_populations").find("cell_population").find("custom").find("simplified_data")
    assert simple.get("source") == "PhysiCell"
    labels, rows = {}, 0
    for label in simple.find("labels").findall("label"):
        assert int(label.get("index")) == rows, label.attrib
        labels[label.text] = rows
        rows += int(label.get("size"))
    cells = sio.loadmat(pc / simple.find("filename").text)["cells"]
    vtp = vtk_arrays(run / "paraview" / f"agents_{n:06d}.vtp")
    assert cells.shape == (rows, vtp["id"].size), (cells.shape, rows)
    assert cells.shape[1] > 0, "no cells"
    assert np.array_equal(cells[labels["ID"]], vtp["id"].astype(float))
    assert np.array_equal(cells[labels["cell_type"]], vtp["kind"].astype(float))
    points = vtp["Points"].reshape(-1, 3)
    p = labels["position"]
    assert np.array_equal(cells[p:p + 3].T, points)
    assert np.allclose(cells[labels["total_volume"]], 4 / 3 * np.pi * vtp["radius_um"] ** 3)
    kinds = [t.text for t in simple.find("cell_types").findall("type")]
    assert "schwann" in kinds, kinds
    for name, row in labels.items():
        if "." in name:
            assert np.array_equal(cells[row], vtp[name]), name
print("ok")
PY
echo "physicell_export: ok"
