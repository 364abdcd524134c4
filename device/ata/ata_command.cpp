#include "device/ata/ata_command.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace wipeproof::ata {
namespace {

AtaCommand non_data(std::uint8_t command, bool extend = false) {
  AtaCommand c;
  c.command = command;
  c.protocol = Protocol::non_data;
  c.extend = extend;
  return c;
}

AtaCommand pio(std::uint8_t command, Protocol p) {
  AtaCommand c;
  c.command = command;
  c.protocol = p;
  c.count = 1;  // one 512-byte block
  return c;
}

}  // namespace

AtaCommand identify_device() { return pio(kIdentifyDevice, Protocol::pio_in); }
AtaCommand security_set_password() { return pio(kSecuritySetPassword, Protocol::pio_out); }
AtaCommand security_unlock() { return pio(kSecurityUnlock, Protocol::pio_out); }
// ACS-3 7.47: PREPARE must immediately precede ERASE UNIT, or the drive aborts ERASE UNIT.
AtaCommand security_erase_prepare() { return non_data(kSecurityErasePrepare); }
AtaCommand security_erase_unit(std::uint32_t timeout_ms) {
  AtaCommand c = pio(kSecurityEraseUnit, Protocol::pio_out);
  c.timeout_ms = timeout_ms;
  return c;
}
AtaCommand security_disable_password() { return pio(kSecurityDisablePassword, Protocol::pio_out); }

std::array<std::byte, 512> security_data_block(std::string_view password, bool master, bool enhanced) {
  std::array<std::byte, 512> b{};
  b[0] = static_cast<std::byte>((master ? 0x01 : 0x00) | (enhanced ? 0x02 : 0x00));
  std::memcpy(b.data() + 2, password.data(), std::min<std::size_t>(password.size(), 32));
  return b;
}

AtaCommand sanitize(SanitizeAction action, const SanitizeOptions& o) {
  AtaCommand c = non_data(kSanitizeDevice, true);
  c.features = static_cast<std::uint16_t>(action);
  std::uint16_t fm = o.failure_mode ? 0x0010 : 0;
  switch (action) {
    case SanitizeAction::status: c.count = o.clear_failed ? 1 : 0; break;
    case SanitizeAction::crypto_scramble: c.lba = kCryptoScrambleKey; c.count = fm; break;
    case SanitizeAction::block_erase: c.lba = kBlockEraseKey; c.count = fm; break;
    case SanitizeAction::overwrite:
      c.lba = (kOverwriteKey << 32) | o.pattern;
      c.count = static_cast<std::uint16_t>((o.passes >= 16 ? 0 : (o.passes & 0x0F)) | fm | (o.invert ? 0x80 : 0));
      break;
    case SanitizeAction::freeze_lock: c.lba = kFreezeLockKey; break;
    case SanitizeAction::antifreeze_lock: c.lba = kAntifreezeKey; break;
  }
  return c;
}

SanitizeStatus decode_sanitize_status(const AtaRegisters& r) {
  SanitizeStatus s;
  s.completed_ok = r.count & 0x8000;
  s.in_progress = r.count & 0x4000;
  s.frozen = r.count & 0x2000;
  s.antifreeze = r.count & 0x1000;
  s.progress = static_cast<std::uint16_t>(r.lba & 0xFFFF);
  if (r.status & kStatusErr) s.failure_reason = static_cast<std::uint8_t>(r.lba & 0xFF);
  return s;
}

AtaCommand read_native_max_ext() { return non_data(kReadNativeMaxExt, true); }
AtaCommand set_max_ext(std::uint64_t max_lba, bool non_volatile) {
  AtaCommand c = non_data(kSetMaxExt, true);
  c.lba = max_lba;
  c.count = non_volatile ? 1 : 0;
  return c;
}
AtaCommand amac_get_native_max() { return non_data(kAccessibleMaxAddress, true); }
AtaCommand amac_set_accessible_max(std::uint64_t max_lba) {
  AtaCommand c = non_data(kAccessibleMaxAddress, true);
  c.features = 0x0001;
  c.lba = max_lba;
  return c;
}
AtaCommand dco_identify() {
  AtaCommand c = pio(kDeviceConfiguration, Protocol::pio_in);
  c.features = 0xC2;
  return c;
}

AtaCommand dco_restore() {
  AtaCommand c = non_data(kDeviceConfiguration);
  c.features = 0xC0;
  return c;
}

AtaCommand smart_return_status() {
  AtaCommand c = non_data(kSmart);
  c.features = 0xDA;
  c.lba = 0xC24F00;  // the SMART signature in LBA mid/high
  return c;
}

SmartHealth decode_smart_status(const AtaRegisters& r) {
  std::uint32_t sig = static_cast<std::uint32_t>((r.lba >> 8) & 0xFFFF);
  if (sig == 0xC24F) return SmartHealth::good;
  if (sig == 0x2CF4) return SmartHealth::failing;
  return SmartHealth::unknown;
}

