#include "job/firmware_job.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sys.hpp"
#include "verify/canary.hpp"
#include "verify/change_check.hpp"
#include "verify/signature_scan.hpp"

namespace wipeproof::job {

bool is_firmware_method(const std::string& m) { return m != "overwrite" && !m.empty(); }

namespace {

std::string method_type_of(const std::string& m) {
  if (m.find("crypto") != std::string::npos || m == "opal-psid-revert") return "crypto_erase";
  if (m == "ata-sanitize-overwrite" || m == "nvme-sanitize-overwrite" || m == "scsi-sanitize-overwrite" ||
      m == "scsi-format-unit")
    return "overwrite";
  return "block_erase";
}

void fill_choice(SanitizationChoice& c, const wipe::PlanChoice& chosen, const wipe::Plan& plan) {
  c.requested_level = wipe::level_name(plan.requested);
  c.level = wipe::level_name(chosen.level);
  c.method = chosen.method;
  c.why = chosen.why;
  c.shortfall = plan.shortfall;
  c.rejected = plan.rejected;
}

/// The content a method defines, as the read-back checks it (docs/verification.md, "Expected
/// content after a firmware erase").
PassPattern expected_result(const std::string& m, const ProbedDrive& drive) {
  PassPattern p;
  if (method_type_of(m) == "crypto_erase") {
    p.kind = PatternKind::looks_random;
    p.origin = "crypto erase: the old ciphertext read with a new key is noise (or the drive's answer for "
               "deallocated blocks)";
  } else if (m == "ata-sanitize-overwrite" || m == "nvme-sanitize-overwrite" || m == "scsi-sanitize-overwrite") {
    p.kind = PatternKind::fixed;
    p.bytes = {std::byte{0}};
    p.origin = "sanitize overwrite with the pattern wipeproof sent (0x00000000, one pass)";
  } else if (m.rfind("nvme-format", 0) == 0 && drive.ns && (drive.ns->dlfeat & 0x7) == 1) {
    p.kind = PatternKind::fixed;
    p.bytes = {std::byte{0}};
    p.origin = "NVMe Format NVM: deallocated blocks read zeroes (DLFEAT=1)";
  } else if (m == "ata-security-erase" || m == "ata-sanitize-block" || m == "nvme-sanitize-block" ||
             m == "scsi-sanitize-block") {
    p.kind = PatternKind::uniform;
    p.origin = m == "ata-security-erase" ? "ATA normal security erase: binary zeroes or ones (ACS-3 7.45)"
                                         : "block erase: zeroes, ones or one vendor byte in every block";
  } else {
    p.kind = PatternKind::any;
    p.origin = "vendor-defined result: no recognisable content, and every fingerprinted block changed";
  }
  return p;
}

}  // namespace

void describe_overwrite_choice(WipeRecord& rec, const wipe::Plan* plan, const std::string& requested_level) {
  SanitizationChoice& c = rec.choice;
  c.method = "overwrite";
  c.method_type = "overwrite";
  c.level = "clear";
  c.requested_level = requested_level;
  c.why = plan ? plan->chosen.why : "method forced with --method " + rec.method.name;
  if (plan) {
    c.rejected = plan->rejected;
    c.shortfall = plan->shortfall;
  }
}

WipeRecord run_firmware_job(device::BlockDevice& dev, DriveTransports transports, const device::Target& target,
                            const ProbedDrive& drive,
                            const wipe::PlanChoice& chosen, const wipe::Plan& plan, const JobSpec& spec,
                            const FirmwareJobOptions& o, const ProgressCallback& progress, const CancelToken& cancel) {
  auto header = new_record();
  WipeRecord rec = header ? *header : WipeRecord{};
  rec.started = now_utc();
  rec.device = target.identity;
  rec.device.size_bytes = dev.geometry().size_bytes;
  rec.device.direct_io = dev.direct_io();
  enrich_identity(rec.device, drive);
  rec.choice.smart_before = drive.smart;
  rec.choice.retired_blocks = drive.retired;
  rec.method = {chosen.method, chosen.why, "planner (docs/methods.md, How wipeproof chooses)", 1, false};
  rec.verification.mode = VerifyMode::sample;
  fill_choice(rec.choice, chosen, plan);
  rec.choice.method_type = method_type_of(chosen.method);
  rec.choice.hidden_areas = "not_checked";
  auto fail = [&](std::string why) {
    rec.choice.firmware_failure = std::move(why);
    rec.finished = now_utc();
    decide_outcome(rec);
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

  // 2. The firmware command.
  wipe::FirmwareReport fw;
  const std::string& m = chosen.method;
  if (m == "opal-psid-revert") {
    if (!transports.opal) return fail("no Opal command path to the drive");
    auto r = transports.opal->psid_revert(transports.psid);
    fw.method = m;
    fw.commands.push_back({"TCG Opal Revert (AdminSP, PSID authority)", "via sed-opal IOC_OPAL_PSID_REVERT_TPR",
                           r ? "ok" : r.error().context, now_utc()});
    fw.completed = r.has_value();
    if (!r) fw.failure = r.error().context;
  } else if (m.rfind("scsi-", 0) == 0) {
    if (!transports.ata) return fail("no SCSI command path to the drive");
    if (m == "scsi-format-unit") {
      fw = wipe::scsi_format_unit(*transports.ata);
    } else {
      std::uint8_t sa = m == "scsi-sanitize-crypto" ? 3 : m == "scsi-sanitize-block" ? 2 : 1;
      fw = wipe::scsi_sanitize(*transports.ata, sa, o.poll, progress);
    }
  } else if (m.rfind("ata-", 0) == 0) {
    if (!transports.ata || !drive.caps.ata) return fail("no ATA command path to the drive");
    device::ScsiTransport* tr = transports.ata;
    ata::AtaIdentify id = *drive.caps.ata;
    if (drive.hidden) {
      rec.choice.sectors_before = drive.hidden->current_sectors;
      rec.choice.sectors_after = drive.hidden->current_sectors;
      bool hidden = drive.hidden->hpa() || drive.hidden->dco();
      rec.choice.hidden_areas = hidden ? "found" : "none_found";
      if (hidden && o.restore_hidden) {
        if (auto r = wipe::ata_restore_native_max(*tr, id, *drive.hidden); !r)
          return fail("restoring the native max address: " + r.error().context);
        auto after = wipe::ata_identify(*tr);
        rec.choice.sectors_after = after ? after->sectors : *drive.hidden->native_sectors;
        rec.choice.hidden_areas = "removed";
      }
    }
    if (m == "ata-sanitize-crypto" || m == "ata-sanitize-block" || m == "ata-sanitize-overwrite") {
      ata::SanitizeAction a = m == "ata-sanitize-crypto"  ? ata::SanitizeAction::crypto_scramble
                              : m == "ata-sanitize-block" ? ata::SanitizeAction::block_erase
                                                          : ata::SanitizeAction::overwrite;
      fw = wipe::ata_sanitize(*tr, a, {}, o.poll, progress);
    } else {
      wipe::SecurityEraseOptions so;
      so.enhanced = m == "ata-security-erase-enhanced";
      so.recovery_file = (std::filesystem::path(o.recovery_dir) / (rec.record_id + ".ata-password.json")).string();
      so.device_label = target.path + " serial " + target.identity.serial;
      fw = wipe::ata_security_erase(*tr, id, so);
    }
  } else {
    if (!transports.nvme) return fail("no NVMe command path to the drive");
    nvme::NvmeTransport* tr = transports.nvme;
    if (m == "nvme-format-crypto" || m == "nvme-format-user-data") {
      std::uint8_t lbaf = drive.ns ? drive.ns->lbaf_in_use : 0;
      fw = wipe::nvme_format(*tr, drive.nsid ? drive.nsid : 1, lbaf,
                             m == "nvme-format-crypto" ? nvme::SecureErase::crypto : nvme::SecureErase::user_data);
    } else {
      nvme::SanitizeAction a = m == "nvme-sanitize-crypto"  ? nvme::SanitizeAction::crypto_erase
                               : m == "nvme-sanitize-block" ? nvme::SanitizeAction::block_erase
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
    }
  }
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
  }
  if (ev.media_verification_used && transports.nvme) {
    wipe::FirmwareReport exit_report;
    auto ex = wipe::nvme_exit_media_verification(*transports.nvme, exit_report);
    for (const auto& c : exit_report.commands) rec.choice.commands.push_back({c.name, c.parameters, c.result, c.at});
    if (!ex) ev.media_verification_note += "; leaving the state failed: " + ex.error().context;
  }
  rec.verification.evidence = std::move(ev);
  rec.finished = now_utc();
  decide_outcome(rec);
  return rec;
}

}  // namespace wipeproof::job
