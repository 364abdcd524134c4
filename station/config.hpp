#pragma once
// station.toml: where the station listens and keeps its data, how it signs, and its bays. A bay
// is a physical slot, named by the stable /dev/disk/by-path link of its port (a glob), or — for
// loop devices and simple set-ups — by a device-path glob. Its policy says whether a drive that
// appears there waits for an operator (`manual`) or is wiped at once (`auto`: the documented
// unattended mode; the drive's serial is the confirmation, and mounted/system drives are still
// refused by the wipe itself).
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::station {

struct BaySpec {
  std::string name;
  std::string by_path;  ///< glob over /dev/disk/by-path names (e.g. "pci-0000:00:1f.2-ata-3")
  std::string device;   ///< glob over device paths (e.g. "/dev/loop*")
  bool auto_start = false;
  std::string level, method, operator_name;  ///< what `auto` runs, and who answers for it
};

struct StationConfig {
  std::string data_dir, listen, keys, site, ca;
  std::string registry;  ///< postgresql://… for a shared registry
  std::optional<bool> tls;
  int poll_ms = 500;  ///< hot-plug scan period (sysfs)
  std::vector<BaySpec> bays;
};

/// Reads and checks station.toml; every problem names the file, the bay and the key.
Result<StationConfig> load_station_config(const std::string& path);
/// Checks one bay (also used for bays built in code).
Result<void> validate_bay(const BaySpec& bay);

/// The first bay whose pattern matches `device_path` or one of its by-path names.
std::optional<std::size_t> bay_for(const std::vector<BaySpec>& bays, const std::string& device_path,
                                   const std::vector<std::string>& by_path_names);

}  // namespace wipeproof::station
