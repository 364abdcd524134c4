#include "wipe/firmware_erase.hpp"

#include <array>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "device/scsi/scsi_command.hpp"

namespace wipeproof::wipe {
namespace {

void log(FirmwareReport& r, std::string name, std::string params, std::string result) {
  r.commands.push_back({std::move(name), std::move(params), std::move(result), now_utc()});
}

FirmwareReport fail(FirmwareReport r, std::string why) {
  r.completed = false;
  r.failure = std::move(why);
  return r;
}

std::string result_of(const Result<ata::AtaRegisters>& r) { return r ? "ok" : r.error().context; }

}  // namespace

Result<ata::AtaIdentify> ata_identify(device::ScsiTransport& t) {
  std::array<std::byte, 512> buf{};
  WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::identify_device(), buf));
  return ata::parse_identify(buf);
}

FirmwareReport ata_security_erase(device::ScsiTransport& t, const ata::AtaIdentify& id, SecurityEraseOptions o) {
  FirmwareReport r;
  r.method = o.enhanced ? SanitizeMethod::ata_security_erase_enhanced : SanitizeMethod::ata_security_erase;
  if (!id.security_supported) return fail(r, "the drive does not support the ATA Security feature set");
  if (id.security_frozen)
    return fail(r, "security is frozen (the BIOS sent FREEZE LOCK): suspend and resume (--unfreeze) or hot-plug the drive");
  if (id.security_count_expired) return fail(r, "password attempts exhausted: power-cycle the drive and retry");
  if (o.enhanced && !id.enhanced_erase_supported) return fail(r, "enhanced security erase is not supported");
  if (id.security_enabled && o.password.empty())
    return fail(r, "security is already enabled with an unknown password: use ata-unlock or the owner's password");
  if (o.password.empty()) {
    std::array<std::byte, 8> rnd{};
    if (!random_bytes(rnd)) return fail(r, "getrandom failed");
    o.password = "wipeproof-" + to_hex(rnd);
  }
  // Persist the temporary password before anything can leave the drive locked (erase-commands.md 2.7).
  if (!o.recovery_file.empty()) {
    nlohmann::json rec = {{"device", o.device_label}, {"password", o.password}, {"identifier", "user"},
                          {"written", now_utc()},
                          {"how", "wipeproof ata-unlock DEVICE --recovery THIS_FILE"}};
    if (auto w = write_file_atomic(o.recovery_file, rec.dump(2) + "\n", 0600); !w)
      return fail(r, "cannot write the password recovery file: " + w.error().context);
  }
  auto block = ata::security_data_block(o.password, false, false);
  if (!id.security_enabled) {
    auto set = ata::ata_execute(t, ata::security_set_password(), block);
    log(r, "SECURITY SET PASSWORD", "user, high", result_of(set));
    if (!set) return fail(r, set.error().context);
  }
  auto prep = ata::ata_execute(t, ata::security_erase_prepare(), {});
  log(r, "SECURITY ERASE PREPARE", "", result_of(prep));
  if (!prep) return fail(r, prep.error().context);
  std::uint32_t timeout = ata::security_erase_timeout_ms(id, o.enhanced);
  auto erase_block = ata::security_data_block(o.password, false, o.enhanced);
  auto erase = ata::ata_execute(t, ata::security_erase_unit(timeout), erase_block);
  log(r, o.enhanced ? "SECURITY ERASE UNIT (enhanced)" : "SECURITY ERASE UNIT (normal)",
      fmt::format("timeout {} ms", timeout), result_of(erase));
  if (!erase)
    return fail(r, erase.error().context + (o.recovery_file.empty() ? std::string{}
                                                                     : "; the drive may be locked: wipeproof ata-unlock "
                                                                       "DEVICE --recovery " + o.recovery_file));
  auto after = ata_identify(t);
  if (!after) return fail(r, "IDENTIFY after the erase failed: " + after.error().context);
  log(r, "IDENTIFY DEVICE", "", after->security_enabled || after->security_locked ? "security still enabled" : "ok");
  if (after->security_enabled || after->security_locked)
    return fail(r, "security is still enabled after ERASE UNIT: the erase did not complete");
  if (!o.recovery_file.empty()) ::unlink(o.recovery_file.c_str());
  r.completed = true;
  return r;
}

