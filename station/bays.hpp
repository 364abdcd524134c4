#pragma once
// Hot-plug: a thread scans the drives every poll period (sysfs, the fallback the issue allows;
// fast enough for a rack — a new drive is seen within one period), maps each to its bay by the
// bay's by-path or device pattern, publishes drive_added / drive_removed, audits them, and starts
// the bay's wipe when its policy is `auto`. A drive is auto-started once per insertion: pulling
// and re-inserting it is what asks for another wipe.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "device/device_inventory.hpp"
#include "station/config.hpp"
#include "station/events.hpp"
#include "station/jobs.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

/// A drive as the API shows it (identity, size, whether it is in use and why, its bay).
nlohmann::json drive_json(const device::BlockDeviceInfo& d, const std::string& bay);
/// /dev/disk/by-path names per device path.
std::map<std::string, std::vector<std::string>> by_path_names();

class BayWatcher {
 public:
  BayWatcher(std::vector<BaySpec> bays, int poll_ms, EventHub& events, Registry& registry, JobManager& jobs);
  ~BayWatcher();
  /// Every bay with its drive (or null) and its newest job; drives in no bay under "unassigned".
  nlohmann::json bays_json();
  /// The current drives (fresh scan, so a drive attached a moment ago is there).
  Result<nlohmann::json> drives_json();
  const std::vector<BaySpec>& bays() const { return bays_; }

 private:
  void loop();
  void scan();
  std::string bay_name(const std::string& path, const std::map<std::string, std::vector<std::string>>& links) const;

  std::vector<BaySpec> bays_;
  int poll_ms_;
  EventHub& events_;
  Registry& registry_;
  JobManager& jobs_;
  std::mutex mutex_;
  std::map<std::string, nlohmann::json> present_;  ///< device path → drive_json
  std::set<std::string> auto_started_;             ///< path|serial of drives already auto-wiped
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wipeproof::station
