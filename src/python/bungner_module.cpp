// The extension `bungner._bungner`: load a scenario with overrides, run it with the GIL released,
// and get time series and readouts as NumPy arrays or pandas DataFrames; run a study file. The
// package python/bungner builds its API on it. See docs/python.md.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <omp.h>

#include <memory>
#include <string>
#include <vector>

#include "bungner/core/build_info.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/io/run_output.hpp"
#include "bungner/model/model.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/scenario/scenario.hpp"
#include "bungner/study/study.hpp"

namespace py = pybind11;

namespace {

using bungner::io::ObservedValue;

/// `set=` values as the command line's --set would receive them: text as is, booleans and
/// numbers in TOML spelling.
std::vector<bungner::Override> overrides_from(const py::dict& set) {
  std::vector<bungner::Override> out;
  for (const auto& [key, value] : set) {
    std::string text;
    if (py::isinstance<py::bool_>(value))
      text = value.cast<bool>() ? "true" : "false";
    else
      text = py::str(value).cast<std::string>();
    out.push_back({py::str(key).cast<std::string>(), text});
  }
  return out;
}

/// A validated scenario with its overrides applied (immutable).
class PyScenario {
 public:
  PyScenario(const std::string& path, const py::dict& set)
      : scenario_(std::make_shared<const bungner::Scenario>(
            bungner::load_scenario(path, bungner::make_builtin_registry(), overrides_from(set)))) {}

  std::string title() const { return scenario_->resolved["title"].value_or(std::string()); }
  std::string toml() const { return scenario_->canonical_toml(); }
  std::string sha256() const { return scenario_->sha256(); }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    for (const auto& w : scenario_->warnings) out.push_back(bungner::format_diagnostic(w));
    return out;
  }
  std::shared_ptr<const bungner::Scenario> scenario() const { return scenario_; }

 private:
  std::shared_ptr<const bungner::Scenario> scenario_;
};

/// Columns of observed values, in run order.
struct Columns {
  py::array_t<double> time_days, value;
  py::list name, unit;
};

Columns columns(const std::vector<ObservedValue>& rows, const std::string& only = {}) {
  std::vector<double> times, values;
  Columns c;
  for (const auto& r : rows) {
    if (!only.empty() && r.observation.name != only) continue;
    times.push_back(r.time_days);
    values.push_back(r.observation.value);
    c.name.append(r.observation.name);
    c.unit.append(r.observation.unit);
  }
  c.time_days = py::array_t<double>(static_cast<py::ssize_t>(times.size()), times.data());
  c.value = py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
  return c;
}

py::object data_frame(const std::vector<ObservedValue>& rows, const char* name_column) {
  const Columns c = columns(rows);
  py::dict data;
  data["time_days"] = c.time_days;
  data[name_column] = c.name;
  data["value"] = c.value;
  data["unit"] = c.unit;
  return py::module_::import("pandas").attr("DataFrame")(data);
}

py::tuple one_quantity(const std::vector<ObservedValue>& rows, const std::string& name) {
  const Columns c = columns(rows, name);
  if (c.value.size() == 0) throw py::key_error("no observation named '" + name + "'");
  return py::make_tuple(c.time_days, c.value);
}

std::vector<std::string> names(const std::vector<ObservedValue>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (std::find(out.begin(), out.end(), r.observation.name) == out.end()) out.push_back(r.observation.name);
  return out;
}

bungner::io::RunResult run_scenario(const PyScenario& scenario) {
  const std::shared_ptr<const bungner::Scenario> loaded = scenario.scenario();
  // The simulation holds no Python object: other Python threads run meanwhile.
  py::gil_scoped_release release;
  const bungner::Registry registry = bungner::make_builtin_registry();
  return bungner::io::run_in_memory(bungner::Model::compile(*loaded, registry));
}