Result<std::string> ata_unlock_from_recovery(device::ScsiTransport& t, const std::string& recovery_file) {
  std::ifstream in(recovery_file);
  if (!in) return sys_error("cannot read " + recovery_file, errno ? errno : ENOENT);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("password") || !j["password"].is_string())
    return make_error(ErrorKind::usage, recovery_file + ": not a wipeproof password recovery file");
  std::string pw = j["password"].get<std::string>();
  WP_ASSIGN_OR_RETURN(ata::AtaIdentify id, ata_identify(t));
  if (!id.security_enabled) return std::string("security is not enabled: nothing to unlock");
  if (id.security_frozen) return make_error(ErrorKind::device_status, "security is frozen: power-cycle or suspend first");
  auto block = ata::security_data_block(pw, false, false);
  if (id.security_locked) WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::security_unlock(), block));
  WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::security_disable_password(), block));
  return std::string("unlocked and password disabled");
}

FirmwareReport ata_sanitize(device::ScsiTransport& t, ata::SanitizeAction action, const ata::SanitizeOptions& o,
                            const PollOptions& poll, const ProgressCallback& progress) {
  FirmwareReport r;
  const char* name = action == ata::SanitizeAction::crypto_scramble ? "CRYPTO SCRAMBLE EXT"
                     : action == ata::SanitizeAction::block_erase   ? "BLOCK ERASE EXT"
                                                                    : "OVERWRITE EXT";
  r.method = action == ata::SanitizeAction::crypto_scramble ? SanitizeMethod::ata_sanitize_crypto
             : action == ata::SanitizeAction::block_erase   ? SanitizeMethod::ata_sanitize_block
                                                            : SanitizeMethod::ata_sanitize_overwrite;
  auto start = ata::ata_execute(t, ata::sanitize(action, o), {});
  log(r, std::string("SANITIZE ") + name,
      action == ata::SanitizeAction::overwrite ? fmt::format("pattern 0x{:08x}, {} pass(es)", o.pattern, o.passes) : "",
      result_of(start));
  if (!start) return fail(r, start.error().context);
  for (int i = 0; i < poll.max_polls; ++i) {
    if (poll.interval.count() > 0) std::this_thread::sleep_for(poll.interval);
    auto st = ata::ata_send(t, ata::sanitize(ata::SanitizeAction::status), {});
    if (!st) return fail(r, st.error().context);
    ata::SanitizeStatus s = ata::decode_sanitize_status(st->registers);
    if (progress) progress({"sanitize", 0, 0, s.progress, 65536, 0, 0});
    if (st->failed || (!s.in_progress && !s.completed_ok)) {
      log(r, "SANITIZE STATUS EXT", "", fmt::format("failed, reason {}", s.failure_reason));
      return fail(r, fmt::format("sanitize failed (reason {}): clear with failure mode and retry, or destroy the drive",
                                 s.failure_reason));
    }
    if (s.completed_ok) {
      log(r, "SANITIZE STATUS EXT", fmt::format("after {} polls", i + 1), "completed without error");
      r.completed = true;
      return r;
    }
  }
  return fail(r, "sanitize did not finish within the polling limit");
}

HiddenAreas ata_hidden_areas(device::ScsiTransport& t, const ata::AtaIdentify& id) {
  HiddenAreas h;
  h.current_sectors = id.sectors;
  if (id.amac_supported) {
    if (auto r = ata::ata_execute(t, ata::amac_get_native_max(), {}); r) h.native_sectors = r->lba + 1;
  } else if (id.hpa_supported || id.lba48) {
    // Like hdparm -N: ask even when word 82 bit 10 is clear (QEMU answers, real drives abort).
    if (auto r = ata::ata_execute(t, ata::read_native_max_ext(), {}); r) h.native_sectors = r->lba + 1;
  }
  if (id.dco_supported) {
    std::array<std::byte, 512> d{};
    if (auto r = ata::ata_execute(t, ata::dco_identify(), d); r) {
      std::uint64_t max = 0;
      for (int i = 0; i < 8; ++i) max |= std::to_integer<std::uint64_t>(d[6 + static_cast<std::size_t>(i)]) << (8 * i);
      max &= 0xFFFFFFFFFFFFull;
      if (max > 0) h.dco_sectors = max + 1;
    }
  }
  return h;
}

Result<void> ata_restore_native_max(device::ScsiTransport& t, const ata::AtaIdentify& id, const HiddenAreas& h) {
  // opensea-operations' order: the HPA first (below), then the DCO if it hides more.
  if (h.dco() && !h.hpa()) {
    WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::dco_restore(), {}));
    return {};
  }
  if (!h.native_sectors || !h.hpa()) return {};
  std::uint64_t max_lba = *h.native_sectors - 1;
  if (id.amac_supported) {
    WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::amac_set_accessible_max(max_lba), {}));
    return {};
  }
  // ACS-3: SET MAX must immediately follow READ NATIVE MAX.
  WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::read_native_max_ext(), {}));
  WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::set_max_ext(max_lba, false), {}));
  if (h.dco()) WP_RETURN_IF_ERROR(ata::ata_execute(t, ata::dco_restore(), {}));
  return {};
}

