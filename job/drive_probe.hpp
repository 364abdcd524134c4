#pragma once
// What a drive can do, asked through its own command set: ATA IDENTIFY (over SAT) for sd*
// devices, NVMe Identify for nvme*, nothing for loop devices and images. Feeds the planner and
// `wipeproof devices --detail`.
#include <optional>
#include <string>
#include <vector>

#include "device/target.hpp"
#include "wipe/firmware_erase.hpp"
#include "wipe/planner.hpp"

namespace wipeproof::job {

struct ProbedDrive {
  wipe::DriveCapabilities caps;
  std::optional<wipe::HiddenAreas> hidden;   ///< ATA only
  std::optional<nvme::IdNamespace> ns;
  std::uint32_t nsid = 0;
  std::optional<nvme::SmartLog> nvme_smart;
  std::vector<std::string> notes;            ///< what could not be asked, and why
};

ProbedDrive probe_drive(const device::Target& target);

/// The namespace id in a node name: nvme0n1 -> 1, 0 if none.
std::uint32_t nvme_nsid_from_name(const std::string& name);

}  // namespace wipeproof::job
