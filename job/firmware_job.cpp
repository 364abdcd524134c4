#include "job/firmware_job.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/sys.hpp"
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

  // 1. What the drive holds now, at reproducible sample locations.
  std::vector<std::byte> seed(verify::kSeedBytes);
  if (auto r = random_bytes(seed); !r) return fail(r.error().context);
  const std::uint32_t ss = dev.geometry().logical_sector_size;
  std::uint64_t blocks = dev.geometry().size_bytes / ss;
  auto change_plan = verify::make_change_plan(blocks, ss, seed);
  if (!change_plan) return fail(change_plan.error().context);
  auto before = verify::snapshot_blocks(dev, *change_plan);
  if (!before) return fail("reading the pre-erase sample: " + before.error().context);

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
      fw = wipe::nvme_sanitize(*tr, a, {}, o.poll, progress);
    }
  }
  for (const auto& c : fw.commands) rec.choice.commands.push_back({c.name, c.parameters, c.result, c.at});
  if (!drive.smart.empty()) rec.choice.smart_after = smart_summary(transports.ata, transports.nvme);
  rec.choice.firmware_completed = fw.completed;
  if (!fw.completed) return fail(fw.failure);

  // 3. Proof by reading: a known post-state is verified like a pass; otherwise "changed".
  bool zeroes = m.rfind("nvme-format", 0) == 0 && drive.ns && (drive.ns->dlfeat & 0x7) == 1;
  if (zeroes && spec.verify_mode != VerifyMode::none) {
    PassPattern zero;
    zero.bytes = {std::byte{0}};
    zero.origin = "NVMe Format NVM: deallocated blocks read zeroes (DLFEAT=1)";
    std::optional<verify::SamplePlan> sp;
    if (spec.verify_mode == VerifyMode::sample) {
      auto p = verify::make_sample_plan((dev.geometry().size_bytes + ss - 1) / ss, ss, spec.coverage_ppm, seed, spec.block_size / ss);
      if (p) sp = std::move(*p);
    }
    rec.verification = run_verification(dev, zero, spec, sp, progress, cancel);
  } else {
    rec.verification = verify::verify_changed(dev, *change_plan, *before, cancel);
    if (rec.verification.status == RunStatus::complete && !spec.scan_path.empty()) {
      rec.verification.signature_scan = verify::scan_signatures(spec.scan_path);
      if (!rec.verification.signature_scan.clean) rec.verification.passed = false;
    }
  }
  rec.finished = now_utc();
  decide_outcome(rec);
  return rec;
}

}  // namespace wipeproof::job