Result<ScsiSanitizeSupport> scsi_sanitize_support(device::ScsiTransport& t) {
  ScsiSanitizeSupport s;
  for (std::uint8_t sa : {1, 2, 3}) {
    auto cdb = scsi::rsoc_cdb(0x48, sa, 12);
    std::vector<std::uint8_t> reply(12, 0);
    auto r = t.execute(cdb, std::as_writable_bytes(std::span(reply)), device::DataDirection::from_device, 15000);
    if (!r) return tl::unexpected(r.error());
    if (r->status != 0 || r->host_status != 0)
      return make_error(ErrorKind::device_status, "REPORT SUPPORTED OPERATION CODES not supported");
    bool ok = scsi::rsoc_supported(reply);
    if (sa == 1) s.overwrite = ok;
    if (sa == 2) s.block = ok;
    if (sa == 3) s.crypto = ok;
  }
  std::vector<std::uint8_t> reply(12, 0);
  auto r = t.execute(scsi::rsoc_cdb_opcode(0x04, 12), std::as_writable_bytes(std::span(reply)),
                     device::DataDirection::from_device, 15000);
  s.format_unit = r && r->status == 0 && scsi::rsoc_supported(reply);
  return s;
}

FirmwareReport scsi_format_unit(device::ScsiTransport& t) {
  FirmwareReport r;
  r.method = SanitizeMethod::scsi_format_unit;
  auto params = scsi::format_unit_security_initialize_parameters();
  // sg_format's rule of thumb without IMMED: 20 h up to 4 TB.
  auto res = t.execute(scsi::format_unit_cdb(), std::as_writable_bytes(std::span(params)),
                       device::DataDirection::to_device, 20u * 3600 * 1000);
  std::string result = !res ? res.error().context : "ok";
  if (res && (res->status != 0 || res->host_status != 0)) {
    device::SenseInfo si = device::parse_sense(res->sense);
    result = fmt::format("status 0x{:02x} host 0x{:02x} sense {:x}/{:02x}/{:02x}", res->status, res->host_status,
                         si.key, si.asc, si.ascq);
  }
  log(r, "FORMAT UNIT", "FMTDATA, FOV|IP, security initialize", result);
  if (result != "ok") return fail(r, result);
  r.completed = true;
  return r;
}

FirmwareReport scsi_sanitize(device::ScsiTransport& t, std::uint8_t sa, const PollOptions& poll,
                             const ProgressCallback& progress) {
  FirmwareReport r;
  r.method = sa == 3 ? SanitizeMethod::scsi_sanitize_crypto : sa == 2 ? SanitizeMethod::scsi_sanitize_block : SanitizeMethod::scsi_sanitize_overwrite;
  std::vector<std::uint8_t> params;
  if (sa == 1) params = scsi::overwrite_parameters(1, false, {0x00, 0x00, 0x00, 0x00});
  auto cdb = scsi::sanitize_cdb(static_cast<scsi::SanitizeAction>(sa), true, false, static_cast<std::uint16_t>(params.size()));
  auto res = t.execute(cdb, std::as_writable_bytes(std::span(params)),
                       params.empty() ? device::DataDirection::none : device::DataDirection::to_device, 60000);
  std::string result = !res ? res.error().context
                       : (res->status != 0 || res->host_status != 0)
                           ? fmt::format("status 0x{:02x} host 0x{:02x}", res->status, res->host_status)
                           : "ok";
  if (res && res->status != 0) {
    device::SenseInfo si = device::parse_sense(res->sense);
    result = fmt::format("sense key 0x{:x}, ASC/ASCQ {:02x}/{:02x}", si.key, si.asc, si.ascq);
  }
  log(r, "SANITIZE", fmt::format("service action 0x{:02x}, IMMED", sa), result);
  if (result != "ok") return fail(r, result);
  for (int i = 0; i < poll.max_polls; ++i) {
    if (poll.interval.count() > 0) std::this_thread::sleep_for(poll.interval);
    std::vector<std::uint8_t> buf(32, 0);
    auto rs = t.execute(scsi::request_sense_cdb(32), std::as_writable_bytes(std::span(buf)),
                        device::DataDirection::from_device, 15000);
    if (!rs) return fail(r, rs.error().context);
    device::SenseInfo si = device::parse_sense(buf);
    if (si.key == 0x02 && si.asc == 0x04 && si.ascq == 0x1B) {
      if (progress && si.progress_valid) progress({"sanitize", 0, 0, si.progress, 65536, 0, 0});
      continue;
    }
    if (si.asc == 0x31 && si.ascq == 0x03) {
      log(r, "REQUEST SENSE", "", "31/03 SANITIZE COMMAND FAILED");
      return fail(r, "sanitize failed (31h/03h): EXIT FAILURE MODE and retry, or destroy the drive");
    }
    if (si.key == 0x00 || !si.valid) {
      log(r, "REQUEST SENSE", fmt::format("after {} polls", i + 1), "no sense: sanitize complete");
      r.completed = true;
      return r;
    }
    return fail(r, fmt::format("unexpected sense {:x}/{:02x}/{:02x}", si.key, si.asc, si.ascq));
  }
  return fail(r, "sanitize did not finish within the polling limit");
}