std::array<std::uint8_t, 16> make_ata_pass_through_16(const AtaCommand& c) {
  std::array<std::uint8_t, 16> cdb{};
  cdb[0] = 0x85;
  cdb[1] = static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.protocol) << 1 | (c.extend ? 1 : 0));
  switch (c.protocol) {
    case Protocol::non_data: cdb[2] = 0x20; break;  // CK_COND: return the registers
    case Protocol::pio_in: cdb[2] = 0x0E; break;    // T_DIR in, BYT_BLOK, T_LENGTH = COUNT
    case Protocol::pio_out: cdb[2] = 0x06; break;   // T_DIR out, BYT_BLOK, T_LENGTH = COUNT
  }
  cdb[3] = static_cast<std::uint8_t>(c.features >> 8);
  cdb[4] = static_cast<std::uint8_t>(c.features);
  cdb[5] = static_cast<std::uint8_t>(c.count >> 8);
  cdb[6] = static_cast<std::uint8_t>(c.count);
  cdb[7] = static_cast<std::uint8_t>(c.lba >> 24);
  cdb[8] = static_cast<std::uint8_t>(c.lba);
  cdb[9] = static_cast<std::uint8_t>(c.lba >> 32);
  cdb[10] = static_cast<std::uint8_t>(c.lba >> 8);
  cdb[11] = static_cast<std::uint8_t>(c.lba >> 40);
  cdb[12] = static_cast<std::uint8_t>(c.lba >> 16);
  cdb[13] = c.device;
  cdb[14] = c.command;
  return cdb;
}

AtaCommand parse_ata_pass_through_16(std::span<const std::uint8_t> cdb) {
  AtaCommand c;
  c.protocol = static_cast<Protocol>((cdb[1] >> 1) & 0x0F);
  c.extend = cdb[1] & 1;
  c.features = static_cast<std::uint16_t>(cdb[3] << 8 | cdb[4]);
  c.count = static_cast<std::uint16_t>(cdb[5] << 8 | cdb[6]);
  c.lba = std::uint64_t{cdb[8]} | std::uint64_t{cdb[10]} << 8 | std::uint64_t{cdb[12]} << 16 |
          std::uint64_t{cdb[7]} << 24 | std::uint64_t{cdb[9]} << 32 | std::uint64_t{cdb[11]} << 40;
  c.device = cdb[13];
  c.command = cdb[14];
  return c;
}

AtaReturn decode_ata_return(const device::ScsiResult& r) {
  AtaReturn out;
  if (r.host_status != 0) {
    out.failed = true;
    out.why = fmt::format("transport error (host status 0x{:02x})", r.host_status);
    return out;
  }
  const auto& s = r.sense;
  if (s.size() >= 22 && (s[0] & 0x7F) == 0x72) {
    // Find descriptor 09h (ATA Status Return) among the descriptors.
    for (std::size_t p = 8; p + 13 < s.size();) {
      if (s[p] == 0x09) {
        AtaRegisters& g = out.registers;
        g.error = s[p + 3];
        g.count = static_cast<std::uint16_t>(s[p + 4] << 8 | s[p + 5]);
        g.lba = std::uint64_t{s[p + 7]} | std::uint64_t{s[p + 9]} << 8 | std::uint64_t{s[p + 11]} << 16 |
                std::uint64_t{s[p + 6]} << 24 | std::uint64_t{s[p + 8]} << 32 | std::uint64_t{s[p + 10]} << 40;
        g.device = s[p + 12];
        g.status = s[p + 13];
        out.registers_valid = true;
        break;
      }
      p += 2u + s[p + 1];
    }
  }
  device::SenseInfo si = device::parse_sense(s);
  if (si.valid && si.key == 0x0B) {
    out.failed = true;
    out.why = "aborted command";
  }
  if (out.registers_valid && (out.registers.status & kStatusErr)) {
    out.failed = true;
    out.why = fmt::format("ATA status 0x{:02x}, error 0x{:02x}", out.registers.status, out.registers.error);
  }
  if (!si.valid && r.status != 0) {
    out.failed = true;
    out.why = fmt::format("SCSI status 0x{:02x} without sense", r.status);
  }
  if (si.valid && si.key != 0 && si.key != 0x01 && si.key != 0x0B && !out.failed) {
    out.failed = true;  // ILLEGAL REQUEST (the bridge does not know ATA PASS-THROUGH), NOT READY, ...
    out.why = fmt::format("sense key 0x{:x}, ASC/ASCQ {:02x}/{:02x}", si.key, si.asc, si.ascq);
  }
  return out;
}

Result<AtaReturn> ata_send(device::ScsiTransport& t, const AtaCommand& cmd, std::span<std::byte> data) {
  auto cdb = make_ata_pass_through_16(cmd);
  device::DataDirection dir = cmd.protocol == Protocol::pio_in    ? device::DataDirection::from_device
                              : cmd.protocol == Protocol::pio_out ? device::DataDirection::to_device
                                                                  : device::DataDirection::none;
  WP_ASSIGN_OR_RETURN(device::ScsiResult r, t.execute(cdb, data, dir, cmd.timeout_ms));
  return decode_ata_return(r);
}

Result<AtaRegisters> ata_execute(device::ScsiTransport& t, const AtaCommand& cmd, std::span<std::byte> data) {
  WP_ASSIGN_OR_RETURN(AtaReturn ret, ata_send(t, cmd, data));
  if (ret.failed)
    return make_error(ErrorKind::device_status, fmt::format("ATA command 0x{:02x}/0x{:04x}: {}", cmd.command,
                                                            cmd.features, ret.why));
  if (!ret.registers_valid) ret.registers.status = 0x50;  // data command without CK_COND: GOOD
  return ret.registers;
}

}  // namespace wipeproof::ata
