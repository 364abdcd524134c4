#include "job/wipe_request.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "job/firmware_job.hpp"
#include "job/outcome.hpp"

namespace wipeproof::job {
namespace {

/// The last step of every job: a simulated drive's media goes back to its backing file, then the
/// evidence is judged — once, with nothing left that could add to it.
void finish(TargetSession& session, WipeRecord& rec) {
  if (auto saved = session.finish(); !saved) rec.job_faults.push_back("simulated media not saved: " + saved.error().context);
  apply_verdict(rec);
}

/// An overwrite with its journal (OUT/<record-id>.journal) so it can be resumed. `describe` fills
/// the record's choice before the journal's first line fixes the header. No journal, no wipe.
Result<JobResult> journaled_overwrite(device::BlockDevice& dev, const device::Target& target, const WipeRequest& q,
                                      const std::function<void(WipeRecord&)>& describe,
                                      const ProgressCallback& progress, const CancelToken& cancel) {
  WipeRecord header = begin_record(dev, target.identity, q.spec);
  describe(header);
  JournalStart start;
  start.header = header;
  start.backing_file = target.info ? target.info->backing_file : "";
  start.passes = q.overwrite_plan.passes;
  start.verify_mode = q.spec.verify_mode;
  start.coverage_ppm = q.spec.coverage_ppm;
  start.seed_hex = q.overwrite_plan.sample_plan ? to_hex(q.overwrite_plan.sample_plan->seed) : "";
  start.min_samples = q.spec.min_samples;
  start.search = q.spec.search;
  start.issuer_json = q.issuer_json;
  auto w = JournalWriter::create(q.out_dir, start);
  if (!w) return tl::unexpected(w.error());
  JobResult r;
  r.journal = std::move(*w);
  r.record = execute_job(dev, std::move(header), q.spec, q.overwrite_plan, progress, cancel, &*r.journal, nullptr,
                         q.checkpoint_interval);
  return r;
}

/// The planner's candidates in order until one completes. A firmware method the drive rejects
/// at once (nothing changed) falls through to the next, and the attempt is recorded; the
/// outcome rule names the level reached against the one requested.
/// NVMe Sanitize, and Format NVM where FNA says so, erase every namespace of the controller:
/// while another namespace is in use (mounted, swap, the running system) those methods are
/// refused; otherwise the namespaces they erase are named in the record.
std::vector<std::string> check_other_namespaces(const TargetSession& session, const ProbedDrive& drive,
                                                wipe::Plan& plan) {
  if (!drive.caps.nvme || !session.target().is_block || !session.target().info) return {};
  std::vector<std::string> others = device::nvme_other_namespaces(session.target().info->name);
  for (const auto& n : others) {
    auto t = device::inspect_target("/dev/" + n);
    Result<void> free = t ? device::check_not_in_use(*t) : Result<void>(tl::unexpected(t.error()));
    if (!free) {
      wipe::refuse_spanning(plan, *drive.caps.nvme, free.error().context);
      break;
    }
  }
  return others;
}

Result<JobResult> run_planned(TargetSession& session, device::BlockDevice& dev, const WipeRequest& q,
                              const ProgressCallback& progress, const CancelToken& cancel) {
  wipe::Plan plan = *q.firmware_plan;
  const ProbedDrive& drive = *q.drive;
  const std::vector<std::string> others = check_other_namespaces(session, drive, plan);
  std::vector<wipe::PlanChoice> order{plan.chosen};
  order.insert(order.end(), plan.fallbacks.begin(), plan.fallbacks.end());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const wipe::PlanChoice& candidate = order[i];
    if (!is_firmware_method(candidate.method)) {
      Result<void> hidden;
      auto describe = [&](WipeRecord& rec) {
        describe_overwrite_choice(rec, &plan);
        rec.choice.why = candidate.why;
        enrich_identity(rec.device, drive);
        rec.choice.smart_before = drive.smart;
        rec.choice.retired_blocks = drive.retired;
        // Host writes stop at the accessible maximum: what is hidden above it is recorded, and
        // the outcome rule names it (restoring it changes the geometry the plan was made for,
        // so that is done before a job starts: --restore-hidden with a firmware method).
        hidden = record_hidden_areas(rec.choice, drive, nullptr, false);
      };
      auto r = journaled_overwrite(dev, session.target(), q, describe, progress, cancel);
      if (!r) return r;
      if (!drive.smart.empty()) {
        OpenedPaths paths = session.paths_for(SanitizeMethod::ata_security_erase, q.psid);
        r->record.choice.smart_after = smart_summary(paths.transports.ata, paths.transports.nvme);
      }
      finish(session, r->record);
      return r;
    }
    OpenedPaths paths = session.paths_for(candidate.method, q.psid);
    FirmwareJobOptions fo;
    fo.recovery_dir = q.out_dir;
    fo.restore_hidden = q.restore_hidden;
    if (drive.caps.nvme && wipe::spans_namespaces(candidate.method, *drive.caps.nvme)) fo.other_namespaces = others;
    // A simulated drive finishes a sanitize in a couple of polls; no need to wait 2 s for each.
    if (session.simulated()) fo.poll.interval = std::chrono::milliseconds(20);
    JobResult r;
    r.record = run_firmware_job(dev, paths.transports, session.target(), drive, candidate, plan, q.spec, fo, progress,
                                cancel);
    if (r.record.choice.firmware_completed || r.record.choice.commands.size() > 1 || i + 1 == order.size()) {
      finish(session, r.record);
      return r;
    }
    plan.rejected.push_back(
        fmt::format("tried {}: {}", sanitize_method_name(candidate.method), r.record.choice.firmware_failure));
  }
  return make_error(ErrorKind::internal, "the plan has no candidate method");
}

}  // namespace