FirmwareReport nvme_format(nvme::NvmeTransport& t, std::uint32_t nsid, std::uint8_t lbaf, nvme::SecureErase ses) {
  FirmwareReport r;
  r.method = ses == nvme::SecureErase::crypto ? SanitizeMethod::nvme_format_crypto : SanitizeMethod::nvme_format_user_data;
  // Format can take minutes on large drives: nvme-cli's default is 600 s; allow an hour.
  nvme::NvmeCommand cmd = nvme::format_nvm(nsid, lbaf, ses, 3600000);
  auto c = t.admin(cmd, {});
  std::string res = !c ? c.error().context : c->ok() ? "ok" : nvme::status_text(c->status);
  log(r, "FORMAT NVM", fmt::format("nsid {}, lbaf {}, ses {}, cdw10=0x{:08x}", nsid, lbaf, static_cast<int>(ses), cmd.cdw10),
      res);
  if (!c || !c->ok()) return fail(r, res);
  r.completed = true;
  return r;
}

FirmwareReport nvme_sanitize(nvme::NvmeTransport& t, nvme::SanitizeAction action, const nvme::SanitizeParams& p,
                             const PollOptions& poll, const ProgressCallback& progress) {
  FirmwareReport r;
  r.method = action == nvme::SanitizeAction::crypto_erase ? SanitizeMethod::nvme_sanitize_crypto
             : action == nvme::SanitizeAction::block_erase ? SanitizeMethod::nvme_sanitize_block
                                                           : SanitizeMethod::nvme_sanitize_overwrite;
  nvme::NvmeCommand cmd = nvme::sanitize(action, p);
  auto c = t.admin(cmd, {});
  std::string res = !c ? c.error().context : c->ok() ? "ok" : nvme::status_text(c->status);
  log(r, "SANITIZE", fmt::format("sanact {}, cdw10=0x{:08x}", static_cast<int>(action), cmd.cdw10), res);
  if (!c || !c->ok()) return fail(r, res);
  std::vector<std::byte> buf(512);
  for (int i = 0; i < poll.max_polls; ++i) {
    if (poll.interval.count() > 0) std::this_thread::sleep_for(poll.interval);
    auto l = t.admin(nvme::get_log_page(nvme::kLogSanitize, 512), buf);
    if (!l || !l->ok()) return fail(r, !l ? l.error().context : "sanitize status log: " + nvme::status_text(l->status));
    nvme::SanitizeLog log81 = nvme::parse_sanitize_log(buf);
    if (progress) progress({"sanitize", 0, 0, log81.sprog, 65536, 0, 0});
    switch (log81.state()) {
      case 2: continue;
      case 1:
      case 4:
        log(r, "GET LOG PAGE 81h", fmt::format("after {} polls", i + 1),
            fmt::format("sanitize completed (SSTAT 0x{:04x})", log81.sstat));
        r.completed = true;
        return r;
      case 3:
        log(r, "GET LOG PAGE 81h", "", "sanitize failed");
        return fail(r, "sanitize failed (SSTAT 3): exit failure mode and retry, or destroy the drive");
      default:
        return fail(r, fmt::format("unexpected sanitize status 0x{:04x}", log81.sstat));
    }
  }
  return fail(r, "sanitize did not finish within the polling limit");
}

Result<void> nvme_exit_media_verification(nvme::NvmeTransport& t, FirmwareReport& r) {
  nvme::NvmeCommand cmd = nvme::sanitize(nvme::SanitizeAction::exit_media_verification);
  auto c = t.admin(cmd, {});
  std::string res = !c ? c.error().context : c->ok() ? "ok" : nvme::status_text(c->status);
  log(r, "SANITIZE", fmt::format("sanact 5 (exit media verification), cdw10=0x{:08x}", cmd.cdw10), res);
  if (!c) return tl::unexpected(c.error());
  if (!c->ok()) return make_error(ErrorKind::device_status, "exit media verification: " + res);
  return {};
}

}  // namespace wipeproof::wipe
