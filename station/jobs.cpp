#include "station/jobs.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sys.hpp"
#include "core/wipe_event.hpp"
#include "device/sim_target.hpp"
#include "device/target.hpp"
#include "station/custody.hpp"
#include "station/ingest.hpp"

namespace wipeproof::station {
using nlohmann::json;

namespace {

json request_json(const JobRequest& r) {
  return {{"device", r.device}, {"level", r.level},         {"method", r.method},
          {"confirm", r.confirm}, {"operator", r.operator_name}, {"bay", r.bay}};
}

JobRequest request_of(const json& j) {
  JobRequest r;
  r.device = j.value("device", "");
  r.level = j.value("level", "");
  r.method = j.value("method", "");
  r.confirm = j.value("confirm", "");
  r.operator_name = j.value("operator", "");
  r.bay = j.value("bay", "");
  return r;
}

}  // namespace

JobManager::JobManager(JobConfig config, Registry& registry) : config_(std::move(config)), registry_(registry) {
  load_history();
  if (config_.auto_resume) resume_interrupted();
  poller_ = std::thread([this] { poll_loop(); });
}

std::vector<std::string> JobManager::signing_args() const {
  std::vector<std::string> a;
  if (config_.no_sign) a.push_back("--no-sign");
  if (!config_.keys.empty()) a.insert(a.end(), {"--keys", config_.keys});
  if (!config_.site.empty()) a.insert(a.end(), {"--site", config_.site});
  return a;
}

Result<std::unique_ptr<ChildProcess>> JobManager::spawn(const std::string& id, std::vector<std::string> argv) {
  std::vector<std::string> sign = signing_args();
  argv.insert(argv.end(), sign.begin(), sign.end());
  std::error_code ec;
  std::filesystem::create_directories(config_.out_dir, ec);
  // Each run of a job appends to its log: a resumed job keeps the interrupted run's lines.
  WP_ASSIGN_OR_RETURN(ChildProcess child,
                      ChildProcess::spawn(argv, (std::filesystem::path(config_.out_dir) / (id + ".stderr.log")).string()));
  return std::make_unique<ChildProcess>(std::move(child));
}

/// After a reboot or restart, each job the station's own stop interrupted carries on from its
/// journal (`wipeproof resume`, which refuses a different drive in that slot). A job an operator
/// aborted stays stopped. Without a journal to continue (a firmware method, or stopped before the
/// first write) the resume fails and the job stays interrupted, saying why.
void JobManager::resume_interrupted() {
  for (auto& [id, j] : jobs_) {
    const json& s = j.state;
    if (s.value("status", "") != "interrupted" || s.contains("abort_requested_by") || s.contains("restarted_as") ||
        s.value("resume_tried", false))
      continue;
    std::vector<std::string> argv{config_.wipeproof, "resume",  j.request.device, "--json",      "--confirm",
                                  j.request.confirm, "--operator", j.request.operator_name, "--out", config_.out_dir,
                                  "--resumed-by",    "station"};
    auto child = spawn(id, argv);
    j.state["resume_tried"] = true;
    json history = j.state.value("history", json::array());
    history.push_back({{"at", j.state.value("finished", now_utc())}, {"event", "interrupted"},
                       {"reason", j.state.value("interrupted_reason", "")}});
    if (!child) {
      j.state["resume_error"] = child.error().context;
      j.state["history"] = history;
      save(j);
      continue;
    }
    history.push_back({{"at", now_utc()}, {"event", "resumed"}});
    j.state["history"] = history;
    j.state["resumed"] = true;
    j.state["status"] = "running";
    for (const char* stale : {"outcome", "exit_code", "finished", "interrupted_reason", "error", "record_id"})
      j.state.erase(stale);
    j.child = std::move(*child);
    save(j);
    publish("job_started", j.state);
    (void)registry_.audit("station", "job", fmt::format("{} on {}: interrupted → resumed from its journal", id,
                                                        j.request.device));
  }
}

JobManager::~JobManager() { shutdown(); }

void JobManager::load_history() {
  auto states = registry_.job_states(500);
  if (!states) return;
  for (const auto& text : *states) {
    auto s = json::parse(text, nullptr, false);
    if (!s.is_object() || !s.contains("id")) continue;
    Job j;
    j.id = s["id"];
    j.request = request_of(s.value("request", json::object()));
    j.order = s.value("started", "");
    if (s.value("status", "") == "running") {
      // The station stopped without recording this job's end (power loss, crash, kill -9): say so.
      s["status"] = "interrupted";
      s["interrupted_reason"] = "the station stopped while the wipe ran; no record of its end";
      (void)registry_.audit("station", "job", j.id + " found running at start-up: marked interrupted");
    }
    j.state = s;
    save(j);
    jobs_.emplace(j.id, std::move(j));
  }
}

void JobManager::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  std::lock_guard lock(mutex_);
  // SIGTERM makes each wipe stop, write its record with outcome interrupted and exit; wait for
  // that record so no job is left untracked.
  for (auto& [id, j] : jobs_)
    if (j.child) {
      j.child->terminate();
      j.state["interrupted_reason"] = "station shutdown";
    }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdown_grace_ms);
  for (auto& [id, j] : jobs_) {
    if (!j.child) continue;
    while (!reap(j) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (j.child) {  // did not stop in time: the destructor kills it; recorded as interrupted
      j.child.reset();
      finish(j, -1);
    }
    (void)registry_.audit("station", "job", id + " " + j.state.value("status", "") + " at station shutdown");
  }
}

