#pragma once
// Continuing a journaled job (journal.hpp) on the drive it belongs to: which journal belongs to
// a drive, the checks that a different drive in the same slot is refused, and the job spec and
// plan rebuilt from the journal (the same AES keys and sample seed, so the resumed job writes and
// reads exactly what the uninterrupted one would have). Shared by `wipeproof resume`, the
// station and the boot image.
#include <string>
#include <vector>

#include "device/block_device.hpp"
#include "device/target.hpp"
#include "job/journal.hpp"
#include "job/wipe_job.hpp"

namespace wipeproof::job {

/// Why the drive in front of us is not the journal's drive (refused), or nothing. Serial, model,
/// WWN, size and sector size must match; a drive without a serial (loop device, image) must also
/// have the same backing file or path.
Result<void> check_same_drive(const JournalStart& start, const device::Target& target,
                              const device::DeviceGeometry& geometry);

/// The one unfinished journal in `dir` for `target`. Refused, naming the serials, when unfinished
/// journals exist for this path but another drive; usage error when there is none.
Result<JournalState> find_unfinished_journal(const std::string& dir, const device::Target& target,
                                             const device::DeviceGeometry& geometry);

/// The spec and plan the journal fixed: method, passes (keys included), verification settings.
/// The caller adds the signature scanner.
struct ResumedJob {
  JobSpec spec;
  JobPlan plan;
};
Result<ResumedJob> rebuild_job(const JournalStart& start, const device::DeviceGeometry& geometry);

/// Reads back the last sector before the resume point and checks it holds what the journal says
/// was written there (the running pass, or the last pass when verification was running): a
/// different drive, or one that lost acknowledged writes, is refused instead of being "resumed".
Result<void> check_resume_content(device::BlockDevice& dev, const JournalState& state, const ResumePoint& point);

}  // namespace wipeproof::job