/// A read-only NumPy view of doubles at `data` with the given shape and byte strides, kept alive
/// by `owner` (the Result): no copy of the snapshot.
py::array view(const double* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides, const py::object& owner) {
  py::array out(py::dtype::of<double>(), std::move(shape), std::move(strides), data, owner);
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

/// The 3D site at readout `k`: fields as (z, y, x) views by name, the grid, and the cells (views
/// of positions and variables, per kind "kind.variable" with 0 for the other kinds' cells).
py::dict site_snapshot(const py::object& self, std::size_t k) {
  const auto& result = self.cast<const bungner::io::RunResult&>();
  if (k >= result.site.size())
    throw py::index_error("readout " + std::to_string(k) + " has no site snapshot (" + std::to_string(result.site.size()) +
                          " in this run; the 3D site is on only for runs that enable it)");
  const bungner::io::SiteSnapshot& s = result.site[k];
  const bungner::fields::Grid& g = s.fields.grid();
  const auto S = static_cast<py::ssize_t>(s.fields.substrates());
  const auto d = static_cast<py::ssize_t>(sizeof(double));
  py::dict fields;
  for (std::size_t q = 0; q < s.field_names.size(); ++q)
    fields[py::str(s.field_names[q])] =
        view(s.fields.data() + q, {g.nz, g.ny, g.nx}, {g.ny * g.nx * S * d, g.nx * S * d, S * d}, self);
  const bungner::agents::Agents& a = s.cells;
  const auto n = static_cast<py::ssize_t>(a.size());
  py::dict cells;
  cells["id"] = py::array_t<std::uint64_t>(n, a.id.data());
  cells["kind"] = py::array_t<std::uint8_t>(n, a.kind.data());
  py::list kind_names;
  for (const auto& kind : a.kinds()) kind_names.append(kind.name);
  cells["x"] = view(a.x.data(), {n}, {d}, self);
  cells["y"] = view(a.y.data(), {n}, {d}, self);
  cells["z"] = view(a.z.data(), {n}, {d}, self);
  for (std::size_t kind = 0; kind < a.kinds().size(); ++kind)
    for (std::size_t v = 0; v < a.kinds()[kind].variables.size(); ++v) {
      py::array_t<double> column(n);
      auto out = column.mutable_unchecked<1>();
      for (py::ssize_t i = 0; i < n; ++i)
        out(i) = a.kind[static_cast<std::size_t>(i)] == kind ? a.variables[v][static_cast<std::size_t>(i)] : 0.0;
      cells[py::str(a.kinds()[kind].name + "." + a.kinds()[kind].variables[v])] = column;
    }
  py::dict out;
  out["time_days"] = s.time_days;
  out["fields"] = fields;
  out["origin_um"] = py::make_tuple(g.origin_um[0], g.origin_um[1], g.origin_um[2]);
  out["dx_um"] = g.dx_um;
  out["cells"] = cells;
  out["kind_names"] = kind_names;
  return out;
}

/// A study file run (or resumed) into `out`, as `bungner study` does, with the GIL released;
/// returns the output directory. The package reads its CSV files into DataFrames.
std::string run_study_file(const std::string& path, const std::string& out, int threads, bool force, bool resume,
                           std::size_t uncertainty, const std::string& uncertainty_from, bool quiet) {
  const bungner::Registry registry = bungner::make_builtin_registry();
  bungner::study::StudySpec spec = bungner::study::load_study(path, registry);
  bungner::study::apply_uncertainty(spec, uncertainty, uncertainty_from, registry);
  bungner::study::StudyOptions options;
  options.output_dir = out;
  options.force = force;
  options.resume = resume;
  options.quiet = quiet;
  options.progress = quiet ? bungner::io::ProgressMode::none : bungner::io::ProgressMode::log;
  options.command_line = "python: bungner.study(" + path + ")";
  py::gil_scoped_release release;
  if (threads > 0) omp_set_num_threads(threads);
  bungner::study::run_study(spec, registry, options);
  return out;
}

}  // namespace