Result<std::string> JobManager::start(const JobRequest& request, const std::string& by) {
  JobRequest r = request;
  // Simulated drives only when the station itself was started with WIPEPROOF_ALLOW_SIM=1 (tests,
  // rehearsals); the wipe child inherits that and applies the same rule. Anything else must
  // resolve to a block device node: "/dev/../etc/shadow" or a symlink in /dev/shm to a file is
  // refused, and the job (its record, its audit line) names the canonical node.
  if (device::is_sim_target(r.device)) {
    WP_RETURN_IF_ERROR(device::sim_targets_allowed());
  } else {
    WP_ASSIGN_OR_RETURN(r.device, device::resolve_block_device(r.device));
  }
  if (r.confirm.empty()) return make_error(ErrorKind::usage, "confirm (the drive's serial) is required");
  if (r.level.empty() == r.method.empty()) return make_error(ErrorKind::usage, "give exactly one of level or method");
  if (!r.level.empty() && r.level != "clear" && r.level != "purge")
    return make_error(ErrorKind::usage, "level must be clear or purge");
  if (r.operator_name.empty()) return make_error(ErrorKind::usage, "operator (a named person) is required");
  std::lock_guard lock(mutex_);
  if (shut_down_) return make_error(ErrorKind::refused, "the station is shutting down");
  for (const auto& [id, j] : jobs_)
    if (j.request.device == r.device && j.child)
      return make_error(ErrorKind::refused, r.device + " already has a running job (" + id + ")");
  WP_ASSIGN_OR_RETURN(std::string id, make_uuid_v4());
  std::vector<std::string> argv{config_.wipeproof, "wipe", r.device, "--json", "--confirm", r.confirm,
                                "--operator", r.operator_name, "--out", config_.out_dir};
  if (!r.level.empty()) argv.insert(argv.end(), {"--level", r.level});
  else argv.insert(argv.end(), {"--method", r.method});
  WP_ASSIGN_OR_RETURN(auto child, spawn(id, argv));
  Job j;
  j.id = id;
  j.request = r;
  j.child = std::move(child);
  j.order = now_utc();
  j.state = {{"id", id},           {"device", r.device},  {"bay", r.bay},          {"status", "running"},
             {"started", j.order}, {"started_by", by},    {"operator", r.operator_name},
             {"request", request_json(r)}, {"progress", {{"phase", "starting"}, {"percent", 0}}}};
  save(j);
  publish("job_started", j.state);
  jobs_.emplace(id, std::move(j));
  (void)registry_.audit(by, "job", fmt::format("{} started on {}{}", id, r.device, r.bay.empty() ? "" : " (bay " + r.bay + ")"));
  return id;
}

