#include "bungner/serve/server.hpp"

#include <httplib.h>
#include <sys/random.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "assets.hpp"
#include "bungner/core/build_info.hpp"
#include "bungner/core/errors.hpp"
#include "bungner/core/random.hpp"
#include "bungner/core/text.hpp"
#include "bungner/io/atomic_file.hpp"
#include "bungner/io/report.hpp"
#include "bungner/model/registry.hpp"
#include "bungner/scenario/json_schema.hpp"
#include "bungner/serve/axons.hpp"
#include "bungner/serve/jobs.hpp"
#include "bungner/serve/workspace.hpp"
#include "bungner/study/study.hpp"
#include "bungner/validation/check_input.hpp"

namespace bungner::serve {

namespace fs = std::filesystem;
using nlohmann::json;

std::string make_access_token() {
  std::array<std::uint64_t, 2> entropy{};
  auto* bytes = reinterpret_cast<unsigned char*>(entropy.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  std::size_t filled = 0;
  while (filled < sizeof(entropy)) {
    const ssize_t n = ::getrandom(bytes + filled, sizeof(entropy) - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "getrandom");
    filled += static_cast<std::size_t>(n);
  }
  RandomStream stream(RandomKey{entropy[0], entropy[1]}, 0, 0, purpose_id("serve.access_token"));
  std::string token;
  for (int word = 0; word < 4; ++word) token += fmt::format("{:016x}", stream.next_u64());
  return token;
}

bool token_matches(std::string_view token, std::string_view given) {
  if (token.empty() || given.size() != token.size()) return false;
  unsigned difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i)
    difference |= static_cast<unsigned>(static_cast<unsigned char>(token[i]) ^ static_cast<unsigned char>(given[i]));
  return difference == 0;
}

namespace {

/// Files the API hands out whole; larger ones are outputs no page needs at once.
constexpr std::uintmax_t max_file_bytes = std::uintmax_t{512} << 20U;
constexpr std::size_t max_listed_entries = 20000;
/// Segments of a thinned axon file (/api/axons) when the page asks for no number, and at most.
constexpr std::size_t default_axon_segments = 500000;
constexpr std::size_t max_axon_segments = 4000000;

void send_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& response, int status, const std::string& message) {
  send_json(response, json{{"error", message}}, status);
}

/// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t at = 0;
  while (at < header.size()) {
    const std::size_t end = std::min(header.find(';', at), header.size());
    std::string_view pair(header.data() + at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
    at = end + 1;
  }
  return {};
}

json diagnostic_json(const Diagnostic& d, const fs::path& workspace, const fs::path& checked, const std::string& shown_as) {
  std::string file = d.where.file;
  if (file == checked.string()) {
    file = shown_as;
  } else if (const auto inside = resolve_in_workspace(workspace, fs::path(file).lexically_relative(workspace).string());
             inside && fs::path(file).is_absolute()) {
    file = workspace_relative(workspace, *inside);
  }
  return json{{"severity", d.severity == Diagnostic::Severity::error ? "error" : "warning"},
              {"file", file},
              {"line", d.where.line},
              {"column", d.where.column},
              {"key", d.key},
              {"message", d.message}};
}

/// The leaves of a TOML document with where they are written, for the form beside the text: key
/// path ("therapies[0].dose"), the value as TOML and the span of its text (end exclusive), which
/// the form replaces when a value is edited.
void outline(const toml::node& node, const std::string& key, json& out) {
  if (const toml::table* table = node.as_table()) {
    for (const auto& [name, child] : *table)
      outline(child, key.empty() ? std::string(name.str()) : key + "." + std::string(name.str()), out);
    return;
  }
  if (const toml::array* array = node.as_array(); array && !array->empty() && array->front().is_table()) {
    for (std::size_t i = 0; i < array->size(); ++i) outline(*array->get(i), fmt::format("{}[{}]", key, i), out);
    return;
  }
  std::ostringstream value;
  node.visit([&](const auto& leaf) {
    if constexpr (toml::is_string<decltype(leaf)>)
      value << json(leaf.get()).dump();  // JSON string escapes are valid TOML basic-string escapes
    else
      value << toml::toml_formatter(leaf);
  });
  out.push_back(json{{"key", key},
                     {"value", value.str()},
                     {"type", node.is_string()    ? "string"
                              : node.is_number()  ? "number"
                              : node.is_boolean() ? "boolean"
                                                  : "other"},
                     {"line", node.source().begin.line},
                     {"column", node.source().begin.column},
                     {"end_line", node.source().end.line},
                     {"end_column", node.source().end.column}});
}

int parse_id(const std::string& text) {
  const auto value = text::parse_unsigned(text);
  return value && *value < 1000000000U ? static_cast<int>(*value) : -1;
}

}  // namespace

