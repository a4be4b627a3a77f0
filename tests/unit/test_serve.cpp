// The workbench server's security (issue 26): loopback only, a token on every request, no file
// outside the workspace, bounded bodies; and the pieces it is built from.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "bungner/core/text.hpp"
#include "bungner/serve/axons.hpp"
#include "bungner/serve/jobs.hpp"
#include "bungner/serve/server.hpp"
#include "bungner/serve/workspace.hpp"

namespace fs = std::filesystem;
using bungner::serve::resolve_in_workspace;
using nlohmann::json;

namespace {

/// A fresh folder under the system's temporary folder, removed at the end of the test.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern = (fs::temp_directory_path() / "bungner-serve-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = fs::canonical(pattern);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return json::parse(in);
}

/// The job's status once it has ended (or after 20 s).
bungner::serve::JobStatus wait_for_end(const bungner::serve::JobRunner& runner, int id) {
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const auto status = runner.status(id);
    if (status && status->state != bungner::serve::JobState::running) return *status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return *runner.status(id);
}

}  // namespace

TEST(ServeWorkspace, ResolvesPathsInsideAndRefusesEveryWayOut) {
  TemporaryFolder outside;
  const fs::path workspace = outside.path() / "workspace";
  write(workspace / "scenarios" / "a.toml", "title = \"a\"\n");
  write(outside.path() / "secret.txt", "secret");
  fs::create_directory_symlink(outside.path(), workspace / "escape");

  EXPECT_EQ(resolve_in_workspace(workspace, "scenarios/a.toml"), workspace / "scenarios" / "a.toml");
  EXPECT_EQ(resolve_in_workspace(workspace, "runs/not-yet-written"), workspace / "runs" / "not-yet-written");
  EXPECT_EQ(resolve_in_workspace(workspace, ""), workspace);
  EXPECT_EQ(resolve_in_workspace(workspace, "scenarios/./a.toml"), workspace / "scenarios" / "a.toml");
  for (const std::string& refused :
       std::vector<std::string>{"../secret.txt", "scenarios/../../secret.txt", "scenarios/../a.toml", "..", "/etc/passwd",
                                "escape/secret.txt", "escape", std::string("a\0b", 3)})
    EXPECT_FALSE(resolve_in_workspace(workspace, refused)) << refused;
}

TEST(ServeToken, IsLongRandomAndComparedWhole) {
  std::set<std::string> tokens;
  for (int i = 0; i < 16; ++i) {
    const std::string token = bungner::serve::make_access_token();
    EXPECT_EQ(token.size(), 64U);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 16U);
  const std::string token = *tokens.begin();
  EXPECT_TRUE(bungner::serve::token_matches(token, token));
  EXPECT_FALSE(bungner::serve::token_matches(token, token.substr(0, 63)));
  EXPECT_FALSE(bungner::serve::token_matches(token, token + "0"));
  EXPECT_FALSE(bungner::serve::token_matches(token, ""));
  EXPECT_FALSE(bungner::serve::token_matches("", ""));
  std::string changed = token;
  changed.back() = changed.back() == '0' ? '1' : '0';
  EXPECT_FALSE(bungner::serve::token_matches(token, changed));
}

TEST(ServeJobs, ProgressIsTheLastProgressLine) {
  EXPECT_FALSE(bungner::serve::last_progress("[12:00:00] info loading\n"));
  const std::string log =
      "[12:00:00] info study: 8/64 subjects (12%), elapsed 1s, ETA 7s\n"
      "[12:00:01] info study: 25/64 subjects (39%), elapsed 3s, ETA 5s\n"
      "[12:00:01] info writing summary.csv\n";
  const auto progress = bungner::serve::last_progress(log);
  ASSERT_TRUE(progress);
  EXPECT_DOUBLE_EQ(progress->first, 39);
  EXPECT_EQ(progress->second, "5s");
  const auto run = bungner::serve::last_progress("[12:00:00] info run: 40% done, elapsed 2s, ETA 3s");
  ASSERT_TRUE(run);
  EXPECT_DOUBLE_EQ(run->first, 40);
  EXPECT_EQ(run->second, "3s");
}