Result<std::string> JobManager::restart(const std::string& id, const std::string& by) {
  JobRequest r;
  {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return make_error(ErrorKind::usage, "no such job");
    if (it->second.child) return make_error(ErrorKind::refused, "job is still running");
    r = it->second.request;
  }
  WP_ASSIGN_OR_RETURN(std::string fresh, start(r, by));
  std::lock_guard lock(mutex_);
  if (auto it = jobs_.find(id); it != jobs_.end()) {
    it->second.state["restarted_as"] = fresh;
    save(it->second);
  }
  if (auto it = jobs_.find(fresh); it != jobs_.end()) {
    it->second.state["restart_of"] = id;
    save(it->second);
  }
  return fresh;
}

std::optional<json> JobManager::get(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.state;
}

json JobManager::list() {
  std::lock_guard lock(mutex_);
  json a = json::array();
  for (const auto& [id, j] : jobs_) a.push_back(j.state);
  return a;
}

std::optional<json> JobManager::latest_for_device(const std::string& device) {
  std::lock_guard lock(mutex_);
  const Job* best = nullptr;
  for (const auto& [id, j] : jobs_)
    if (j.request.device == device && (!best || j.order > best->order)) best = &j;
  if (!best) return std::nullopt;
  return best->state;
}

Result<void> JobManager::abort(const std::string& id, const std::string& by) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return make_error(ErrorKind::usage, "no such job");
  if (!it->second.child) return make_error(ErrorKind::refused, "job already finished");
  // SIGTERM: wipe stops, writes its record with outcome interrupted, and exits 130.
  it->second.child->terminate();
  it->second.state["abort_requested_by"] = by;
  (void)registry_.audit(by, "job", id + " abort requested");
  return {};
}

void JobManager::save(const Job& j) {
  (void)registry_.save_job(j.id, j.request.device, j.state.value("status", ""), j.state.dump());
}

void JobManager::publish(const std::string& type, const json& data) {
  if (config_.events) config_.events->publish(type, data);
}

void JobManager::finish(Job& j, int exit_code) {
  j.state["exit_code"] = exit_code;
  j.state["finished"] = now_utc();
  std::string outcome = j.state.value("outcome", "");
  // A resume that could not start (no journal, another drive in the slot) leaves the job as it
  // was: interrupted, with the reason.
  bool resume_failed = outcome.empty() && j.state.value("resumed", false);
  if (resume_failed) j.state["resume_error"] = j.state.value("error", "wipeproof resume failed");
  j.state["status"] = outcome == "interrupted" || (outcome.empty() && j.state.contains("interrupted_reason")) ||
                              resume_failed
                          ? "interrupted"
                      : !outcome.empty() ? "finished"
                                         : "failed";
  // The certificate the wipe issued goes into the registry like an ingested one (verified files).
  if (j.state.contains("certificate_path")) {
    std::string path = j.state["certificate_path"];
    auto text = read_text_file(path);
    auto p7s = read_file_bytes(path.substr(0, path.size() - 5) + ".p7s");
    if (text && p7s) {
      CertificateRow row = row_from_certificate(*text);
      row.p7s = *p7s;
      if (auto pdf = read_file_bytes(path.substr(0, path.size() - 5) + ".pdf"); pdf) row.pdf = *pdf;
      row.source = "station";
      auto ins = registry_.insert_certificate(row);
      j.state["registered"] = ins.has_value();
      if (ins) j.state["certificate"] = row.id;
    }
  }
  record_custody(j);
  save(j);
  publish("job_finished", j.state);
  (void)registry_.audit("station", "job", fmt::format("{} {} (exit {})", j.id, j.state.value("outcome", "no result"), exit_code));
}

