#include "job/firmware_job.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sys.hpp"
#include "verify/canary.hpp"
#include "verify/change_check.hpp"
#include "verify/signature_scan.hpp"

namespace wipeproof::job {

namespace {

void fill_choice(SanitizationChoice& c, const wipe::PlanChoice& chosen, const wipe::Plan& plan) {
  c.requested_level = plan.requested;
  c.method = chosen.method;
  c.why = chosen.why;
  c.rejected = plan.rejected;
}

/// The content a method defines, as the read-back checks it (docs/verification.md, "Expected
/// content after a firmware erase").
PassPattern expected_result(SanitizeMethod m, const ProbedDrive& drive) {
  PassPattern p;
  switch (method_info(m).result) {
    case DefinedResult::noise:
      p.kind = PatternKind::looks_random;
      p.origin = "crypto erase: the old ciphertext read with a new key is noise (or the drive's answer for "
                 "deallocated blocks)";
      return p;
    case DefinedResult::zeroes:
      p.kind = PatternKind::fixed;
      p.bytes = {std::byte{0}};
      p.origin = "sanitize overwrite with the pattern wipeproof sent (0x00000000, one pass)";
      return p;
    case DefinedResult::zeroes_if_dlfeat:
      if (drive.ns && (drive.ns->dlfeat & 0x7) == 1) {
        p.kind = PatternKind::fixed;
        p.bytes = {std::byte{0}};
        p.origin = "NVMe Format NVM: deallocated blocks read zeroes (DLFEAT=1)";
        return p;
      }
      break;
    case DefinedResult::uniform:
      p.kind = PatternKind::uniform;
      p.origin = m == SanitizeMethod::ata_security_erase ? "ATA normal security erase: binary zeroes or ones (ACS-3 7.45)"
                                                         : "block erase: zeroes, ones or one vendor byte in every block";
      return p;
    case DefinedResult::vendor_defined:
    case DefinedResult::passes:
    case DefinedResult::stated:
      break;
  }
  p.kind = PatternKind::any;
  p.origin = "vendor-defined result: no recognisable content, and every fingerprinted block changed";
  return p;
}

/// Sends the method's command through its path. Nothing here judges the result.
wipe::FirmwareReport send_firmware_command(SanitizeMethod m, DriveTransports& transports, const ProbedDrive& drive,
                                           const std::string& recovery_file, const std::string& device_label,
                                           const FirmwareJobOptions& o, const ProgressCallback& progress,
                                           EraseEvidence& ev) {
  wipe::FirmwareReport fw;
  fw.method = m;
  auto no_path = [&](const char* what) {
    fw.failure = std::string("no ") + what + " command path to the drive";
    return fw;
  };
  using SM = SanitizeMethod;
  switch (method_info(m).path) {
    case CommandPath::opal: {
      if (!transports.opal) return no_path("Opal");
      auto r = transports.opal->psid_revert(transports.psid);
      fw.commands.push_back({"TCG Opal Revert (AdminSP, PSID authority)", "via sed-opal IOC_OPAL_PSID_REVERT_TPR",
                             r ? "ok" : r.error().context, now_utc()});
      fw.completed = r.has_value();
      if (!r) fw.failure = r.error().context;
      return fw;
    }
    case CommandPath::scsi:
      if (!transports.ata) return no_path("SCSI");
      if (m == SM::scsi_format_unit) return wipe::scsi_format_unit(*transports.ata);
      return wipe::scsi_sanitize(*transports.ata, m == SM::scsi_sanitize_crypto ? 3 : m == SM::scsi_sanitize_block ? 2 : 1,
                                 o.poll, progress);
    case CommandPath::ata: {
      if (!transports.ata || !drive.caps.ata) return no_path("ATA");
      if (m == SM::ata_sanitize_crypto || m == SM::ata_sanitize_block || m == SM::ata_sanitize_overwrite) {
        ata::SanitizeAction a = m == SM::ata_sanitize_crypto  ? ata::SanitizeAction::crypto_scramble
                                : m == SM::ata_sanitize_block ? ata::SanitizeAction::block_erase
                                                              : ata::SanitizeAction::overwrite;
        return wipe::ata_sanitize(*transports.ata, a, {}, o.poll, progress);
      }
      wipe::SecurityEraseOptions so;
      so.enhanced = m == SM::ata_security_erase_enhanced;
      so.recovery_file = recovery_file;
      so.device_label = device_label;
      return wipe::ata_security_erase(*transports.ata, *drive.caps.ata, so);
    }
    case CommandPath::nvme: {
      if (!transports.nvme) return no_path("NVMe");
      nvme::NvmeTransport* tr = transports.nvme;
      if (m == SM::nvme_format_crypto || m == SM::nvme_format_user_data) {
        std::uint8_t lbaf = drive.ns ? drive.ns->lbaf_in_use : 0;
        return wipe::nvme_format(*tr, drive.nsid ? drive.nsid : 1, lbaf,
                                 m == SM::nvme_format_crypto ? nvme::SecureErase::crypto : nvme::SecureErase::user_data);
      }
      nvme::SanitizeAction a = m == SM::nvme_sanitize_crypto  ? nvme::SanitizeAction::crypto_erase
                               : m == SM::nvme_sanitize_block ? nvme::SanitizeAction::block_erase
                                                              : nvme::SanitizeAction::overwrite;
      nvme::SanitizeParams sp;
      // EMVS: keep the drive in the Media Verification state so the read-back sees the media,
      // not the deallocated-block answer (NVMe 2.1 8.1.24.4).
      sp.enter_media_verification = drive.caps.nvme && drive.caps.nvme->media_verification();
      fw = wipe::nvme_sanitize(*tr, a, sp, o.poll, progress);
      ev.media_verification_used = sp.enter_media_verification && fw.completed;
      ev.media_verification_note = sp.enter_media_verification
                                       ? "sanitize started with EMVS; the read-back saw the media"
                                       : "the controller does not support media verification (SANICAP.VERS = 0)";
      return fw;
    }
    case CommandPath::host_writes:
    case CommandPath::none:
      break;
  }
  fw.failure = std::string(sanitize_method_name(m)) + " is not a firmware method";
  return fw;
}

}  // namespace

Result<void> record_hidden_areas(SanitizationChoice& c, const ProbedDrive& drive, device::ScsiTransport* ata,
                                 bool restore) {
  if (!drive.hidden) return {};
  const wipe::HiddenAreas& h = *drive.hidden;
  c.sectors_before = h.current_sectors;
  c.sectors_after = h.current_sectors;
  c.native_sectors = std::max({h.current_sectors, h.native_sectors.value_or(0), h.dco_sectors.value_or(0)});
  bool hidden = h.hpa() || h.dco();
  c.hidden_areas = hidden ? HiddenAreaState::found : HiddenAreaState::none_found;
  if (!hidden || !restore) return {};
  if (!ata || !drive.caps.ata) return make_error(ErrorKind::device_status, "no ATA command path to restore the hidden area");
  WP_RETURN_IF_ERROR(wipe::ata_restore_native_max(*ata, *drive.caps.ata, h));
  auto after = wipe::ata_identify(*ata);
  c.sectors_after = after ? after->sectors : h.native_sectors.value_or(h.current_sectors);
  // Only a visible size that reaches the native maximum proves the area is gone.
  if (c.sectors_after >= c.native_sectors) c.hidden_areas = HiddenAreaState::removed;
  return {};
}

void copy_hidden_areas(SanitizationChoice& to, const SanitizationChoice& from) {
  to.sectors_before = from.sectors_before;
  to.sectors_after = from.sectors_after;
  to.native_sectors = from.native_sectors;
  to.hidden_areas = from.hidden_areas;
}

void describe_overwrite_choice(WipeRecord& rec, const wipe::Plan* plan) {
  SanitizationChoice& c = rec.choice;
  c.method = SanitizeMethod::overwrite;
  c.why = plan ? plan->chosen.why : "method forced with --method " + rec.method.name;
  if (plan) {
    c.requested_level = plan->requested;
    c.rejected = plan->rejected;
  }
}

WipeRecord run_firmware_job(device::BlockDevice& dev, DriveTransports transports, const device::Target& target,
                            const ProbedDrive& drive, const wipe::PlanChoice& chosen, const wipe::Plan& plan,
                            const JobSpec& spec, const FirmwareJobOptions& o, const ProgressCallback& progress,
                            const CancelToken& cancel) {
  WipeRecord rec = header_record();
  rec.started = now_utc();
  rec.device = target.identity;
  rec.device.size_bytes = dev.geometry().size_bytes;
  rec.device.direct_io = dev.direct_io();
  enrich_identity(rec.device, drive);
  rec.choice.smart_before = drive.smart;
  rec.choice.retired_blocks = drive.retired;
  const SanitizeMethod m = chosen.method;
  rec.method = {sanitize_method_name(m), chosen.why, "planner (docs/methods.md, How wipeproof chooses)", 1, false};
  rec.verification.mode = VerifyMode::sample;
  fill_choice(rec.choice, chosen, plan);
  rec.choice.other_namespaces = o.other_namespaces;
  auto fail = [&](std::string why) {
    rec.choice.firmware_failure = std::move(why);
    rec.finished = now_utc();
    return rec;
  };

  // 1. Evidence before the erase: canaries written through the normal path, then SHA-256
  // fingerprints of a seeded sample (which includes what the canaries just wrote).
  std::vector<std::byte> seed(verify::kSeedBytes);
  if (spec.seed) seed = *spec.seed;
  else if (auto r = random_bytes(seed); !r) return fail(r.error().context);
  const std::uint32_t ss = dev.geometry().logical_sector_size;
  std::uint64_t blocks = dev.geometry().size_bytes / ss;
  EraseEvidence ev;
  auto canaries = verify::make_canary_plan(blocks);
  if (!canaries) return fail(canaries.error().context);
  if (auto w = verify::write_canaries(dev, *canaries); !w) return fail("writing canary blocks: " + w.error().context);
  ev.canaries_written = canaries->lbas.size();
  ev.canary_lbas = canaries->lbas;
  auto change_plan = verify::make_change_plan(blocks, ss, seed);
  if (!change_plan) return fail(change_plan.error().context);
  auto before = verify::snapshot_blocks(dev, *change_plan);
  if (!before) return fail("reading the pre-erase sample: " + before.error().context);
  ev.fingerprinted_blocks = before->lbas.size();

  // 2. The firmware command (hidden areas first: an ATA erase covers them, but the record says
  // what was there).
  if (o.hidden_done) {
    copy_hidden_areas(rec.choice, *o.hidden_done);
  } else if (method_info(m).path == CommandPath::ata) {
    if (auto h = record_hidden_areas(rec.choice, drive, transports.ata, o.restore_hidden); !h)
      return fail("restoring the native max address: " + h.error().context);
  }
  std::string recovery = (std::filesystem::path(o.recovery_dir) / (rec.record_id + ".ata-password.json")).string();
  wipe::FirmwareReport fw = send_firmware_command(m, transports, drive, recovery,
                                                  target.path + " serial " + target.identity.serial, o, progress, ev);
  for (const auto& c : fw.commands) rec.choice.commands.push_back({c.name, c.parameters, c.result, c.at});
  if (!drive.smart.empty()) rec.choice.smart_after = smart_summary(transports.ata, transports.nvme);
  rec.choice.firmware_completed = fw.completed;
  if (!fw.completed) return fail(fw.failure);

  // 3. Proof by reading: the method's defined result over the verification sample (or every
  // block), then every fingerprint must have changed and every canary must be gone.
  PassPattern expected = expected_result(m, drive);
  ev.expected_result = expected.origin;
  std::optional<verify::SamplePlan> sp;
  if (spec.verify_mode == VerifyMode::sample) {
    auto p = verify::make_sample_plan((dev.geometry().size_bytes + ss - 1) / ss, ss, spec.coverage_ppm, seed,
                                      spec.block_size / ss, (spec.min_samples + 1) / verify::kSamplesPerSubsection);
    if (!p) return fail(p.error().context);
    sp = std::move(*p);
  }
  if (spec.verify_mode != VerifyMode::none) {
    rec.verification = run_verification(dev, expected, spec, sp, progress, cancel);
    VerifyReport changed = verify::verify_changed(dev, *change_plan, *before, cancel);
    ev.fingerprints_unchanged = changed.mismatched_blocks;
    ev.unchanged_lbas = changed.first_mismatch_lbas;
    for (auto& h : changed.residue)
      if (rec.verification.residue.size() < kMaxReportedMismatches) rec.verification.residue.push_back(std::move(h));
    for (auto& f : changed.read_errors) rec.verification.read_errors.push_back(std::move(f));
    verify::CanaryCheck cc = verify::check_canaries(dev, *canaries);
    ev.canaries_surviving = cc.surviving;
    ev.canaries_unreadable = cc.unreadable;
    if (!ev.canaries_surviving.empty() || ev.fingerprints_unchanged > 0) rec.verification.passed = false;
    // Zeroes (or ones) everywhere from a flash drive may be the drive's answer for deallocated
    // blocks whatever the cells hold: only media verification or a result with content
    // (noise, a pattern) shows the media itself.
    const VerifyReport& v = rec.verification;
    bool all_uniform = v.blocks_read > 0 && v.uniform_blocks >= v.blocks_read;
    if (!drive.caps.rotational && !ev.media_verification_used && all_uniform) {
      ev.media_inspected = false;
      ev.media_note = "every block read back as zeroes or ones on a flash drive without media verification: the "
                      "drive may answer so for deallocated blocks whatever its media still holds";
    }
  } else {
    rec.verification.mode = VerifyMode::none;
  }
  if (ev.media_verification_used && transports.nvme) {
    wipe::FirmwareReport exit_report;
    auto ex = wipe::nvme_exit_media_verification(*transports.nvme, exit_report);
    for (const auto& c : exit_report.commands) rec.choice.commands.push_back({c.name, c.parameters, c.result, c.at});
    if (!ex) ev.media_verification_note += "; leaving the state failed: " + ex.error().context;
  }
  rec.verification.evidence = std::move(ev);
  rec.finished = now_utc();
  return rec;
}

}  // namespace wipeproof::job
