#pragma once
// The one job core: every kind of job — an overwrite, the planner's firmware candidates with their
// fallbacks, a resume, a verification of someone else's erase — goes in as a typed request and
// comes out as a judged record. The CLI (and through it the TUI, the station and the boot image,
// which run `wipeproof wipe`) parses flags into a request and renders the result; the workflow
// and the one call of the outcome rule (job/outcome.hpp) are here.
#include <chrono>
#include <optional>
#include <string>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "job/drive_probe.hpp"
#include "job/journal.hpp"
#include "job/resume.hpp"
#include "job/target_session.hpp"
#include "job/wipe_job.hpp"
#include "wipe/planner.hpp"

namespace wipeproof::job {

/// The output directory exists and takes files, before anything is written to a drive: the
/// journal, the ATA password recovery file and the record all go there.
Result<void> prepare_out_dir(const std::string& dir);

struct WipeRequest {
  JobSpec spec;
  JobPlan overwrite_plan;                   ///< passes and sample plan (plan_job)
  std::optional<wipe::Plan> firmware_plan;  ///< with --level: the planner's candidates, in order
  std::optional<ProbedDrive> drive;         ///< the probe the plan came from
  std::string out_dir;
  std::string psid;
  bool restore_hidden = false;
  std::chrono::milliseconds checkpoint_interval{2000};
  std::string issuer_json = "{}";           ///< kept in the journal for resume (JournalStart)
};

struct JobResult {
  WipeRecord record;                        ///< judged: outcome, level, exceptions, limitations
  std::optional<JournalWriter> journal;     ///< overwrite jobs
};

/// Runs the request on the opened device. Firmware candidates the drive rejects at once fall
/// through to the next one; each attempt is recorded.
Result<JobResult> run_wipe(TargetSession& session, device::BlockDevice& dev, const WipeRequest& request,
                           const ProgressCallback& progress, const CancelToken& cancel);

/// Everything checked before a resume writes: the journal, the same drive, the content at the
/// resume point, the rebuilt job.
struct PreparedResume {
  JournalState state;
  ResumePoint point;
  ResumedJob rebuilt;
};
Result<PreparedResume> prepare_resume(TargetSession& session, const std::string& out_dir, const std::string& journal);

struct ResumeRequest {
  std::string resumed_by = "wipeproof resume";
  std::chrono::milliseconds checkpoint_interval{2000};
};
Result<JobResult> run_resume(TargetSession& session, device::BlockDevice& dev, PreparedResume prepared,
                             const ResumeRequest& request, const ProgressCallback& progress,
                             const CancelToken& cancel);

/// A drive erased by another tool, read back here: nothing written, the record says so.
JobResult run_verification_only(TargetSession& session, device::BlockDevice& dev, const JobSpec& spec,
                                const JobPlan& plan, const PassPattern& expected, const std::string& claimed_method,
                                const ProgressCallback& progress, const CancelToken& cancel);

}  // namespace wipeproof::job
