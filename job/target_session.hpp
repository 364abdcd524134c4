#pragma once
// One target as a command names it — a block device, an image file, or a simulated drive
// (sim:..., WIPEPROOF_ALLOW_SIM=1) — with everything a job needs from it: the safety gate's
// view, block access, the drive's command paths, the signature scan, and saving a simulated
// drive's media afterwards. The CLI and the station use this instead of branching on kinds.
#include <memory>
#include <string>

#include "device/sim_target.hpp"
#include "device/target.hpp"
#include "job/drive_probe.hpp"
#include "job/firmware_job.hpp"

namespace wipeproof::job {

/// Command paths opened for one firmware candidate; owns what it opened.
struct OpenedPaths {
  std::unique_ptr<device::ScsiTransport> scsi;
  std::unique_ptr<nvme::NvmeTransport> nvme;
  std::unique_ptr<opal::OpalTransport> opal;
  DriveTransports transports;
};

class TargetSession {
 public:
  static Result<TargetSession> open(const std::string& text);

  const device::Target& target() const { return target_; }
  bool simulated() const { return sim_ != nullptr; }
  device::SimulatedDrive* sim() { return sim_.get(); }

  Result<std::unique_ptr<device::BlockDevice>> open_read_only();
  Result<std::unique_ptr<device::BlockDevice>> open_for_wipe(const device::WipeAuthorization& auth);
  ProbedDrive probe();
  /// The command path a method (or a question such as SMART) needs: ATA/SCSI, NVMe or Opal.
  OpenedPaths paths_for(CommandPath path, const std::string& psid);
  std::function<SignatureScan()> scanner();
  /// After the drive's capacity changed (a hidden area restored): the kernel re-reads it
  /// (SCSI rescan) and the target is inspected again.
  Result<void> capacity_changed();
  /// Saves a simulated drive's media to its backing file; nothing for real targets.
  Result<void> finish();

 private:
  device::Target target_;
  std::unique_ptr<device::SimulatedDrive> sim_;
};

}  // namespace wipeproof::job