// Jobs survive a restart of the server (issue 26): the list as a server killed mid-job leaves it
// on disk is read back, the job that was running becomes `interrupted`, ids go on after the
// largest, and what the restarted runner does is kept for the next start.
TEST(ServeJobs, ReloadsTheJobListAndMarksRunningJobsInterrupted) {
  TemporaryFolder folder;
  const fs::path journal = folder.path() / ".bungner-serve" / "jobs.json";
  // Job 7 "runs" under this test's own process id but another command line: a process id the
  // system has given to another process since, which must not be signalled.
  write(journal, fmt::format(R"({{"format": 1, "jobs": [
    {{"id": 3, "kind": "study", "input": "s.toml", "output": "runs/s", "arguments": ["study", "s.toml"],
      "command": ["/bin/true", "study", "s.toml"], "pid": -1, "state": "succeeded", "exit_code": 0,
      "started": 1000, "finished": 1012.5, "log": "study: 64/64 subjects (100%), elapsed 12s, ETA 0s\n"}},
    {{"id": 7, "kind": "run", "input": "r.toml", "output": "runs/r", "arguments": ["run", "r.toml"],
      "command": ["/bin/sleep", "1000"], "pid": {}, "state": "running", "exit_code": -1,
      "started": 2000, "finished": 2030, "log": "run: 40% done, elapsed 30s, ETA 45s\n"}}]}})",
                             ::getpid()));
  {
    bungner::serve::JobRunner runner("/bin/true", folder.path(), 2, journal);
    const auto jobs = runner.list();
    ASSERT_EQ(jobs.size(), 2U);
    EXPECT_EQ(jobs[0].id, 3);
    EXPECT_EQ(jobs[0].state, bungner::serve::JobState::succeeded);
    EXPECT_EQ(jobs[0].exit_code, 0);
    EXPECT_EQ(jobs[0].output, "runs/s");
    EXPECT_DOUBLE_EQ(jobs[0].elapsed_s, 12.5);
    EXPECT_DOUBLE_EQ(jobs[0].percent, 100);
    EXPECT_EQ(jobs[1].id, 7);
    EXPECT_EQ(jobs[1].state, bungner::serve::JobState::interrupted);
    EXPECT_STREQ(bungner::serve::job_state_name(jobs[1].state), "interrupted");
    EXPECT_EQ(jobs[1].kind, "run");
    EXPECT_EQ(jobs[1].input, "r.toml");
    EXPECT_EQ(jobs[1].exit_code, -1);
    EXPECT_DOUBLE_EQ(jobs[1].started, 2000);
    EXPECT_DOUBLE_EQ(jobs[1].elapsed_s, 30);  // until it was last seen
    EXPECT_DOUBLE_EQ(jobs[1].percent, 40);    // its last progress line
    EXPECT_NE(jobs[1].log_tail.find("ETA 45s"), std::string::npos);
    // Written back at once: a second crash keeps it interrupted.
    EXPECT_EQ(read_json(journal)["jobs"][1]["state"], "interrupted");

    bungner::serve::JobSpec spec{"run", "new.toml", "runs/new", {}};
    const auto id = runner.start(spec);
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, 8);
    EXPECT_EQ(wait_for_end(runner, *id).state, bungner::serve::JobState::succeeded);
  }
  bungner::serve::JobRunner restarted("/bin/true", folder.path(), 2, journal);
  const auto jobs = restarted.list();
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[1].state, bungner::serve::JobState::interrupted);
  EXPECT_EQ(jobs[2].id, 8);
  EXPECT_EQ(jobs[2].state, bungner::serve::JobState::succeeded);
  EXPECT_EQ(jobs[2].exit_code, 0);
  EXPECT_EQ(jobs[2].output, "runs/new");
  EXPECT_GE(jobs[2].finished, jobs[2].started);
  EXPECT_GT(jobs[2].started, 1.7e9);  // seconds since the epoch, not since the server started
  for (const auto& entry : fs::directory_iterator(journal.parent_path()))
    EXPECT_EQ(entry.path().filename(), "jobs.json") << "a temporary left behind: " << entry.path();
}

