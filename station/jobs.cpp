#include "station/jobs.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sys.hpp"
#include "station/ingest.hpp"

namespace wipeproof::station {
using nlohmann::json;

JobManager::JobManager(JobConfig config, Registry& registry)
    : config_(std::move(config)), registry_(registry), poller_([this] { poll_loop(); }) {}

JobManager::~JobManager() {
  stop_ = true;
  poller_.join();
  std::lock_guard lock(mutex_);
  for (auto& [id, j] : jobs_)
    if (j.child) {
      j.child->terminate();
      (void)registry_.audit("station", "job", id + " interrupted by station shutdown");
    }
}

Result<std::string> JobManager::start(const JobRequest& r, const std::string& by) {
  if (r.device.rfind("/dev/", 0) != 0) return make_error(ErrorKind::usage, "device must be a /dev path");
  if (r.confirm.empty()) return make_error(ErrorKind::usage, "confirm (the drive's serial) is required");
  if (r.level.empty() == r.method.empty()) return make_error(ErrorKind::usage, "give exactly one of level or method");
  if (!r.level.empty() && r.level != "clear" && r.level != "purge")
    return make_error(ErrorKind::usage, "level must be clear or purge");
  if (r.operator_name.empty()) return make_error(ErrorKind::usage, "operator (a named person) is required");
  std::lock_guard lock(mutex_);
  for (const auto& [id, j] : jobs_)
    if (j.request.device == r.device && j.child)
      return make_error(ErrorKind::refused, r.device + " already has a running job (" + id + ")");
  WP_ASSIGN_OR_RETURN(std::string id, make_uuid_v4());
  std::vector<std::string> argv{config_.wipeproof, "wipe", r.device, "--json", "--confirm", r.confirm,
                                "--operator", r.operator_name, "--out", config_.out_dir};
  if (!r.level.empty()) argv.insert(argv.end(), {"--level", r.level});
  else argv.insert(argv.end(), {"--method", r.method});
  if (config_.no_sign) argv.push_back("--no-sign");
  if (!config_.keys.empty()) argv.insert(argv.end(), {"--keys", config_.keys});
  if (!config_.site.empty()) argv.insert(argv.end(), {"--site", config_.site});
  std::error_code ec;
  std::filesystem::create_directories(config_.out_dir, ec);
  WP_ASSIGN_OR_RETURN(ChildProcess child,
                      ChildProcess::spawn(argv, (std::filesystem::path(config_.out_dir) / (id + ".stderr.log")).string()));
  Job j;
  j.id = id;
  j.request = r;
  j.child = std::make_unique<ChildProcess>(std::move(child));
  j.state = {{"id", id}, {"device", r.device}, {"status", "running"}, {"started", now_utc()}, {"started_by", by},
             {"operator", r.operator_name}, {"progress", {{"phase", "starting"}, {"percent", 0}}}};
  jobs_.emplace(id, std::move(j));
  (void)registry_.audit(by, "job", fmt::format("{} started on {}", id, r.device));
  return id;
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

void JobManager::finish(Job& j, int exit_code) {
  j.state["exit_code"] = exit_code;
  j.state["finished"] = now_utc();
  j.state["status"] = j.state.contains("outcome") ? "finished" : "failed";
  // The certificate the wipe issued goes into the registry like an ingested one (verified files).
  if (j.state.contains("certificate_path")) {
    std::string path = j.state["certificate_path"];
    auto text = read_text_file(path);
    auto p7s = read_text_file(path.substr(0, path.size() - 5) + ".p7s");
    if (text && p7s) {
      CertificateRow row = row_from_certificate(*text);
      row.p7s = *p7s;
      if (auto pdf = read_text_file(path.substr(0, path.size() - 5) + ".pdf"); pdf) row.pdf = *pdf;
      row.source = "station";
      auto ins = registry_.insert_certificate(row);
      j.state["registered"] = ins.has_value();
    }
  }
  (void)registry_.audit("station", "job", fmt::format("{} {} (exit {})", j.id, j.state.value("outcome", "no result"), exit_code));
}

void JobManager::poll_loop() {
  while (!stop_) {
    {
      std::lock_guard lock(mutex_);
      for (auto& [id, j] : jobs_) {
        if (!j.child) continue;
        for (const auto& line : j.child->read_lines()) {
          auto e = json::parse(line, nullptr, false);
          if (!e.is_object()) continue;
          std::string kind = e.value("event", "");
          if (kind == "progress") {
            std::uint64_t done = e.value("bytes_done", std::uint64_t{0}), total = e.value("bytes_total", std::uint64_t{0});
            j.state["progress"] = {{"phase", e.value("phase", "")}, {"step", e.value("step", 0)},
                                   {"steps", e.value("steps", 0)}, {"bytes_done", done}, {"bytes_total", total},
                                   {"percent", total ? static_cast<int>(done * 100 / total) : 0},
                                   {"bytes_per_s", e.value("bytes_per_s", std::uint64_t{0})},
                                   {"eta_s", e.value("eta_s", std::uint64_t{0})}};
          } else if (kind == "done") {
            j.state["outcome"] = e.value("outcome", "");
            j.state["record_id"] = e.value("record_id", "");
            j.state["exceptions"] = e.value("exceptions", json::array());
            if (e.contains("certificate") && e["certificate"].is_object())
              j.state["certificate_path"] = e["certificate"].value("json", "");
            else if (e.contains("record_path"))
              j.state["record_path"] = e["record_path"];
          } else if (kind == "error") {
            j.state["error"] = e.value("message", "");
          }
        }
        if (j.child->poll_exit()) {
          int code = j.child->exit_code();
          j.child.reset();
          finish(j, code);
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace wipeproof::station
