#include "job/wipe_request.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "device/power.hpp"
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

/// What a host overwrite records of the hidden areas: what --restore-hidden removed before the
/// device was opened, else what the probe found (left in place: the outcome rule names it).
void note_hidden_areas(SanitizationChoice& c, const std::optional<SanitizationChoice>& restored,
                       const std::optional<ProbedDrive>& drive) {
  if (restored) copy_hidden_areas(c, *restored);
  else if (drive) (void)record_hidden_areas(c, *drive, nullptr, false);
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

/// --restore-hidden: the accessible maximum goes back to native before the device is opened, so
/// the host sees (and the plan covers) every sector; the kernel re-reads the capacity.
Result<std::optional<SanitizationChoice>> restore_hidden(TargetSession& session, const WipeRequest& q) {
  if (!q.restore_hidden || !q.drive || !q.drive->hidden) return std::optional<SanitizationChoice>{};
  if (!q.drive->hidden->hpa() && !q.drive->hidden->dco()) return std::optional<SanitizationChoice>{};
  OpenedPaths paths = session.paths_for(CommandPath::ata, q.psid);
  SanitizationChoice c;
  if (auto r = record_hidden_areas(c, *q.drive, paths.transports.ata, true); !r)
    return make_error(r.error().kind, "restoring the hidden area: " + r.error().context);
  WP_RETURN_IF_ERROR(session.capacity_changed());
  return std::optional<SanitizationChoice>(c);
}

/// The other namespaces a controller-wide command erased are read back like the target: the
/// method's defined result over a sample, and libblkid. One line each in the record; one that does
/// not read back as defined (or cannot be read) is a job fault, so an exception.
void verify_other_namespaces(WipeRecord& rec, const JobSpec& spec, const CancelToken& cancel) {
  if (!rec.choice.firmware_completed || rec.verification.status != RunStatus::complete) return;
  for (const auto& n : rec.choice.other_namespaces) {
    const std::string path = "/dev/" + n;
    auto dev = device::open_block_device(path, device::OpenMode::read_only);
    if (!dev) {
      rec.job_faults.push_back(n + " (erased by the same command) could not be read back: " + dev.error().context);
      continue;
    }
    JobSpec s = spec;
    s.verify_mode = VerifyMode::sample;
    s.signature_scan = path_scanner(path);
    auto plan = plan_job((*dev)->geometry(), s);
    if (!plan) {
      rec.job_faults.push_back(n + ": no read-back plan: " + plan.error().context);
      continue;
    }
    VerifyReport v = run_verification(**dev, rec.verification.expected, s, plan->sample_plan, {}, cancel);
    rec.choice.other_namespace_checks.push_back(
        fmt::format("{}: sample of {} blocks, {} differ, {} read errors, signature scan {}", n, v.blocks_read,
                    v.mismatched_blocks, v.read_errors.size(),
                    !v.signature_scan.performed ? "not run" : v.signature_scan.clean ? "clean" : "FOUND content"));
    if (!v.passed)
      rec.job_faults.push_back(n + " (erased by the same command) does not read back as the method defines");
  }
}

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

/// The planner's candidates in order until one completes. A firmware method the drive rejects
/// at once (nothing changed) falls through to the next, and the attempt is recorded; the
/// outcome rule names the level reached against the one requested.
Result<JobResult> run_planned(TargetSession& session, device::BlockDevice& dev, const WipeRequest& q,
                              const std::optional<SanitizationChoice>& hidden, const ProgressCallback& progress,
                              const CancelToken& cancel) {
  wipe::Plan plan = *q.firmware_plan;
  const ProbedDrive& drive = *q.drive;
  const std::vector<std::string> others = check_other_namespaces(session, drive, plan);
  std::vector<wipe::PlanChoice> order{plan.chosen};
  order.insert(order.end(), plan.fallbacks.begin(), plan.fallbacks.end());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const wipe::PlanChoice& candidate = order[i];
    if (!is_firmware_method(candidate.method)) {
      auto describe = [&](WipeRecord& rec) {
        describe_overwrite_choice(rec, &plan);
        rec.choice.why = candidate.why;
        enrich_identity(rec.device, drive);
        rec.choice.smart_before = drive.smart;
        rec.choice.retired_blocks = drive.retired;
        note_hidden_areas(rec.choice, hidden, q.drive);
      };
      auto r = journaled_overwrite(dev, session.target(), q, describe, progress, cancel);
      if (!r) return r;
      if (!drive.smart.empty()) {
        // Asked the way the probe asked: the NVMe SMART/Health log, or ATA SMART.
        OpenedPaths paths = session.paths_for(drive.caps.nvme ? CommandPath::nvme : CommandPath::ata, q.psid);
        r->record.choice.smart_after = smart_summary(paths.transports.ata, paths.transports.nvme);
      }
      finish(session, r->record);
      return r;
    }
    OpenedPaths paths = session.paths_for(method_info(candidate.method).path, q.psid);
    FirmwareJobOptions fo;
    fo.recovery_dir = q.out_dir;
    fo.restore_hidden = false;  // done by run_wipe before the device was opened
    fo.hidden_done = hidden;
    if (drive.caps.nvme && wipe::spans_namespaces(candidate.method, *drive.caps.nvme)) fo.other_namespaces = others;
    // A simulated drive finishes a sanitize in a couple of polls; no need to wait 2 s for each.
    if (session.simulated()) fo.poll.interval = std::chrono::milliseconds(20);
    JobResult r;
    r.record = run_firmware_job(dev, paths.transports, session.target(), drive, candidate, plan, q.spec, fo, progress,
                                cancel);
    if (r.record.choice.firmware_completed || r.record.choice.commands.size() > 1 || i + 1 == order.size()) {
      verify_other_namespaces(r.record, q.spec, cancel);
      finish(session, r.record);
      return r;
    }
    plan.rejected.push_back(
        fmt::format("tried {}: {}", sanitize_method_name(candidate.method), r.record.choice.firmware_failure));
  }
  return make_error(ErrorKind::internal, "the plan has no candidate method");
}

}  // namespace

