#include "station/bays.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

namespace wipeproof::station {
namespace fs = std::filesystem;
using nlohmann::json;

json drive_json(const device::BlockDeviceInfo& d, const std::string& bay) {
  std::string in_use = d.usage.system ? "holds the running system"
                       : !d.usage.mountpoints.empty() ? "mounted on " + d.usage.mountpoints.front()
                       : !d.usage.swap.empty()        ? "active swap"
                       : !d.usage.holders.empty()     ? "in use by " + d.usage.holders.front()
                                                      : "";
  return {{"name", d.name},     {"path", d.path},           {"model", d.model},       {"serial", d.serial},
          {"wwn", d.wwn},       {"size_bytes", d.size_bytes}, {"bus", d.transport},   {"rotational", d.rotational},
          {"in_use", in_use},   {"bay", bay},               {"confirm", d.serial.empty() ? d.name : d.serial}};
}

std::map<std::string, std::vector<std::string>> by_path_names() {
  std::map<std::string, std::vector<std::string>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/dev/disk/by-path", ec)) {
    auto target = fs::canonical(e.path(), ec);
    if (!ec) out[target.string()].push_back(e.path().filename().string());
  }
  return out;
}

BayWatcher::BayWatcher(std::vector<BaySpec> bays, int poll_ms, EventHub& events, Registry& registry, JobManager& jobs)
    : bays_(std::move(bays)), poll_ms_(poll_ms), events_(events), registry_(registry), jobs_(jobs) {
  scan();  // drives already present at start are known (and auto bays start) before serving
  thread_ = std::thread([this] { loop(); });
}

BayWatcher::~BayWatcher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string BayWatcher::bay_name(const std::string& path,
                                 const std::map<std::string, std::vector<std::string>>& links) const {
  auto it = links.find(path);
  auto i = bay_for(bays_, path, it == links.end() ? std::vector<std::string>{} : it->second);
  return i ? bays_[*i].name : "";
}

Result<json> BayWatcher::drives_json() {
  WP_ASSIGN_OR_RETURN(auto devs, device::list_block_devices());
  auto links = by_path_names();
  json list = json::array();
  for (const auto& d : devs)
    if (d.parent.empty() && d.size_bytes > 0) list.push_back(drive_json(d, bay_name(d.path, links)));
  return list;
}

void BayWatcher::loop() {
  while (!stop_) {
    for (int waited = 0; waited < poll_ms_ && !stop_; waited += 50) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!stop_) scan();
  }
}

void BayWatcher::scan() {
  auto drives = drives_json();
  if (!drives) return;  // sysfs unreadable for a moment: keep the last view
  std::map<std::string, json> now;
  for (auto& d : *drives) now[d["path"]] = d;
  std::vector<json> added, removed;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [path, d] : now) {
      auto it = present_.find(path);
      if (it == present_.end() || it->second.value("serial", "") != d.value("serial", "") ||
          it->second.value("size_bytes", 0ull) != d.value("size_bytes", 0ull)) {
        if (it != present_.end()) removed.push_back(it->second);  // same node, another drive
        added.push_back(d);
      }
    }
    for (const auto& [path, d] : present_)
      if (!now.count(path)) removed.push_back(d);
    for (const auto& d : removed) auto_started_.erase(d.value("path", "") + "|" + d.value("serial", ""));
    present_ = now;
  }
  for (const auto& d : removed) {
    events_.publish("drive_removed", d);
    (void)registry_.audit("station", "drive", fmt::format("removed: {} {} {}", d.value("path", ""), d.value("model", ""), d.value("serial", "")));
  }
  for (const auto& d : added) {
    events_.publish("drive_added", d);
    (void)registry_.audit("station", "drive", fmt::format("added: {} {} {} bay '{}'", d.value("path", ""), d.value("model", ""),
                                                          d.value("serial", ""), d.value("bay", "")));
    std::string bay = d.value("bay", "");
    if (bay.empty()) continue;
    const BaySpec* spec = nullptr;
    for (const auto& b : bays_)
      if (b.name == bay) spec = &b;
    if (!spec || !spec->auto_start) continue;
    std::string key = d.value("path", "") + "|" + d.value("serial", "");
    {
      std::lock_guard lock(mutex_);
      if (!auto_started_.insert(key).second) continue;
    }
    if (!d.value("in_use", "").empty()) {
      (void)registry_.audit("station", "bay", fmt::format("bay {}: {} not started: {}", bay, d.value("path", ""), d.value("in_use", "")));
      continue;
    }
    JobRequest r{d.value("path", ""), spec->level, spec->method, d.value("confirm", ""), spec->operator_name, bay};
    auto id = jobs_.start(r, "bay " + bay + " (auto)");
    if (!id)
      (void)registry_.audit("station", "bay", fmt::format("bay {}: auto-start on {} failed: {}", bay, r.device, id.error().context));
  }
}

json BayWatcher::bays_json() {
  std::map<std::string, json> present;
  {
    std::lock_guard lock(mutex_);
    present = present_;
  }
  json out = json::array();
  auto bay_entry = [&](const std::string& name, const BaySpec* spec, const json& drive) {
    json b = {{"name", name}, {"policy", spec && spec->auto_start ? "auto" : "manual"}, {"drive", drive}, {"job", nullptr}};
    if (spec) {
      b["match"] = spec->by_path.empty() ? spec->device : spec->by_path;
      b["level"] = spec->level;
      b["method"] = spec->method;
    }
    if (drive.is_object())
      if (auto j = jobs_.latest_for_device(drive.value("path", ""))) b["job"] = *j;
    return b;
  };
  for (const auto& spec : bays_) {
    bool any = false;
    for (const auto& [path, d] : present)
      if (d.value("bay", "") == spec.name) {
        out.push_back(bay_entry(spec.name, &spec, d));
        any = true;
      }
    if (!any) out.push_back(bay_entry(spec.name, &spec, nullptr));
  }
  for (const auto& [path, d] : present)
    if (d.value("bay", "").empty()) out.push_back(bay_entry("", nullptr, d));
  return out;
}

}  // namespace wipeproof::station