struct Workbench::Impl {
  ServerOptions options;
  fs::path workspace;
  std::string token;
  std::string cookie_name;
  int port = 0;
  httplib::Server http;
  Registry registry = make_builtin_registry();
  std::string schema_json;
  std::string study_schema_json;
  std::vector<Asset> assets = workbench_assets();
  JobRunner jobs;

  explicit Impl(ServerOptions given)
      : options(std::move(given)),
        workspace(fs::canonical(options.workspace)),
        token(options.token.empty() ? make_access_token() : options.token),
        jobs(options.executable, workspace, options.max_jobs, workspace / job_list_folder / "jobs.json") {
    if (!fs::is_directory(workspace)) throw std::runtime_error(fmt::format("{} is no folder", workspace.string()));
    schema_json = schema::scenario_json_schema(registry);
    study_schema_json = schema::table_json_schema(study::study_file_schema(), registry, "bungner study");
    http.set_payload_max_length(options.max_body_bytes);
    http.set_default_headers({{"Cache-Control", "no-store"},
                              {"Referrer-Policy", "no-referrer"},
                              {"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "SAMEORIGIN"}});
    http.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      return admit(request, response) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
    });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
      try {
        std::rethrow_exception(std::move(error));
      } catch (const std::exception& e) {
        send_error(response, 500, e.what());
      } catch (...) {
        send_error(response, 500, "unknown error");
      }
    });
    routes();
    port = options.port == 0 ? http.bind_to_any_port(std::string(loopback_address))
                             : (http.bind_to_port(std::string(loopback_address), options.port) ? options.port : -1);
    if (port <= 0) throw std::runtime_error(fmt::format("cannot listen on {}:{} (port taken?)", loopback_address, options.port));
    cookie_name = fmt::format("bungner_token_{}", port);
  }

  /// Every request, before it is routed and before its body is read: from this server's own
  /// address (a page of another site that a DNS record points at 127.0.0.1 sends another Host,
  /// DNS rebinding) and with the token (query, header or cookie). 403 otherwise.
  bool admit(const httplib::Request& request, httplib::Response& response) const {
    const std::string host = request.get_header_value("Host");
    if (host != fmt::format("{}:{}", loopback_address, port) && host != fmt::format("localhost:{}", port)) {
      send_error(response, 403, "unexpected Host header: the workbench answers only http://127.0.0.1:PORT/");
      return false;
    }
    const bool given = token_matches(token, request.get_param_value("token")) ||
                       token_matches(token, request.get_header_value("X-Bungner-Token"));
    const bool by_cookie = !given && token_matches(token, cookie_value(request.get_header_value("Cookie"), cookie_name));
    if (!given && !by_cookie) {
      send_error(response, 403, "missing or wrong access token: open the URL `bungner serve` printed");
      return false;
    }
    // The cookie alone is sent by the browser whoever asks: SameSite counts every page on
    // 127.0.0.1, whatever its port, as the same site. So a request it authorises must come from
    // the workbench's own pages (Sec-Fetch-Site and Origin, which a page cannot forge), or
    // another local page could start jobs or write files through the user's browser (CSRF).
    const std::string fetch_site = request.get_header_value("Sec-Fetch-Site");
    const std::string origin = request.get_header_value("Origin");
    if (by_cookie && ((!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") ||
                      (!origin.empty() && origin != "http://" + host))) {
      send_error(response, 403, "a request from another page refused (cross-site)");
      return false;
    }
    // cpp-httplib bounds a body by its Content-Length only: a chunked body could grow without
    // limit, so none is taken (browsers send the length of what fetch() posts).
    if (request.has_header("Transfer-Encoding")) {
      send_error(response, 411, fmt::format("a request body needs a Content-Length (at most {} bytes)", options.max_body_bytes));
      return false;
    }
    return true;
  }

  std::optional<fs::path> inside(const std::string& relative, httplib::Response& response) const {
    auto resolved = resolve_in_workspace(workspace, relative);
    if (!resolved) send_error(response, 403, fmt::format("'{}' is outside the workspace", relative));
    return resolved;
  }

  void send_file(const fs::path& file, httplib::Response& response) const {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) return send_error(response, 404, "no such file");
    if (fs::file_size(file, error) > max_file_bytes) return send_error(response, 413, "file too large to serve");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) return send_error(response, 500, "cannot read the file");
    response.set_content(content.str(), mime_type(file));
  }

  void routes() {
    for (const Asset& asset : assets) {
      http.Get(std::string(asset.path), [this, &asset](const httplib::Request& request, httplib::Response& response) {
        // The first page load carries the token in its URL; a cookie carries it for the
        // scripts and API calls after it (HttpOnly: the page's scripts never see it).
        if (request.has_param("token"))
          response.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", cookie_name, token));
        response.set_header("Content-Security-Policy",
                            "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data: blob:; frame-src 'self'; connect-src 'self'");
        response.set_content(std::string(asset.content), std::string(asset.mime));
      });
    }
    // Browsers ask for it on their own; "none" rather than a 404 in the page's console.
    http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& response) { response.status = 204; });
    http.Get("/api/info", [this](const httplib::Request&, httplib::Response& response) {
      send_json(response, json{{"version", build_info::version},
                               {"commit", build_info::git_commit},
                               {"workspace", workspace.string()},
                               {"max_jobs", options.max_jobs},
                               {"max_body_bytes", options.max_body_bytes},
                               {"max_drawn_axon_bytes", options.max_drawn_axon_bytes},
                               {"plots", io::plotting_libraries_embedded()},
                               {"viewer", std::any_of(assets.begin(), assets.end(),
                                                      [](const Asset& a) { return a.path == "/lib/three.module.js"; })}});
    });
    http.Get("/api/schema", [this](const httplib::Request& request, httplib::Response& response) {
      response.set_content(request.get_param_value("kind") == "study" ? study_schema_json : schema_json, "application/json");
    });
    http.Get("/api/parameters", [this](const httplib::Request& request, httplib::Response& response) {
      const std::string pattern = request.get_param_value("q");
      json list = json::array();
      for (const auto& s : registry.parameters().all()) {
        if (!pattern.empty() && !text::glob_match(pattern, s.name) && s.name.find(pattern) == std::string::npos &&
            s.meaning.find(pattern) == std::string::npos)
          continue;
        list.push_back(json{{"name", s.name},
                            {"default", s.default_value},
                            {"unit", s.unit},
                            {"hard", {s.hard.low, s.hard.high}},
                            {"plausible", {s.plausible.low, s.plausible.high}},
                            {"species", s.species},
                            {"meaning", s.meaning},
                            {"source", s.source},
                            {"numerical", s.numerical}});
      }
      send_json(response, list);
    });
    http.Post("/api/check", [this](const httplib::Request& request, httplib::Response& response) { check(request, response); });
    http.Post("/api/outline", [](const httplib::Request& request, httplib::Response& response) {
      const json body = json::parse(request.body, nullptr, false);
      json leaves = json::array();
      if (body.is_object() && body.value("text", json()).is_string()) {
        try {
          outline(toml::parse(body["text"].get<std::string>()), "", leaves);
          // In the order they are written (tables iterate by name).
          std::stable_sort(leaves.begin(), leaves.end(), [](const json& a, const json& b) {
            return std::pair{a["line"].get<int>(), a["column"].get<int>()} <
                   std::pair{b["line"].get<int>(), b["column"].get<int>()};
          });
        } catch (const toml::parse_error&) {
          // The check reports where; the form keeps its last good outline.
          return send_json(response, json{{"parsed", false}, {"keys", leaves}});
        }
      }
      send_json(response, json{{"parsed", true}, {"keys", leaves}});
    });
    http.Get("/api/files", [this](const httplib::Request& request, httplib::Response& response) {
      const auto folder = inside(request.get_param_value("dir"), response);
      if (!folder) return;
      int depth = 4;
      if (const auto given = text::parse_unsigned(request.get_param_value("depth")); given && *given >= 1 && *given <= 16)
        depth = static_cast<int>(*given);
      json list = json::array();
      for (const auto& e : list_workspace(workspace, *folder, max_listed_entries, depth))
        list.push_back(json{{"path", e.path}, {"directory", e.directory}, {"size", e.size}, {"modified", e.modified}});
      send_json(response, list);
    });
    http.Get("/api/file", [this](const httplib::Request& request, httplib::Response& response) {
      if (const auto file = inside(request.get_param_value("path"), response)) send_file(*file, response);
    });
    // An axon file too large for the browser, thinned to whole axons (every k-th) as float32
    // segment end points; what was kept in X-Bungner-Axons.
    http.Get("/api/axons", [this](const httplib::Request& request, httplib::Response& response) {
      const auto file = inside(request.get_param_value("path"), response);
      if (!file) return;
      if (file->extension() != ".vtp") return send_error(response, 400, "expected the path of an axons_*.vtp file");
      std::size_t segments = default_axon_segments;
      if (request.has_param("max_segments")) {
        const auto given = text::parse_unsigned(request.get_param_value("max_segments"));
        if (!given || *given < 1 || *given > max_axon_segments)
          return send_error(response, 400, fmt::format("max_segments must be 1 .. {}", max_axon_segments));
        segments = static_cast<std::size_t>(*given);
      }
      std::error_code error;
      if (!fs::is_regular_file(*file, error)) return send_error(response, 404, "no such file");
      if (fs::file_size(*file, error) > max_file_bytes) return send_error(response, 413, "file too large to serve");
      std::ifstream in(*file, std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      DecimatedAxons axons;
      try {
        axons = decimate_axons_vtp(content.str(), segments);
      } catch (const std::runtime_error& e) {
        return send_error(response, 400, fmt::format("{}: {}", request.get_param_value("path"), e.what()));
      }
      response.set_header("X-Bungner-Axons",
                          fmt::format("segments={} kept={} axons={} kept_axons={} stride={}", axons.total_segments,
                                      axons.segments.size() / 6, axons.total_axons, axons.kept_axons, axons.stride));
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the floats' bytes, little-endian as the page reads them
      response.set_content(
          std::string(reinterpret_cast<const char*>(axons.segments.data()), axons.segments.size() * sizeof(float)),
          "application/octet-stream");
    });
    http.Put("/api/file", [this](const httplib::Request& request, httplib::Response& response) {
      const auto file = inside(request.get_param_value("path"), response);
      if (!file) return;
      // The workbench edits inputs; outputs are the runs' own.
      if (file->extension() != ".toml") return send_error(response, 400, "only .toml files are saved from the workbench");
      std::error_code error;
      if (!fs::is_directory(file->parent_path(), error)) return send_error(response, 404, "no such folder");
      // Atomically, as every file bungner writes: a run started meanwhile reads the old text or the new.
      io::write_file_atomically(*file, request.body);
      send_json(response, json{{"saved", workspace_relative(workspace, *file)}});
    });
    // Raw workspace files for frames (a run's report.html): sandboxed, so that a page in the
    // workspace runs in an origin of its own and cannot call the API with the workbench's cookie.
    http.Get(R"(/workspace/(.+))", [this](const httplib::Request& request, httplib::Response& response) {
      const auto file = inside(request.matches[1].str(), response);
      if (!file) return;
      send_file(*file, response);
      response.set_header("Content-Security-Policy", "sandbox allow-scripts");
    });
    // The 3D viewer's time-lapse: one PNG frame per request, into DIR/timelapse/.
    http.Post("/api/timelapse", [this](const httplib::Request& request, httplib::Response& response) {
      const auto folder = inside(request.get_param_value("dir"), response);
      if (!folder) return;
      const auto frame = text::parse_unsigned(request.get_param_value("frame"));
      std::error_code error;
      if (!fs::is_directory(*folder, error) || !frame || *frame > 99999U)
        return send_error(response, 400, "expected ?dir=OUTPUT&frame=N (0 .. 99999) of an existing output folder");
      constexpr std::string_view png_signature = "\x89PNG\r\n\x1a\n";
      if (!request.body.starts_with(png_signature)) return send_error(response, 400, "a frame is a PNG image");
      const fs::path file = *folder / "timelapse" / fmt::format("frame_{:04}.png", *frame);
      fs::create_directories(file.parent_path());
      io::write_file_atomically(file, request.body);
      send_json(response, json{{"saved", workspace_relative(workspace, file)}});
    });
    http.Get("/api/jobs", [this](const httplib::Request&, httplib::Response& response) {
      json list = json::array();
      for (const auto& status : jobs.list()) list.push_back(job_json(status));
      send_json(response, list);
    });
    http.Get(R"(/api/jobs/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
      const auto status = jobs.status(parse_id(request.matches[1].str()));
      if (!status) return send_error(response, 404, "no such job");
      send_json(response, job_json(*status));
    });
    http.Post(R"(/api/jobs/(\d+)/cancel)", [this](const httplib::Request& request, httplib::Response& response) {
      if (!jobs.cancel(parse_id(request.matches[1].str()))) return send_error(response, 404, "no such running job");
      send_json(response, json{{"cancelling", true}});
    });
    http.Post("/api/jobs",
              [this](const httplib::Request& request, httplib::Response& response) { start_job(request, response); });
  }

  static json job_json(const JobStatus& s) {
    return json{{"id", s.id},
                {"kind", s.kind},
                {"input", s.input},
                {"output", s.output},
                {"state", job_state_name(s.state)},
                {"exit_code", s.exit_code},
                {"percent", s.percent},
                {"eta", s.eta},
                {"elapsed_s", s.elapsed_s},
                {"started", s.started},
                {"finished", s.finished},
                {"log", s.log_tail}};
  }

  void check(const httplib::Request& request, httplib::Response& response) const {
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.value("path", json()).is_string() || !body.value("text", json()).is_string())
      return send_error(response, 400, "expected {\"path\": ..., \"text\": ...}");
    const std::string shown_as = body["path"].get<std::string>();
    const auto file = inside(shown_as, response);
    if (!file) return;
    json result{{"ok", false}, {"diagnostics", json::array()}};
    try {
      const validation::CheckedInput checked =
          validation::check_input_text(body["text"].get<std::string>(), file->string(), registry);
      result["ok"] = true;
      result["kind"] = validation::input_kind_name(checked.kind);
      result["summary"] = checked.summary;
      for (const Diagnostic& d : checked.warnings)
        result["diagnostics"].push_back(diagnostic_json(d, workspace, *file, shown_as));
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics()) result["diagnostics"].push_back(diagnostic_json(d, workspace, *file, shown_as));
    } catch (const ModelError& e) {
      result["diagnostics"].push_back(
          json{{"severity", "error"}, {"file", shown_as}, {"line", 0}, {"column", 0}, {"key", ""}, {"message", e.what()}});
    }
    send_json(response, result);
  }

  void start_job(const httplib::Request& request, httplib::Response& response) {
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.value("kind", json()).is_string())
      return send_error(response, 400, "expected {\"kind\": \"run\"|\"study\"|\"validate\"|\"calibrate\", ...}");
    JobSpec spec;
    spec.kind = body["kind"].get<std::string>();
    const auto text_field = [&](const char* name) {
      const json& value = body.value(name, json());
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    const bool resume = body.value("resume", false);
    const bool force = body.value("force", false);
    spec.input = text_field("input");
    std::optional<fs::path> input;
    if (spec.kind != "validate") {
      input = inside(spec.input, response);
      if (!input) return;
      std::error_code error;
      if (!fs::is_regular_file(*input, error)) return send_error(response, 404, fmt::format("no such file: {}", spec.input));
    } else if (!spec.input.empty()) {
      return send_error(response, 400, "validate takes no input file");
    }
    spec.output = text_field("out");
    if (spec.output.empty()) spec.output = spec.kind == "validate" ? "runs/validation" : "runs/" + input->stem().string();
    const auto output = inside(spec.output, response);
    if (!output) return;
    // Never the workspace itself: --force would replace whatever a previous run left there.
    if (*output == workspace) return send_error(response, 400, "the output folder must be a folder inside the workspace");
    if (const fs::path own = workspace / job_list_folder; *output == own || output->string().starts_with(own.string() + "/"))
      return send_error(response, 400, fmt::format("{} is the workbench's own folder, not an output folder", job_list_folder));
    spec.output = workspace_relative(workspace, *output);
    if (spec.kind == "run" || spec.kind == "study") {
      spec.arguments = {spec.kind, input->string()};
      if (resume) {
        spec.arguments.insert(spec.arguments.end(), {"--resume", output->string()});
      } else {
        spec.arguments.insert(spec.arguments.end(), {"--out", output->string()});
        if (force) spec.arguments.emplace_back("--force");
      }
    } else if (spec.kind == "calibrate") {
      spec.arguments = {"calibrate", input->string(), "--out", output->string()};
      if (resume) spec.arguments.emplace_back("--resume");
      if (force) spec.arguments.emplace_back("--force");
    } else if (spec.kind == "validate") {
      spec.arguments = {"validate", "--out", output->string()};
      if (const std::string filter = text_field("filter"); !filter.empty())
        spec.arguments.insert(spec.arguments.end(), {"--filter", filter});
    } else {
      return send_error(response, 400, fmt::format("unknown job kind '{}' (run, study, validate, calibrate)", spec.kind));
    }
    if (const json& threads = body.value("threads", json()); threads.is_number_unsigned() && threads.get<unsigned>() >= 1)
      spec.arguments.insert(spec.arguments.end(), {"--threads", std::to_string(std::min(threads.get<unsigned>(), 1024U))});
    const auto id = jobs.start(spec);
    if (!id)
      return send_error(response, 429, fmt::format("{} jobs are running already; wait for one or cancel it", options.max_jobs));
    send_json(response, json{{"id", *id}, {"output", spec.output}}, 202);
  }
};

Workbench::Workbench(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Workbench::~Workbench() = default;
int Workbench::port() const { return impl_->port; }
const std::string& Workbench::token() const { return impl_->token; }
std::string Workbench::url() const { return fmt::format("http://{}:{}/?token={}", loopback_address, impl_->port, impl_->token); }
bool Workbench::serve() { return impl_->http.listen_after_bind(); }
void Workbench::stop() { impl_->http.stop(); }

}  // namespace bungner::serve
