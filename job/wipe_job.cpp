#include "job/wipe_job.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sha256.hpp"
#include "core/sys.hpp"
#include "core/version.hpp"
#include "job/journal.hpp"
#include "job/outcome.hpp"
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

WipeRecord header_record() {
  auto header = new_record();
  if (header) return *header;
  WipeRecord rec;
  rec.job_faults.push_back("record header incomplete: " + header.error().context);
  return rec;
}

WipeRecord begin_record(const device::BlockDevice& dev, const DeviceIdentity& identity, const JobSpec& spec) {
  WipeRecord rec = header_record();
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
  WipeRecord rec = execute_job(dev, begin_record(dev, identity, spec), spec, plan, progress, cancel);
  apply_verdict(rec);
  return rec;
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
  return rec;
}

}  // namespace wipeproof::job