Result<void> prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return sys_error("cannot create the output directory " + dir, ec.value());
  if (!std::filesystem::is_directory(dir)) return sys_error(dir + " is not a directory", ENOTDIR);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return sys_error("cannot write to the output directory " + dir, errno);
  return {};
}

Result<JobResult> run_wipe(TargetSession& session, device::BlockDevice& dev, const WipeRequest& q,
                           const ProgressCallback& progress, const CancelToken& cancel) {
  WP_RETURN_IF_ERROR(prepare_out_dir(q.out_dir));
  if (q.firmware_plan) {
    if (!q.drive) return make_error(ErrorKind::internal, "a planned job needs the drive probe");
    return run_planned(session, dev, q, progress, cancel);
  }
  auto describe = [](WipeRecord& rec) { describe_overwrite_choice(rec, nullptr); };
  auto r = journaled_overwrite(dev, session.target(), q, describe, progress, cancel);
  if (!r) return r;
  finish(session, r->record);
  return r;
}

Result<PreparedResume> prepare_resume(TargetSession& session, const std::string& out_dir, const std::string& journal) {
  const device::Target& target = session.target();
  WP_RETURN_IF_ERROR(device::check_not_in_use(target));
  WP_ASSIGN_OR_RETURN(auto ro, session.open_read_only());
  const device::DeviceGeometry geometry = ro->geometry();
  // The journal: named, or the one unfinished job in OUT for this drive.
  WP_ASSIGN_OR_RETURN(JournalState state, journal.empty() ? find_unfinished_journal(out_dir, target, geometry)
                                                          : read_journal(journal));
  WP_RETURN_IF_ERROR(check_same_drive(state.start, target, geometry));
  if (state.busy) return make_error(ErrorKind::refused, state.path + ": another wipeproof process is working on this job");
  WP_ASSIGN_OR_RETURN(ResumePoint point, resume_point(state));
  WP_ASSIGN_OR_RETURN(ResumedJob rebuilt, rebuild_job(state.start, geometry));
  rebuilt.spec.signature_scan = session.scanner();
  WP_RETURN_IF_ERROR(check_resume_content(*ro, state, point));
  return PreparedResume{std::move(state), std::move(point), std::move(rebuilt)};
}

Result<JobResult> run_resume(TargetSession& session, device::BlockDevice& dev, PreparedResume p,
                             const ResumeRequest& q, const ProgressCallback& progress, const CancelToken& cancel) {
  WP_ASSIGN_OR_RETURN(JournalWriter writer, JournalWriter::reopen(p.state.path));
  Interruption in = p.point.interruption;
  in.resumed_at = now_utc();
  in.resumed_by = q.resumed_by;
  in.host = host_name();
  writer.resumed(in);
  if (!writer.failure().empty()) return make_error(ErrorKind::sys, writer.failure());
  // The header is the journal's: the same record id, people, choice and start time; the
  // interruption says who resumed, where and when.
  WipeRecord header = p.state.start.header;
  header.interruptions = p.state.interruptions;
  header.interruptions.push_back(in);
  JobResult r;
  r.journal = std::move(writer);
  r.record = execute_job(dev, std::move(header), p.rebuilt.spec, p.rebuilt.plan, progress, cancel, &*r.journal,
                         &p.point, q.checkpoint_interval);
  finish(session, r.record);
  return r;
}

JobResult run_verification_only(TargetSession& session, device::BlockDevice& dev, const JobSpec& spec,
                                const JobPlan& plan, const PassPattern& expected, const std::string& claimed,
                                const ProgressCallback& progress, const CancelToken& cancel) {
  JobResult r;
  WipeRecord& rec = r.record;
  auto header = new_record();
  if (header) rec = *header;
  else rec.job_faults.push_back("record header incomplete: " + header.error().context);
  rec.verification = run_verification(dev, expected, spec, plan.sample_plan, progress, cancel);
  rec.started = rec.verification.started;
  rec.finished = rec.verification.finished;
  rec.device = session.target().identity;
  rec.device.size_bytes = dev.geometry().size_bytes;
  rec.device.direct_io = dev.direct_io();
  std::string prior = claimed.empty() ? "not stated" : claimed;
  rec.method = {sanitize_method_name(SanitizeMethod::verification_only),
                "Verification only (prior method claimed: " + prior + ")",
                "claimed by the operator; wipeproof wrote nothing", 0, false};
  rec.choice.method = SanitizeMethod::verification_only;
  rec.choice.why = "read-back of a drive sanitized elsewhere (" + prior + ")";
  apply_verdict(rec);
  return r;
}

}  // namespace wipeproof::job
