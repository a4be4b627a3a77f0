"""Reads the sample series written by write-vtk-sample back with VTK's own XML readers and checks
every value, count and name against what the writer was given (Debian python3-vtk9).

usage: vtk_readback.py WRITE_VTK_SAMPLE WORK_DIR
"""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOXML import vtkXMLImageDataReader, vtkXMLPolyDataReader

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def read(reader_class, path):
    reader = reader_class()
    reader.SetFileName(path)
    reader.Update()
    check(reader.GetErrorCode() == 0, f"{path}: reader error {reader.GetErrorCode()}")
    return reader.GetOutput()


writer, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
subprocess.run([writer, work], check=True)

# Fields: 3 x 2 x 2 cells, value = 10 * voxel + substrate, doubled for oxygen in the second file.
for index, oxygen_factor in ((0, 1), (1, 2)):
    image = read(vtkXMLImageDataReader, os.path.join(work, f"fields_{index:06d}.vti"))
    check(image.GetDimensions() == (4, 3, 3), f"point dimensions {image.GetDimensions()}")
    check(image.GetNumberOfCells() == 12, f"cells {image.GetNumberOfCells()}")
    check(tuple(image.GetOrigin()) == (5.0, -10.0, 0.0), f"origin {image.GetOrigin()}")
    check(tuple(image.GetSpacing()) == (10.0, 10.0, 10.0), f"spacing {image.GetSpacing()}")
    cell_data = image.GetCellData()
    names = [cell_data.GetArrayName(i) for i in range(cell_data.GetNumberOfArrays())]
    check(names == ["oxygen", "VEGF & <co>"], f"substrate names {names}")
    oxygen = vtk_to_numpy(cell_data.GetArray("oxygen"))
    vegf = vtk_to_numpy(cell_data.GetArray("VEGF & <co>"))
    check([float(v) for v in oxygen] == [oxygen_factor * 10.0 * v for v in range(12)], f"oxygen {oxygen}")
    check([float(v) for v in vegf] == [10.0 * v + 1 for v in range(12)], f"VEGF {vegf}")
    # Cell (i, j, k) = (2, 1, 1) is voxel 2 + 3 * (1 + 2 * 1) = 11, centred at (30, 5, 15).
    ijk, parametric = [0, 0, 0], [0.0, 0.0, 0.0]
    image.ComputeStructuredCoordinates((30.0, 5.0, 15.0), ijk, parametric)
    check(ijk == [2, 1, 1] and image.ComputeCellId(ijk) == 11, f"cell at (30, 5, 15) is {ijk}")

cells = read(vtkXMLPolyDataReader, os.path.join(work, "agents_000000.vtp"))
check(cells.GetNumberOfPoints() == 3 and cells.GetNumberOfVerts() == 3, "3 agents as vertices")
check(vtk_to_numpy(cells.GetPoints().GetData()).tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "agent positions")
point_data = cells.GetPointData()
names = [point_data.GetArrayName(i) for i in range(point_data.GetNumberOfArrays())]
check(names == ["id", "kind", "radius_um", "Schwann cell.repair_phenotype", "macrophage.m2_share", "macrophage.il10"],
      f"agent arrays {names}")
check(vtk_to_numpy(point_data.GetArray("id")).tolist() == [0, 1, 2], "agent ids")
check(vtk_to_numpy(point_data.GetArray("kind")).tolist() == [0, 1, 0], "agent kinds")
check(vtk_to_numpy(point_data.GetArray("radius_um")).tolist() == [6.0, 7.5, 6.0], "agent radii")
# One array per kind and variable; agents of the other kinds read 0.
check(vtk_to_numpy(point_data.GetArray("Schwann cell.repair_phenotype")).tolist() == [0.0, 0.0, 0.5], "state variable")
check(vtk_to_numpy(point_data.GetArray("macrophage.m2_share")).tolist() == [0.0, 0.25, 0.0], "another kind's variable")
check(vtk_to_numpy(point_data.GetArray("macrophage.il10")).tolist() == [0.0, 101.0, 0.0], "its second variable")
kind_names = cells.GetFieldData().GetAbstractArray("kind_names")
check(kind_names is not None and [kind_names.GetValue(i) for i in range(kind_names.GetNumberOfValues())]
      == ["Schwann cell", "macrophage"], "kind names")

axons = read(vtkXMLPolyDataReader, os.path.join(work, "axons_000000.vtp"))
check(axons.GetNumberOfPoints() == 5, f"axon points {axons.GetNumberOfPoints()}")
check(axons.GetNumberOfLines() == 3, f"axon segments {axons.GetNumberOfLines()}")
segment_points = []
for c in range(axons.GetNumberOfCells()):
    ids = axons.GetCell(c).GetPointIds()
    segment_points.append([ids.GetId(i) for i in range(ids.GetNumberOfIds())])
check(segment_points == [[0, 1], [1, 2], [3, 4]], f"segments {segment_points}")
cell_data = axons.GetCellData()
check(vtk_to_numpy(cell_data.GetArray("axon_id")).tolist() == [0, 0, 1], "axon ids")
check(vtk_to_numpy(cell_data.GetArray("parent_id")).tolist() == [-1, -1, 0], "parents")
check(vtk_to_numpy(cell_data.GetArray("diameter_um")).tolist() == [4.0, 3.0, 2.0], "diameters")
check(vtk_to_numpy(cell_data.GetArray("myelin_um")).tolist() == [1.0, 0.5, 0.0], "myelin")
check(vtk_to_numpy(cell_data.GetArray("g_ratio")).tolist() == [4.0 / 6.0, 0.75, 1.0], "g-ratios")

collection = ET.parse(os.path.join(work, "series.pvd")).getroot()
datasets = [(d.get("timestep"), d.get("part"), d.get("file")) for d in collection.iter("DataSet")]
check(datasets == [("0", "0", "fields_000000.vti"), ("0", "1", "agents_000000.vtp"), ("0", "2", "axons_000000.vtp"),
                   ("1.5", "0", "fields_000001.vti")], f"collection {datasets}")
leftovers = [f for f in os.listdir(work) if ".partial-" in f]
check(not leftovers, f"temporary files left: {leftovers}")

print(f"{len(failures)} failed" if failures else "vtk readback: all checks passed")
sys.exit(1 if failures else 0)
