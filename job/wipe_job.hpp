#pragma once
// One complete job on one target: overwrite passes, read-back verification, signature scan,
// and the outcome. Shared by the CLI and (later) the rack station, so it lives below both.
// It returns a record; it never prints.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "device/block_device.hpp"
#include "verify/sample_plan.hpp"
#include "verify/verifier.hpp"
#include "wipe/method.hpp"
#include "wipe/overwrite_engine.hpp"

namespace wipeproof::job {

struct JobSpec {
  const wipe::MethodDefinition* method = nullptr;
  wipe::PassOptions pass_options;
  VerifyMode verify_mode = VerifyMode::full;
  std::uint32_t coverage_ppm = 100000;          ///< 10 % by default (NIST SP 800-88 Rev. 1 §4.7.3)
  std::optional<std::vector<std::byte>> seed;   ///< sample seed; drawn from getrandom if absent
  std::size_t block_size = 1 << 20;
  std::vector<std::string> search;              ///< --search strings for the residue scan
  std::uint64_t min_samples = 0;                ///< from --confidence/--residue; 0 = coverage decides
  /// libblkid's probe of the device after the wipe (see path_scanner); empty skips the scan.
  std::function<SignatureScan()> signature_scan;
};

/// Everything decided before the first write: the concrete passes and the sample plan. Built
/// first so --dry-run can show it and bad input fails before anything is written.
struct JobPlan {
  std::vector<PassPattern> passes;
  std::optional<verify::SamplePlan> sample_plan;
};

/// The signature scan of a block device or image by path.
std::function<SignatureScan()> path_scanner(const std::string& path);

Result<JobPlan> plan_job(const device::DeviceGeometry& geometry, const JobSpec& spec);

class JournalWriter;
struct ResumePoint;

/// Runs a planned job and judges it (job/outcome.hpp): for callers with nothing more to add
/// (the demo, tests). The record is complete even when the job fails or is interrupted.
WipeRecord run_job(device::BlockDevice& dev, const DeviceIdentity& identity, const JobSpec& spec,
                   const JobPlan& plan, const ProgressCallback& progress, const CancelToken& cancel);

/// The record's header before anything is written: id, tool, host, device, method, block size.
/// Callers add their choice description, then journal it and run execute_job.
WipeRecord begin_record(const device::BlockDevice& dev, const DeviceIdentity& identity, const JobSpec& spec);

/// Runs the passes and the verification into `record` (from begin_record, or the journal's
/// header on resume) — evidence only: the caller judges it once everything else is in. With `journal`, checkpoints and pass ends are written to it as they happen;
/// with `resume`, work continues from that point (journal.hpp) instead of starting over.
WipeRecord execute_job(device::BlockDevice& dev, WipeRecord record, const JobSpec& spec, const JobPlan& plan,
                       const ProgressCallback& progress, const CancelToken& cancel, JournalWriter* journal = nullptr,
                       const ResumePoint* resume = nullptr,
                       std::chrono::milliseconds checkpoint_interval = std::chrono::milliseconds(2000));

/// A verification that continues an earlier one (resume) and reports checkpoints.
struct VerifyContinuation {
  std::size_t first_read = 0;
  std::optional<VerifyReport> prior;
  std::function<void(std::size_t reads_done, const VerifyReport& so_far)> checkpoint;
  std::chrono::milliseconds interval{2000};
};

/// Runs verification alone (the `verify` command): read-back plus signature scan.
VerifyReport run_verification(device::BlockDevice& dev, const PassPattern& expected, const JobSpec& spec,
                              const std::optional<verify::SamplePlan>& plan, const ProgressCallback& progress,
                              const CancelToken& cancel, const VerifyContinuation& continuation = {});

/// The common header of every record: id, tool, binary hash, host.
Result<WipeRecord> new_record();

/// new_record(), or an empty record whose job_faults say why the header is incomplete (the
/// outcome rule then makes that an exception).
WipeRecord header_record();

}  // namespace wipeproof::job