Result<WipeRequest> plan_wipe(TargetSession& session, const device::DeviceGeometry& geometry, WipeIntent in) {
  WipeRequest q;
  WP_ASSIGN_OR_RETURN(q.overwrite_plan, plan_job(geometry, in.spec));
  q.spec = std::move(in.spec);
  q.psid = std::move(in.psid);
  q.restore_hidden = in.restore_hidden;
  q.out_dir = std::move(in.out_dir);
  q.checkpoint_interval = in.checkpoint_interval;
  q.issuer_json = std::move(in.issuer_json);
  if (!q.psid.empty()) {
    WP_RETURN_IF_ERROR(opal::validate_psid(q.psid));
    if (!in.level) return make_error(ErrorKind::usage, "--psid needs --level purge (the planner runs the Opal revert)");
  }
  // The drive is asked even for a plain overwrite: a hidden area it reports is evidence the
  // record must carry (an exception when the overwrite leaves it in place).
  if (!in.probe) return q;
  q.drive = session.probe();
  if (in.unfreeze && in.level && !in.dry_run && q.drive->caps.ata && q.drive->caps.ata->security_frozen) {
    WP_RETURN_IF_ERROR(device::suspend_to_ram_briefly());
    q.drive = session.probe();
    if (q.drive->caps.ata && q.drive->caps.ata->security_frozen)
      return make_error(ErrorKind::device_status,
                        session.target().path + ": still frozen after suspend/resume: hot-plug the drive");
  }
  q.drive->caps.opal_psid = !q.psid.empty();
  if (in.level) q.firmware_plan = wipe::plan_sanitization(q.drive->caps, *in.level);
  return q;
}

Result<void> prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return sys_error("cannot create the output directory " + dir, ec.value());
  if (!std::filesystem::is_directory(dir)) return sys_error(dir + " is not a directory", ENOTDIR);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return sys_error("cannot write to the output directory " + dir, errno);
  return {};
}


Result<JobResult> run_wipe(TargetSession& session, const device::WipeAuthorization& auth, WipeRequest q,
                           const ProgressCallback& progress, const CancelToken& cancel) {
  WP_RETURN_IF_ERROR(prepare_out_dir(q.out_dir));
  WP_ASSIGN_OR_RETURN(std::optional<SanitizationChoice> hidden, restore_hidden(session, q));
  WP_ASSIGN_OR_RETURN(auto dev, session.open_for_wipe(auth));
  // The plan was made for the size seen before; a restored area changes it.
  if (hidden) {
    WP_ASSIGN_OR_RETURN(q.overwrite_plan, plan_job(dev->geometry(), q.spec));
  }
  if (q.firmware_plan) {
    if (!q.drive) return make_error(ErrorKind::internal, "a planned job needs the drive probe");
    return run_planned(session, *dev, q, hidden, progress, cancel);
  }
  auto describe = [&](WipeRecord& rec) {
    describe_overwrite_choice(rec, nullptr);
    note_hidden_areas(rec.choice, hidden, q.drive);
  };
  auto r = journaled_overwrite(*dev, session.target(), q, describe, progress, cancel);
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
  rec = header_record();
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