/// The station's registry keeps every drive's chain of custody: a job's end is an event in it
/// (a drive whose wipe did not end erased is queued for destruction).
void JobManager::record_custody(Job& j) {
  std::string outcome = j.state.value("outcome", "");
  if (outcome.empty() || outcome == "interrupted") return;
  std::string path = j.state.value("certificate_path", j.state.value("record_path", ""));
  auto text = read_text_file(path);
  if (!text) return;
  auto doc = json::parse(*text, nullptr, false);
  if (!doc.is_object()) return;
  // A certificate keeps the drive under /media, a bare record under /device.
  const json& m = doc.contains("media") ? doc["media"] : doc.value("device", json::object());
  auto s = [&](const char* k) { return m.contains(k) && m[k].is_string() ? m[k].get<std::string>() : std::string(); };
  WipeOutcomeFacts w;
  w.identity.serial = s("serial");
  w.identity.model = s("model");
  w.identity.wwn = s("wwn");
  w.identity.bus = s("bus").empty() ? s("transport") : s("bus");
  w.identity.media_type = s("media_type");
  w.from = j.request.device;
  w.outcome = outcome;
  w.record_id = j.state.value("record_id", "");
  w.method = j.request.method.empty() ? "level " + j.request.level : j.request.method;
  for (const auto& e : j.state.value("exceptions", json::array()))
    if (e.is_string()) w.exceptions.push_back(e.get<std::string>());
  w.certified = j.state.value("registered", false);
  auto id = record_wipe_outcome(registry_, w, j.request.operator_name);
  if (id && !id->empty()) j.state["custody_id"] = *id;
  else if (!id) j.state["custody_error"] = id.error().context;
}

void JobManager::drain(Job& j) {
  json before = j.state["progress"];
  for (const auto& line : j.child->read_lines()) {
    auto e = parse_wipe_event(line);
    if (!e) continue;
    if (e->kind == WipeEvent::Kind::progress) {
      j.state["progress"] = {{"phase", e->phase}, {"step", e->step}, {"steps", e->steps}, {"bytes_done", e->bytes_done},
                             {"bytes_total", e->bytes_total},
                             {"percent", e->bytes_total ? static_cast<int>(e->bytes_done * 100 / e->bytes_total) : 0},
                             {"bytes_per_s", e->bytes_per_s}, {"eta_s", e->eta_s}};
    } else if (e->kind == WipeEvent::Kind::done) {
      j.state["outcome"] = e->outcome;
      j.state["record_id"] = e->record_id;
      j.state["exceptions"] = e->exceptions;
      if (!e->certificate_path.empty()) j.state["certificate_path"] = e->certificate_path;
      else if (!e->record_path.empty()) j.state["record_path"] = e->record_path;
      if (!e->journal.empty()) j.state["journal"] = e->journal;
    } else {
      j.state["error"] = e->message;
    }
  }
  // One event per visible change (phase, step or whole percent), not per progress line.
  const json& now = j.state["progress"];
  if (now.value("percent", 0) != before.value("percent", 0) || now.value("phase", "") != before.value("phase", "") ||
      now.value("step", 0) != before.value("step", 0))
    publish("job_progress", {{"id", j.id}, {"device", j.request.device}, {"bay", j.request.bay}, {"progress", now}});
}

bool JobManager::reap(Job& j) {
  drain(j);
  if (!j.child->poll_exit()) return false;
  drain(j);  // the lines written just before the exit
  int code = j.child->exit_code();
  j.child.reset();
  finish(j, code);
  return true;
}

void JobManager::poll_loop() {
  auto last_save = std::chrono::steady_clock::now();
  while (!stop_) {
    {
      std::lock_guard lock(mutex_);
      bool save_now = std::chrono::steady_clock::now() - last_save > std::chrono::seconds(5);
      for (auto& [id, j] : jobs_) {
        if (!j.child) continue;
        if (!reap(j) && save_now) save(j);  // progress survives a station crash to within a few seconds
      }
      if (save_now) last_save = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace wipeproof::station
