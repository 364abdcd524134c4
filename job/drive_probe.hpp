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
  std::string smart;                         ///< health summary, "" when not available
  /// Blocks the drive has retired (their old contents sit outside the LBA space): a description
  /// such as "ATA SMART: 5 reallocated or pending sectors", "none reported", or "" = not asked.
  std::string retired;
};

ProbedDrive probe_drive(const device::Target& target);

/// The same questions through command paths the caller already holds (a simulated drive).
ProbedDrive probe_paths(const device::Target& target, device::ScsiTransport* scsi, nvme::NvmeTransport* nvme,
                        std::uint32_t nsid);

/// Health from the drive: ATA SMART RETURN STATUS, or the NVMe SMART/Health log (02h).
std::string smart_summary(device::ScsiTransport* ata, nvme::NvmeTransport* nvme);

/// Fills model, serial and firmware from IDENTIFY where sysfs left them empty.
void enrich_identity(DeviceIdentity& identity, const ProbedDrive& drive);

/// The namespace id in a node name: nvme0n1 -> 1, 0 if none.
std::uint32_t nvme_nsid_from_name(const std::string& name);

}  // namespace wipeproof::job