PYBIND11_MODULE(_bungner, m) {
  m.doc() = "bungner: in-silico laboratory for peripheral nerve injury and repair";
  m.attr("__version__") = std::string(bungner::build_info::version);

  // Invalid scenarios raise ValueError with every diagnostic (file:line:column: key: message).
  // NOLINTNEXTLINE(performance-unnecessary-value-param): pybind11 fixes the translator signature
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const bungner::InputError& e) {
      std::string message;
      for (const auto& d : e.diagnostics()) message += (message.empty() ? "" : "\n") + bungner::format_diagnostic(d);
      PyErr_SetString(PyExc_ValueError, message.c_str());
    } catch (const bungner::ModelError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<bungner::io::RunResult>(m, "Result", "The time series and readouts of one run, in memory")
      .def_property_readonly(
          "timeseries", [](const bungner::io::RunResult& r) { return data_frame(r.timeseries, "variable"); },
          "pandas DataFrame with columns time_days, variable, value, unit (as timeseries.csv)")
      .def_property_readonly(
          "readouts", [](const bungner::io::RunResult& r) { return data_frame(r.readouts, "readout"); },
          "pandas DataFrame with columns time_days, readout, value, unit (as readouts.csv)")
      .def_property_readonly(
          "variables", [](const bungner::io::RunResult& r) { return names(r.timeseries); }, "names of the time-series variables")
      .def_property_readonly(
          "readout_names", [](const bungner::io::RunResult& r) { return names(r.readouts); }, "names of the readouts")
      .def(
          "series", [](const bungner::io::RunResult& r, const std::string& name) { return one_quantity(r.timeseries, name); },
          py::arg("variable"), "(time_days, value) NumPy arrays of one time-series variable")
      .def(
          "readout", [](const bungner::io::RunResult& r, const std::string& name) { return one_quantity(r.readouts, name); },
          py::arg("readout"), "(time_days, value) NumPy arrays of one readout at the readout times")
      .def_property_readonly(
          "site_times",
          [](const bungner::io::RunResult& r) {
            std::vector<double> t;
            for (const auto& s : r.site) t.push_back(s.time_days);
            return t;
          },
          "readout times (days) with a snapshot of the 3D site (empty without it)")
      .def("site", &site_snapshot, py::arg("k"),
           "the 3D site at the k-th readout: {'time_days', 'fields': {name: read-only (z, y, x) array}, 'origin_um', "
           "'dx_um' (voxel corner and edge), 'cells': {'id', 'kind', 'x', 'y', 'z', '<kind>.<variable>': arrays}, "
           "'kind_names'}; fields and positions are views of the Result (no copy)");

  py::class_<PyScenario>(m, "Scenario", "A validated scenario file with overrides applied")
      .def(py::init<const std::string&, const py::dict&>(), py::arg("path"), py::arg("set") = py::dict(),
           "Loads and validates PATH; `set` overrides scenario keys exactly as --set does, e.g.\n"
           "{'injury.gap_length': '10 mm', 'repair.timing': '8 weeks', 'seed': 7}; a model parameter is\n"
           "'parameters.<name>' with a value and unit (`bungner params` lists the names)")
      .def_property_readonly("title", &PyScenario::title)
      .def_property_readonly("toml", &PyScenario::toml, "the resolved scenario, every default filled in")
      .def_property_readonly("sha256", &PyScenario::sha256)
      .def_property_readonly("warnings", &PyScenario::warnings)
      .def("run", &run_scenario, "Runs the scenario (the GIL is released meanwhile) and returns a Result");

  m.def(
      "run", [](const std::string& path, const py::dict& set) { return run_scenario(PyScenario(path, set)); }, py::arg("path"),
      py::arg("set") = py::dict(), "Scenario(path, set).run()");
  m.def("run_study", &run_study_file, py::arg("path"), py::arg("out"), py::arg("threads") = 0, py::arg("force") = false,
        py::arg("resume") = false, py::arg("uncertainty") = 0, py::arg("uncertainty_from") = "", py::arg("quiet") = true,
        "Runs a study file into OUT as `bungner study` does (the GIL is released meanwhile); returns OUT");
}