// A job running when its server was killed is in the list on disk, and the next start stops it
// (nobody reads its output any more) and reports it interrupted.
TEST(ServeJobs, StopsTheJobOfAKilledServerOnRestart) {
  TemporaryFolder first, second;
  bungner::serve::JobRunner runner("/bin/sleep", first.path(), 1, first.path() / ".bungner-serve" / "jobs.json");
  const auto id = runner.start(bungner::serve::JobSpec{"run", "r.toml", "runs/r", {"30"}});
  ASSERT_TRUE(id);
  const json saved = read_json(first.path() / ".bungner-serve" / "jobs.json");
  ASSERT_EQ(saved["jobs"].size(), 1U);
  EXPECT_EQ(saved["jobs"][0]["state"], "running");
  EXPECT_GT(saved["jobs"][0]["pid"].get<int>(), 0);
  EXPECT_EQ(saved["jobs"][0]["command"], json::array({"/bin/sleep", "30"}));
  // The list as the killed server left it, read by the next server.
  write(second.path() / ".bungner-serve" / "jobs.json", saved.dump());
  const auto start = std::chrono::steady_clock::now();
  bungner::serve::JobRunner restarted("/bin/sleep", second.path(), 1, second.path() / ".bungner-serve" / "jobs.json");
  EXPECT_EQ(restarted.list().at(0).state, bungner::serve::JobState::interrupted);
  // The sleep ended by SIGTERM, long before its 30 s.
  const auto ended = wait_for_end(runner, *id);
  EXPECT_EQ(ended.state, bungner::serve::JobState::failed);
  EXPECT_EQ(ended.exit_code, 128 + SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

// The list keeps the newest 200 jobs across restarts, not every job ever run.
TEST(ServeJobs, KeepsTheNewestJobsAcrossRestarts) {
  TemporaryFolder folder;
  const fs::path journal = folder.path() / ".bungner-serve" / "jobs.json";
  json jobs = json::array();
  for (int id = 1; id <= 205; ++id)
    jobs.push_back(json{{"id", id},
                        {"kind", "run"},
                        {"input", "r.toml"},
                        {"output", fmt::format("runs/r{}", id)},
                        {"arguments", json::array()},
                        {"command", json::array()},
                        {"pid", -1},
                        {"state", "succeeded"},
                        {"exit_code", 0},
                        {"started", 1000 + id},
                        {"finished", 1001 + id},
                        {"log", ""}});
  write(journal, json{{"format", 1}, {"jobs", jobs}}.dump());
  {
    bungner::serve::JobRunner runner("/bin/true", folder.path(), 1, journal);
    const auto listed = runner.list();
    ASSERT_EQ(listed.size(), 200U);
    EXPECT_EQ(listed.front().id, 6);
    EXPECT_EQ(listed.back().id, 205);
    const auto id = runner.start(bungner::serve::JobSpec{"run", "r.toml", "runs/new", {}});
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, 206);
    wait_for_end(runner, *id);
  }
  const json saved = read_json(journal);
  ASSERT_EQ(saved["jobs"].size(), 200U);
  EXPECT_EQ(saved["jobs"].front()["id"], 7);
  EXPECT_EQ(saved["jobs"].back()["id"], 206);
}

TEST(ServeJobs, RefusesASecondServerAndADamagedList) {
  TemporaryFolder folder;
  const fs::path journal = folder.path() / ".bungner-serve" / "jobs.json";
  {
    bungner::serve::JobRunner runner("/bin/true", folder.path(), 1, journal);
    try {
      bungner::serve::JobRunner second("/bin/true", folder.path(), 1, journal);
      ADD_FAILURE() << "two runners share one job list";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("in use by another `bungner serve`"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(bungner::serve::JobRunner("/bin/true", folder.path(), 1, journal));  // the lock went with it
  for (const std::string& damaged : {std::string("{\"format\": 1, \"jobs\": [{\"id\": 1}]}"), std::string("{not json"),
                                     std::string("{\"format\": 2, \"jobs\": []}")}) {
    write(journal, damaged);
    try {
      bungner::serve::JobRunner runner("/bin/true", folder.path(), 1, journal);
      ADD_FAILURE() << "accepted " << damaged;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(journal.string() + " is damaged"), std::string::npos) << e.what();
    }
  }
}

/// A DataArray as io/vtk.cpp writes it: base64 of the byte count (UInt64), then of the values.
template <typename T>
std::string vtk_array(const std::string& name, const std::string& type, const std::vector<T>& values, int components = 1) {
  const std::uint64_t bytes = values.size() * sizeof(T);
  return fmt::format(R"(<DataArray type="{}" Name="{}" NumberOfComponents="{}" format="binary">{}{}</DataArray>)", type, name,
                     components, bungner::text::base64_encode(&bytes, sizeof bytes),
                     bungner::text::base64_encode(values.data(), bytes));
}

/// Three axons of 3, 2 and 4 segments (points 0-3, 4-6, 7-11), point i at (i, 10 i, 100 i).
std::string three_axons_vtp() {
  std::vector<double> points;
  for (int i = 0; i < 12; ++i) points.insert(points.end(), {1.0 * i, 10.0 * i, 100.0 * i});
  std::vector<std::int64_t> connectivity, offsets;
  for (const auto& [first, last] : {std::pair{0, 3}, std::pair{4, 6}, std::pair{7, 11}})
    for (int p = first; p < last; ++p) {
      connectivity.insert(connectivity.end(), {p, p + 1});
      offsets.push_back(static_cast<std::int64_t>(connectivity.size()));
    }
  return "<VTKFile type=\"PolyData\"><PolyData><Piece><Points>" + vtk_array("Points", "Float64", points, 3) + "</Points><Lines>" +
         vtk_array("connectivity", "Int64", connectivity) + vtk_array("offsets", "Int64", offsets) +
         "</Lines></Piece></PolyData></VTKFile>\n";
}

TEST(ServeAxons, ThinsALargeAxonFileToWholeAxons) {
  const std::string xml = three_axons_vtp();
  const auto all = bungner::serve::decimate_axons_vtp(xml, 100);
  EXPECT_EQ(all.total_segments, 9U);
  EXPECT_EQ(all.total_axons, 3U);
  EXPECT_EQ(all.kept_axons, 3U);
  EXPECT_EQ(all.stride, 1U);
  ASSERT_EQ(all.segments.size(), 9U * 6U);
  // The 5th segment is the second axon's second: points 5 and 6.
  EXPECT_EQ(std::vector<float>(all.segments.begin() + 24, all.segments.begin() + 30),
            (std::vector<float>{5, 50, 500, 6, 60, 600}));
  // At most 4 segments: every 3rd axon, whole: the first one (3 segments).
  const auto thinned = bungner::serve::decimate_axons_vtp(xml, 4);
  EXPECT_EQ(thinned.stride, 3U);
  EXPECT_EQ(thinned.kept_axons, 1U);
  EXPECT_EQ(thinned.segments, (std::vector<float>{0, 0, 0, 1, 10, 100, 1, 10, 100, 2, 20, 200, 2, 20, 200, 3, 30, 300}));
  // At most 5: every 2nd axon, the first and the third (3 + 4 segments).
  const auto halved = bungner::serve::decimate_axons_vtp(xml, 5);
  EXPECT_EQ(halved.stride, 2U);
  EXPECT_EQ(halved.kept_axons, 2U);
  ASSERT_EQ(halved.segments.size(), 7U * 6U);
  EXPECT_FLOAT_EQ(halved.segments.back(), 1100);
  EXPECT_THROW(bungner::serve::decimate_axons_vtp("<VTKFile/>", 10), std::runtime_error);
  std::string no_points = xml;
  no_points.replace(no_points.find(R"(Name="Points")"), 13, R"(Name="Pointz")");
  EXPECT_THROW(bungner::serve::decimate_axons_vtp(no_points, 10), std::runtime_error);
}

/// A workbench answering on its own thread, over a temporary workspace; jobs would run /bin/false.
class ServeServer : public ::testing::Test {
 protected:
  void SetUp() override {
    write(folder_.path() / "workspace" / "scenarios" / "crush.toml", scenario_text());
    write(folder_.path() / "secret.txt", "secret");
    bungner::serve::ServerOptions options;
    options.workspace = folder_.path() / "workspace";
    options.executable = "/bin/false";
    options.max_body_bytes = std::size_t{4} << 20U;
    workbench_ = std::make_unique<bungner::serve::Workbench>(options);
    thread_ = std::thread([this] { workbench_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", workbench_->port());
    client_->set_read_timeout(std::chrono::seconds(30));
    client_->set_write_timeout(std::chrono::seconds(30));
    // Until it answers (the socket is bound already: requests queue until serve() runs).
    for (int attempt = 0; attempt < 100 && !client_->Get("/api/info", with_token()); ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  void TearDown() override {
    workbench_->stop();
    thread_.join();
  }
  static std::string scenario_text() {
    std::ifstream in(fs::path(BUNGNER_SOURCE_DIR) / "scenarios" / "rat-sciatic-crush.toml");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  httplib::Headers with_token() const { return {{"X-Bungner-Token", workbench_->token()}}; }
  int status_of(const httplib::Result& result) const { return result ? result->status : -1; }
  /// The status of a response to `head` ({port} and {token} filled in) sent alone over a socket of
  /// its own: a request's headers without the body they announce.
  int raw_status(const std::string& head) const {
    const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(workbench_->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string request = head;
    for (const auto& [name, value] :
         {std::pair<std::string, std::string>{"{port}", std::to_string(workbench_->port())}, {"{token}", workbench_->token()}})
      request.replace(request.find(name), name.size(), value);
    std::string reply(4096, '\0');
    ssize_t got = -1;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
        ::send(socket_fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()))
      got = ::recv(socket_fd, reply.data(), reply.size(), 0);
    ::close(socket_fd);
    if (got < 12 || !reply.starts_with("HTTP/1.1 ")) return -1;
    return std::stoi(reply.substr(9, 3));
  }

  TemporaryFolder folder_;
  std::unique_ptr<bungner::serve::Workbench> workbench_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServeServer, RefusesRequestsWithoutTheToken) {
  EXPECT_EQ(workbench_->url(), fmt::format("http://127.0.0.1:{}/?token={}", workbench_->port(), workbench_->token()));
  for (const char* path : {"/", "/api/info", "/api/schema", "/api/files", "/api/file?path=scenarios/crush.toml", "/api/jobs",
                           "/workbench.js", "/workspace/scenarios/crush.toml", "/no-such-page"})
    EXPECT_EQ(status_of(client_->Get(path)), 403) << path;
  EXPECT_EQ(status_of(client_->Get("/api/info", {{"X-Bungner-Token", "wrong"}})), 403);
  EXPECT_EQ(status_of(client_->Get("/api/info?token=" + workbench_->token().substr(1))), 403);
  EXPECT_EQ(status_of(client_->Post("/api/jobs", R"({"kind":"run","input":"scenarios/crush.toml"})", "application/json")), 403);
  // The token in the query, a header or the cookie the first page sets.
  const auto page = client_->Get("/?token=" + workbench_->token());
  ASSERT_EQ(status_of(page), 200);
  const std::string cookie = page->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_EQ(status_of(client_->Get("/api/info", with_token())), 200);
  EXPECT_EQ(status_of(client_->Get("/api/info", {{"Cookie", cookie.substr(0, cookie.find(';'))}})), 200);
  EXPECT_EQ(status_of(client_->Get("/api/info", {{"Cookie", fmt::format("bungner_token_{}=nope", workbench_->port())}})), 403);
  // The browser sends the cookie to this port from any page on 127.0.0.1 (the same site): only
  // the workbench's own pages may use it.
  const std::string cookie_pair = cookie.substr(0, cookie.find(';'));
  const std::string own = fmt::format("http://127.0.0.1:{}", workbench_->port());
  EXPECT_EQ(status_of(client_->Post("/api/jobs", {{"Cookie", cookie_pair}, {"Sec-Fetch-Site", "same-origin"}, {"Origin", own}},
                                    R"({"kind":"none","input":"scenarios/crush.toml"})", "application/json")),
            400);  // admitted, then refused for what it asks
  EXPECT_EQ(status_of(client_->Post("/api/jobs", {{"Cookie", cookie_pair}, {"Sec-Fetch-Site", "same-site"}},
                                    R"({"kind":"run","input":"scenarios/crush.toml"})", "application/json")),
            403);
  EXPECT_EQ(status_of(client_->Post("/api/jobs", {{"Cookie", cookie_pair}, {"Origin", "http://127.0.0.1:1"}},
                                    R"({"kind":"run","input":"scenarios/crush.toml"})", "application/json")),
            403);
  EXPECT_EQ(status_of(client_->Get("/api/info", {{"Cookie", cookie_pair}, {"Sec-Fetch-Site", "cross-site"}})), 403);
}

TEST_F(ServeServer, RefusesAnotherHostName) {
  // A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
  httplib::Headers headers = with_token();
  headers.emplace("Host", fmt::format("attacker.example:{}", workbench_->port()));
  EXPECT_EQ(status_of(client_->Get("/api/info", headers)), 403);
}

TEST_F(ServeServer, ServesOnlyFilesInsideTheWorkspace) {
  const auto inside = client_->Get("/api/file?path=scenarios/crush.toml", with_token());
  ASSERT_EQ(status_of(inside), 200);
  EXPECT_EQ(inside->body, scenario_text());
  for (const char* path : {"/api/file?path=../secret.txt", "/api/file?path=scenarios/../../secret.txt",
                           "/api/file?path=%2E%2E%2Fsecret.txt", "/api/file?path=/etc/passwd", "/api/files?dir=..",
                           "/workspace/../secret.txt", "/workspace/scenarios/%2E%2E/%2E%2E/secret.txt"}) {
    const auto result = client_->Get(path, with_token());
    EXPECT_TRUE(status_of(result) == 403 || status_of(result) == 400) << path << ": " << status_of(result);
    if (result) {
      EXPECT_EQ(result->body.find("secret\""), std::string::npos) << path;
    }
  }
  EXPECT_EQ(status_of(client_->Put("/api/file?path=../evil.toml", "x = 1", "text/plain")), 403);
  EXPECT_EQ(status_of(client_->Put("/api/file?path=../evil.toml", with_token(), "x = 1", "text/plain")), 403);
  EXPECT_FALSE(fs::exists(folder_.path() / "evil.toml"));
  const json start = {{"kind", "run"}, {"input", "scenarios/crush.toml"}, {"out", "../runs"}};
  EXPECT_EQ(status_of(client_->Post("/api/jobs", with_token(), start.dump(), "application/json")), 403);
}

TEST_F(ServeServer, RefusesBodiesOverTheLimit) {
  const std::string body(std::size_t{100} << 20U, 'x');  // 100 MB
  EXPECT_EQ(status_of(client_->Post("/api/check", with_token(), body, "application/json")), 413);
  // Nor a body without a length (chunked), which would otherwise have no bound: refused on its
  // headers, before any of it is read.
  EXPECT_EQ(raw_status("POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Bungner-Token: {token}\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411);
  EXPECT_EQ(status_of(client_->Get("/api/info", with_token())), 200);
  // Just under the limit it is read (and refused for what it says).
  EXPECT_EQ(status_of(client_->Post("/api/check", with_token(), std::string(4000000, 'x'), "application/json")), 400);
}

TEST_F(ServeServer, ListensOnLoopbackOnly) {
  // The kernel's table of TCP sockets: the listening one (state 0A) on this port has the address
  // 127.0.0.1 (0100007F, little-endian hex), and no other listens on the port.
  std::ifstream table("/proc/net/tcp");
  ASSERT_TRUE(table) << "no /proc/net/tcp";
  const std::string port = fmt::format(":{:04X}", workbench_->port());
  std::string line;
  std::vector<std::string> listening;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.ends_with(port)) listening.push_back(local);
  }
  EXPECT_EQ(listening, std::vector<std::string>{"0100007F" + port});
  std::ifstream table6("/proc/net/tcp6");
  while (table6 && std::getline(table6, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    EXPECT_FALSE(state == "0A" && local.ends_with(port)) << line;
  }
}

TEST_F(ServeServer, ChecksTheTextAsBungnerCheckDoes) {
  std::string text = scenario_text();
  const auto check = [&](const std::string& edited) {
    const auto result = client_->Post("/api/check", with_token(), json{{"path", "scenarios/crush.toml"}, {"text", edited}}.dump(),
                                      "application/json");
    EXPECT_EQ(status_of(result), 200);
    return result ? json::parse(result->body) : json();
  };
  const json good = check(text);
  EXPECT_TRUE(good["ok"].get<bool>()) << good.dump();
  EXPECT_EQ(good["kind"], "scenario");
  text.replace(text.find("\"12 weeks\""), 10, "\"12 furlongs\"");
  const json bad = check(text);
  EXPECT_FALSE(bad["ok"].get<bool>()) << bad.dump();
  ASSERT_FALSE(bad["diagnostics"].empty());
  const json& diagnostic = bad["diagnostics"][0];
  EXPECT_EQ(diagnostic["file"], "scenarios/crush.toml");
  EXPECT_EQ(diagnostic["key"], "simulation.duration");
  EXPECT_EQ(diagnostic["severity"], "error");
  EXPECT_GT(diagnostic["line"].get<int>(), 1);
  EXPECT_GT(diagnostic["column"].get<int>(), 1);
}

// A calibration file is checked as `bungner calibrate` reads it, not as a scenario.
TEST_F(ServeServer, ChecksACalibrationFileAsACalibration) {
  const std::string source = BUNGNER_SOURCE_DIR;
  const std::string calibration = fmt::format(R"(particles = 3
cases = "{0}/validation"
evidence = "{0}/data/evidence/evidence.csv"
[[parameters]]
name = "neuron_survival.death_time_constant"
prior = "log_uniform"
low = "5 d"
high = "40 d"
[[fit]]
entry = "E25"
)",
                                              source);
  const auto check = [&](const std::string& text) {
    const auto result = client_->Post("/api/check", with_token(), json{{"path", "scenarios/tiny.toml"}, {"text", text}}.dump(),
                                      "application/json");
    EXPECT_EQ(status_of(result), 200);
    return result ? json::parse(result->body) : json();
  };
  const json good = check(calibration);
  EXPECT_TRUE(good["ok"].get<bool>()) << good.dump();
  EXPECT_EQ(good["kind"], "calibration");
  EXPECT_EQ(good["summary"], "calibration: 1 parameter, 1 fit entry, 3 particles");
  std::string unknown = calibration;
  unknown.replace(unknown.find("death_time_constant"), 19, "death_time_konstant");
  const json bad = check(unknown);
  EXPECT_FALSE(bad["ok"].get<bool>()) << bad.dump();
  ASSERT_EQ(bad["diagnostics"].size(), 1U) << bad.dump();
  EXPECT_EQ(bad["diagnostics"][0]["file"], "scenarios/tiny.toml");
  EXPECT_EQ(bad["diagnostics"][0]["line"], 5);
  EXPECT_NE(bad["diagnostics"][0]["message"].get<std::string>().find("death_time_constant"), std::string::npos)
      << bad.dump();  // did you mean
}

TEST_F(ServeServer, OutlinesTheTomlWithTheSpanOfEachValue) {
  const auto result = client_->Post(
      "/api/outline", with_token(),
      json{{"text", "title = \"x\"\n[[arms]]\nset = { therapies = [{ dose = \"5 mg/kg/day\" }] }\n"}}.dump(), "application/json");
  ASSERT_EQ(status_of(result), 200);
  const json outline = json::parse(result->body);
  ASSERT_EQ(outline["keys"].size(), 2U) << outline.dump();
  const json& dose = outline["keys"][1];
  EXPECT_EQ(dose["key"], "arms[0].set.therapies[0].dose");
  EXPECT_EQ(dose["value"], "\"5 mg/kg/day\"");
  EXPECT_EQ(dose["line"], 3);
  EXPECT_EQ(dose["column"], 31);
  EXPECT_EQ(dose["end_column"], 44);  // one past the closing quote
}

TEST_F(ServeServer, BoundsTheJobsRunningAtOnce) {
  const json unknown = {{"kind", "rm"}, {"input", "scenarios/crush.toml"}};
  EXPECT_EQ(status_of(client_->Post("/api/jobs", with_token(), unknown.dump(), "application/json")), 400);
  const json missing = {{"kind", "run"}, {"input", "scenarios/none.toml"}};
  EXPECT_EQ(status_of(client_->Post("/api/jobs", with_token(), missing.dump(), "application/json")), 404);
}

TEST_F(ServeServer, WritesOnlyTomlInputsAndPngFramesInsideTheWorkspace) {
  const fs::path workspace = folder_.path() / "workspace";
  EXPECT_EQ(status_of(client_->Put("/api/file?path=scenarios/new.toml", with_token(), "title = \"new\"\n", "text/plain")), 200);
  std::ifstream saved(workspace / "scenarios" / "new.toml");
  std::string line;
  std::getline(saved, line);
  EXPECT_EQ(line, "title = \"new\"");
  EXPECT_EQ(status_of(client_->Put("/api/file?path=scenarios/run.sh", with_token(), "rm -rf ~", "text/plain")), 400);
  EXPECT_EQ(status_of(client_->Put("/api/file?path=no-such-folder/a.toml", with_token(), "x = 1", "text/plain")), 404);
  EXPECT_FALSE(fs::exists(workspace / "scenarios" / "run.sh"));

  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "frame";
  EXPECT_EQ(status_of(client_->Post("/api/timelapse?dir=scenarios&frame=3", with_token(), png, "image/png")), 200);
  EXPECT_TRUE(fs::exists(workspace / "scenarios" / "timelapse" / "frame_0003.png"));
  EXPECT_EQ(status_of(client_->Post("/api/timelapse?dir=scenarios&frame=4", with_token(), "<html>", "image/png")), 400);
  EXPECT_EQ(status_of(client_->Post("/api/timelapse?dir=..&frame=5", with_token(), png, "image/png")), 403);

  // Workspace files go to frames sandboxed: a page there cannot call the API as the workbench.
  const auto raw = client_->Get("/workspace/scenarios/crush.toml", with_token());
  ASSERT_EQ(status_of(raw), 200);
  EXPECT_EQ(raw->get_header_value("Content-Security-Policy"), "sandbox allow-scripts");
}

TEST_F(ServeServer, SendsLargeAxonFilesThinned) {
  write(folder_.path() / "workspace" / "runs" / "r" / "paraview" / "axons_000001.vtp", three_axons_vtp());
  const auto thinned = client_->Get("/api/axons?path=runs/r/paraview/axons_000001.vtp&max_segments=4", with_token());
  ASSERT_EQ(status_of(thinned), 200);
  EXPECT_EQ(thinned->get_header_value("X-Bungner-Axons"), "segments=9 kept=3 axons=3 kept_axons=1 stride=3");
  ASSERT_EQ(thinned->body.size(), 3U * 6U * sizeof(float));
  std::vector<float> floats(18);
  std::memcpy(floats.data(), thinned->body.data(), thinned->body.size());
  EXPECT_EQ(floats[3], 1);
  EXPECT_EQ(floats[17], 300);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=runs/r/paraview/axons_000001.vtp", with_token())), 200);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=runs/r/paraview/axons_000001.vtp&max_segments=0", with_token())), 400);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=scenarios/crush.toml", with_token())), 400);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=../x.vtp", with_token())), 403);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=runs/r/none.vtp", with_token())), 404);
  write(folder_.path() / "workspace" / "runs" / "r" / "paraview" / "bad.vtp", "<VTKFile/>");
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=runs/r/paraview/bad.vtp", with_token())), 400);
  EXPECT_EQ(status_of(client_->Get("/api/axons?path=runs/r/paraview/axons_000001.vtp")), 403);  // no token
}
