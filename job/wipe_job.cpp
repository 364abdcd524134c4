#include "job/wipe_job.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sha256.hpp"
#include "core/sys.hpp"
#include "core/version.hpp"
#include "job/journal.hpp"
#include "verify/signature_scan.hpp"

namespace wipeproof::job {

std::function<SignatureScan()> path_scanner(const std::string& path) {
  return [path] { return verify::scan_signatures(path); };
}

Result<JobPlan> plan_job(const device::DeviceGeometry& geometry, const JobSpec& spec) {
  if (spec.method == nullptr) return make_error(ErrorKind::usage, "no method");
  wipe::OverwriteOptions ow;
  ow.block_size = spec.block_size;
  WP_RETURN_IF_ERROR(wipe::validate_overwrite(geometry, ow));
  JobPlan plan;
  WP_ASSIGN_OR_RETURN(plan.passes, wipe::instantiate_passes(*spec.method, spec.pass_options));
  if (spec.verify_mode == VerifyMode::sample) {
    std::vector<std::byte> seed(verify::kSeedBytes);
    if (spec.seed) {
      seed = *spec.seed;
    } else {
      WP_RETURN_IF_ERROR(random_bytes(seed));
    }
    std::uint64_t blocks = (geometry.size_bytes + geometry.logical_sector_size - 1) / geometry.logical_sector_size;
    WP_ASSIGN_OR_RETURN(auto sp, verify::make_sample_plan(blocks, geometry.logical_sector_size, spec.coverage_ppm,
                                                          seed, spec.block_size / geometry.logical_sector_size,
                                                          (spec.min_samples + 1) / verify::kSamplesPerSubsection));
    plan.sample_plan = std::move(sp);
  }
  return plan;
}

VerifyReport run_verification(device::BlockDevice& dev, const PassPattern& expected, const JobSpec& spec,
                              const std::optional<verify::SamplePlan>& plan, const ProgressCallback& progress,
                              const CancelToken& cancel, const VerifyContinuation& continuation) {
  verify::VerifyOptions vo;
  vo.block_size = spec.block_size;
  vo.search = spec.search;
  vo.first_read = continuation.first_read;
  vo.prior = continuation.prior;
  vo.checkpoint = continuation.checkpoint;
  vo.checkpoint_interval = continuation.interval;
  VerifyReport rep = verify::verify_device(dev, expected, spec.verify_mode, plan ? &*plan : nullptr, vo,
                                           progress, cancel);
  if (spec.verify_mode != VerifyMode::none && rep.status == RunStatus::complete && spec.signature_scan) {
    rep.signature_scan = spec.signature_scan();
    if (!rep.signature_scan.clean) rep.passed = false;
  }
  return rep;
}

Result<WipeRecord> new_record() {
  WipeRecord rec;
  WP_ASSIGN_OR_RETURN(rec.record_id, make_uuid_v4());
  rec.tool.version = tool_version();
  auto exe = sha256_file(self_executable_path());
  rec.tool.binary_sha256 = exe ? *exe : std::string{};
  rec.host = host_name();
  rec.kernel = kernel_release();
  return rec;
}

WipeRecord begin_record(const device::BlockDevice& dev, const DeviceIdentity& identity, const JobSpec& spec) {
  auto header = new_record();
  WipeRecord rec = header ? *header : WipeRecord{};
  if (!header) rec.exceptions.push_back("record header incomplete: " + header.error().context);
  rec.started = now_utc();
  rec.device = identity;
  rec.device.size_bytes = dev.geometry().size_bytes;
  rec.device.logical_sector_size = dev.geometry().logical_sector_size;
  rec.device.physical_sector_size = dev.geometry().physical_sector_size;
  rec.device.direct_io = dev.direct_io();
  rec.method = {spec.method->name, spec.method->title, spec.method->source, spec.pass_options.rounds,
                spec.pass_options.final_blank};
  rec.block_size_bytes = static_cast<std::uint32_t>(spec.block_size);
  return rec;
}

WipeRecord run_job(device::BlockDevice& dev, const DeviceIdentity& identity, const JobSpec& spec,
                   const JobPlan& plan, const ProgressCallback& progress, const CancelToken& cancel) {
  return execute_job(dev, begin_record(dev, identity, spec), spec, plan, progress, cancel);
}

WipeRecord execute_job(device::BlockDevice& dev, WipeRecord rec, const JobSpec& spec, const JobPlan& plan,
                       const ProgressCallback& progress, const CancelToken& cancel, JournalWriter* journal,
                       const ResumePoint* resume, std::chrono::milliseconds checkpoint_interval) {
  wipe::OverwriteOptions ow;
  ow.block_size = spec.block_size;
  ow.checkpoint_interval = checkpoint_interval;
  wipe::OverwriteHooks hooks;
  if (journal) {
    hooks.checkpoint = [journal](const PassRecord& p, std::uint64_t offset) { journal->pass_checkpoint(p, offset); };
    // Only a pass that ended is final; an interrupted one resumes from its checkpoints.
    hooks.pass_finished = [journal](const PassRecord& p) {
      if (p.status == RunStatus::complete) journal->pass_finished(p);
    };
  }
  rec.passes = wipe::run_overwrite(dev, plan.passes, ow, progress, cancel, resume ? &resume->overwrite : nullptr, hooks);

  bool all_complete = !rec.passes.empty() && rec.passes.back().status == RunStatus::complete;
  rec.verification.mode = spec.verify_mode;
  if (all_complete && !cancel.cancelled()) {
    VerifyContinuation vc;
    vc.interval = checkpoint_interval;
    if (resume && resume->phase == "verify") {
      vc.first_read = resume->first_read;
      vc.prior = resume->verify_prior;
    }
    if (journal)
      vc.checkpoint = [journal](std::size_t reads, const VerifyReport& v) { journal->verify_checkpoint(reads, v); };
    rec.verification = run_verification(dev, plan.passes.back(), spec, plan.sample_plan, progress, cancel, vc);
  } else if (!plan.passes.empty()) {
    rec.verification.expected = plan.passes.back();
  }
  rec.finished = now_utc();
  decide_outcome(rec);
  return rec;
}

void decide_outcome(WipeRecord& rec) {
  std::vector<std::string>& ex = rec.exceptions;
  bool interrupted = false, not_erased = false, exceptions = !ex.empty();
  for (const auto& p : rec.passes) {
    if (p.status == RunStatus::interrupted) interrupted = true;
    if (p.status == RunStatus::aborted) {
      not_erased = true;
      ex.push_back(fmt::format("pass {} aborted: {}", p.index, p.errors.empty() ? "" : p.errors.back().message));
    }
    if (p.status == RunStatus::skipped) ex.push_back(fmt::format("pass {} not run", p.index));
    for (const auto& e : p.errors) {
      if (p.status == RunStatus::aborted) break;
      exceptions = true;
      ex.push_back(fmt::format("pass {}: {} error on LBA {}+{}: {}", p.index, e.op, e.lba_first, e.lba_count, e.message));
    }
    if (p.status == RunStatus::complete && !p.synced) {
      exceptions = true;
      bool reported = std::any_of(p.errors.begin(), p.errors.end(), [](const IoFault& f) { return f.op == "sync"; });
      if (!reported) ex.push_back(fmt::format("pass {}: not confirmed durable (no successful fdatasync)", p.index));
    }
  }
  // A firmware method by name: a sanitize overwrite has method_type "overwrite" too.
  const std::string& cm = rec.choice.method;
  bool firmware = !cm.empty() && cm != "overwrite" && cm != "verification-only";
  if (firmware && !rec.choice.firmware_completed) {
    not_erased = true;
    ex.push_back("firmware sanitize did not complete: " + rec.choice.firmware_failure);
  }
  // Retired blocks keep their old contents outside the LBA space. A firmware sanitize is meant
  // to reach them, but no read can show that it did (NVMe 2.0 Annex A: only accessible storage
  // can be audited), so the drive's word is all there is: said as an exception.
  if (firmware && rec.choice.firmware_completed && !rec.choice.retired_blocks.empty() &&
      rec.choice.retired_blocks != "none reported") {
    exceptions = true;
    ex.push_back("the drive reports retired blocks (" + rec.choice.retired_blocks +
                 "): their former contents are beyond the host's reach, and that the sanitize erased them cannot "
                 "be verified");
  }
  // A purge request met only at Clear is not an erasure failure: the level and the reason are
  // recorded in choice (and the certificate's sanitization.level), not as an exception.
  const VerifyReport& v = rec.verification;
  if (v.status == RunStatus::interrupted) interrupted = true;
  if (v.mode == VerifyMode::none) {
    exceptions = true;
    ex.push_back("not verified (--verify none): NIST SP 800-88 requires verification");
  } else if (v.status == RunStatus::aborted) {
    not_erased = true;
    ex.push_back("verification aborted");
  } else if (v.status == RunStatus::complete) {
    for (const auto& h : v.residue) ex.push_back(fmt::format("residual content at LBA {}: {}", h.lba, h.type));
    if (v.mismatched_blocks > 0) {
      not_erased = true;
      ex.push_back(fmt::format("{} blocks read back differ from the last pass (first LBA {})", v.mismatched_blocks,
                               v.first_mismatch_lbas.empty() ? 0 : v.first_mismatch_lbas.front()));
    }
    for (const auto& e : v.read_errors) {
      exceptions = true;
      ex.push_back(fmt::format("verify: {} error on LBA {}+{}: {}", e.op, e.lba_first, e.lba_count, e.message));
    }
    // A signature found means not erased; a scan that could not finish (an unreadable sector
    // where libblkid looks) is an exception, said below, not a finding.
    if (v.signature_scan.performed && !v.signature_scan.hits.empty()) {
      not_erased = true;
      for (const auto& h : v.signature_scan.hits)
        ex.push_back(fmt::format("signature still present: {} ({}) at byte {}", h.type, h.usage, h.offset));
    }
    if (v.evidence) {
      const EraseEvidence& e = *v.evidence;
      if (!e.canaries_surviving.empty()) {
        not_erased = true;
        ex.push_back(fmt::format("{} of {} canary blocks written before the erase still read back (first LBA {}): "
                                 "the drive reported success but did not erase them",
                                 e.canaries_surviving.size(), e.canaries_written, e.canaries_surviving.front()));
      }
      if (e.fingerprints_unchanged > 0) {
        not_erased = true;
        ex.push_back(fmt::format("{} of {} fingerprinted blocks are unchanged since before the erase (first LBA {})",
                                 e.fingerprints_unchanged, e.fingerprinted_blocks,
                                 e.unchanged_lbas.empty() ? 0 : e.unchanged_lbas.front()));
      }
      if (!e.canaries_unreadable.empty()) {
        exceptions = true;
        ex.push_back(fmt::format("{} canary blocks could not be read back (first LBA {})", e.canaries_unreadable.size(),
                                 e.canaries_unreadable.front()));
      }
      if (!e.media_inspected) {
        exceptions = true;
        ex.push_back("the read-back could not inspect the media behind deallocated blocks: " + e.media_note);
      }
    }
    if (!v.signature_scan.error.empty()) {
      exceptions = true;
      ex.push_back("signature scan: " + v.signature_scan.error);
    }
  }
  // Sectors that could not be written or read back cannot be shown sanitized: NIST SP 800-88
  // Rev. 1 §4.7 — when verification cannot confirm the result, the medium goes to destruction.
  // A sector failing in several passes and again at read-back counts once: merge the ranges.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;  // [first, end)
  for (const auto& p : rec.passes)
    for (const auto& e : p.errors)
      if (e.op == "write" && p.status != RunStatus::aborted) bad.emplace_back(e.lba_first, e.lba_first + e.lba_count);
  for (const auto& e : v.read_errors) bad.emplace_back(e.lba_first, e.lba_first + e.lba_count);
  std::sort(bad.begin(), bad.end());
  std::uint64_t bad_sectors = 0, covered_to = 0;
  for (const auto& [first, end] : bad) {
    std::uint64_t from = std::max(first, covered_to);
    if (end > from) bad_sectors += end - from;
    covered_to = std::max(covered_to, end);
  }
  if (!interrupted && bad_sectors > 0)
    ex.push_back(fmt::format("recommendation: destroy the drive — {} sector(s) could not be overwritten or read back, "
                             "so their sanitization cannot be confirmed (NIST SP 800-88 Rev. 1 §4.7)",
                             bad_sectors));
  if (interrupted) {
    rec.outcome = Outcome::interrupted;
    ex.insert(ex.begin(), "interrupted by signal before the job finished");
  } else if (not_erased) {
    rec.outcome = Outcome::not_erased;
  } else if (exceptions) {
    rec.outcome = Outcome::erased_with_exceptions;
  } else {
    rec.outcome = Outcome::erased;
  }
}

}  // namespace wipeproof::job
