#pragma once
// A job whose sanitize step is the drive's own command (chosen by the planner), followed by the
// read-back that proves it: the known post-state (zeroes after NVMe Format on a DLFEAT=1
// namespace) is verified like an overwrite pass; otherwise sampled blocks must have changed
// since before the erase (NIST SP 800-88 App. D), and libblkid must find no signature.
#include <optional>
#include <string>
#include <vector>

#include "device/opal/opal.hpp"
#include "job/drive_probe.hpp"
#include "job/wipe_job.hpp"

namespace wipeproof::job {

/// The command paths to the drive; the CLI opens them from the device node, tests pass
/// simulated drives.
struct DriveTransports {
  device::ScsiTransport* ata = nullptr;
  nvme::NvmeTransport* nvme = nullptr;
  opal::OpalTransport* opal = nullptr;
  std::string psid;
};

struct FirmwareJobOptions {
  std::string recovery_dir = ".";  ///< ATA security erase password recovery file goes here
  bool restore_hidden = false;     ///< set the accessible max back to native first
  wipe::PollOptions poll;
  std::vector<std::string> other_namespaces;  ///< namespaces a controller-wide command also erases
  /// The hidden areas as the job core found and restored them before opening the device; when
  /// set, copied into the record instead of asking the drive again.
  std::optional<SanitizationChoice> hidden_done;
};

/// Runs the chosen firmware method on the drive and gathers the evidence; the caller judges it
/// (job/outcome.hpp) once everything else is in. `dev` is the target opened for the job (read-back goes through it).
/// The record's choice holds the planner's reasoning, the commands sent and the level reached.
WipeRecord run_firmware_job(device::BlockDevice& dev, DriveTransports transports, const device::Target& target,
                            const ProbedDrive& drive,
                            const wipe::PlanChoice& choice, const wipe::Plan& plan, const JobSpec& spec,
                            const FirmwareJobOptions& options, const ProgressCallback& progress,
                            const CancelToken& cancel);

/// Fills record.choice for an overwrite job from the plan (or a forced --method).
void describe_overwrite_choice(WipeRecord& record, const wipe::Plan* plan);

/// Records the ATA hidden areas the probe found in `choice` and, with `restore`, sets the
/// accessible maximum back to native first (the drive must then show the native size).
Result<void> record_hidden_areas(SanitizationChoice& choice, const ProbedDrive& drive, device::ScsiTransport* ata,
                                 bool restore);
/// The hidden-area fields of `from` (sectors before/after, native, state) into `to`.
void copy_hidden_areas(SanitizationChoice& to, const SanitizationChoice& from);

}  // namespace wipeproof::job
