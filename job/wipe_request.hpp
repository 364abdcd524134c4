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
#include "device/opal/opal.hpp"
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

/// What the operator asked for, before the drive is asked anything.
struct WipeIntent {
  JobSpec spec;
  std::optional<SanitizeLevel> level;   ///< --level: the planner chooses; else the spec's method
  std::string psid;
  bool unfreeze = false;                ///< a frozen ATA drive: one suspend-to-RAM cycle, then re-probe
  bool dry_run = false;                 ///< plan only: never unfreeze
  bool probe = true;                    ///< false for a refused drive: never ask it anything
  bool restore_hidden = false;
  std::string out_dir;
  std::chrono::milliseconds checkpoint_interval{2000};
  std::string issuer_json = "{}";
};

/// Fits the intent to the drive: the overwrite plan for `geometry`, the drive's probe (hidden
/// areas, health, capabilities; re-probed after an unfreeze when asked) and, with a level, the
/// planner's candidates. Nothing is written.
Result<WipeRequest> plan_wipe(TargetSession& session, const device::DeviceGeometry& geometry, WipeIntent intent);

struct JobResult {
  WipeRecord record;                        ///< judged: outcome, level, exceptions, limitations
  std::optional<JournalWriter> journal;     ///< overwrite jobs
};

/// Runs the request on the authorized target: hidden areas restored first (--restore-hidden,
/// then the device is opened and the plan fitted to what it now shows), then the overwrite or
/// the planner's candidates — one the drive rejects at once falls through to the next, each
/// attempt recorded — and the verdict, once, at the end.
Result<JobResult> run_wipe(TargetSession& session, const device::WipeAuthorization& auth, WipeRequest request,
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
