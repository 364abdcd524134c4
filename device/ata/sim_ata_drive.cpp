#include "device/ata/sim_ata_drive.hpp"

#include <array>
#include <cstring>

namespace wipeproof::ata {

SimAtaDrive::SimAtaDrive(AtaIdentify identity, std::uint64_t native_sectors)
    : id_(std::move(identity)), native_sectors_(native_sectors), media_(native_sectors * 512, 512, std::byte{0xA5}) {
  enabled_ = id_.security_enabled;
  locked_ = id_.security_locked;
  frozen_ = id_.security_frozen;
}

void SimAtaDrive::set_dco_factory_sectors(std::uint64_t factory) {
  dco_sectors_ = factory;
  media_.resize(factory * 512, std::byte{0xA5});
}

void SimAtaDrive::power_cycle() {
  frozen_ = false;
  attempts_ = 0;
  prepared_ = false;
  if (enabled_) locked_ = true;  // ACS-3: a drive with a user password powers up locked
}

AtaIdentify SimAtaDrive::current_identity() const {
  AtaIdentify i = id_;
  i.security_enabled = enabled_;
  i.security_locked = locked_;
  i.security_frozen = frozen_;
  i.security_count_expired = attempts_ >= 5;
  i.hpa_enabled = id_.hpa_supported && id_.sectors < native_sectors_;
  return i;
}

device::ScsiResult SimAtaDrive::ok(const AtaCommand& cmd, AtaRegisters regs) {
  device::ScsiResult r;
  if (cmd.protocol != Protocol::non_data) return r;  // data commands: GOOD, no sense
  // CK_COND: descriptor sense, RECOVERED ERROR, 00/1D "ATA pass-through information available".
  if (regs.status == 0) regs.status = 0x50;
  r.status = 2;
  r.sense = {0x72, 0x01, 0x00, 0x1D, 0, 0, 0, 14, 0x09, 0x0C, 0x01, regs.error,
             static_cast<std::uint8_t>(regs.count >> 8), static_cast<std::uint8_t>(regs.count),
             static_cast<std::uint8_t>(regs.lba >> 24), static_cast<std::uint8_t>(regs.lba),
             static_cast<std::uint8_t>(regs.lba >> 32), static_cast<std::uint8_t>(regs.lba >> 8),
             static_cast<std::uint8_t>(regs.lba >> 40), static_cast<std::uint8_t>(regs.lba >> 16), regs.device,
             regs.status};
  return r;
}

device::ScsiResult SimAtaDrive::abort(std::uint8_t error) {
  device::ScsiResult r;
  r.status = 2;
  if (fixed_sense_) {
    // Linux 6.1 libata: fixed format, ABORTED COMMAND, registers at bytes 8-11 (erase-commands.md 1.3).
    r.sense = {0x70, 0, 0x0B, 0, 0, 0, 0, 0x0A, error, 0x51, 0x40, 0x01, 0, 0, 0, 0, 0, 0};
    return r;
  }
  r.sense = {0x72, 0x0B, 0x00, 0x00, 0, 0, 0, 14, 0x09, 0x0C, 0x01, error, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x51};
  return r;
}

std::string SimAtaDrive::password_from(std::span<const std::byte> block) const {
  return std::string(reinterpret_cast<const char*>(block.data()) + 2, 32);
}

Result<device::ScsiResult> SimAtaDrive::execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data,
                                                device::DataDirection, std::uint32_t timeout_ms) {
  if (not_ata_ || cdb.size() != 16 || cdb[0] != 0x85) {
    device::ScsiResult r;  // ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE
    r.status = 2;
    r.sense = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0};
    return r;
  }
  AtaCommand cmd = parse_ata_pass_through_16(cdb);
  commands_.push_back(cmd.command);
  last_timeout_ms_ = timeout_ms;
  bool was_prepared = prepared_;
  prepared_ = false;
  if (san_ == San::in_progress && cmd.command != kSanitizeDevice && cmd.command != kIdentifyDevice) return abort();

  switch (cmd.command) {
    case kIdentifyDevice: {
      auto block = build_identify(current_identity());
      std::memcpy(data.data(), block.data(), std::min(data.size(), block.size()));
      return ok(cmd);
    }
    case kSecuritySetPassword:
      if (!id_.security_supported || frozen_ || enabled_) return abort();
      password_ = password_from(data);
      enabled_ = true;
      return ok(cmd);
    case kSecurityUnlock:
      if (!enabled_ || frozen_ || attempts_ >= 5) return abort();
      if (password_from(data) != password_) {
        ++attempts_;
        return abort();
      }
      locked_ = false;
      return ok(cmd);
    case kSecurityDisablePassword:
      if (!enabled_ || locked_ || frozen_ || password_from(data) != password_) return abort();
      enabled_ = false;
      password_.clear();
      return ok(cmd);
    case kSecurityErasePrepare:
      if (!id_.security_supported || frozen_) return abort();
      prepared_ = true;
      return ok(cmd);
    case kSecurityEraseUnit: {
      bool enhanced = std::to_integer<unsigned>(data[0]) & 0x02;
      if (!was_prepared || !enabled_ || frozen_ || attempts_ >= 5) return abort();
      if (enhanced && !id_.enhanced_erase_supported) return abort();
      if (password_from(data) != password_) {
        ++attempts_;
        return abort();
      }
      if (interrupt_erase_) {
        // Power lost halfway: half the media erased, the password still set, locked after power-up.
        interrupt_erase_ = false;
        std::memset(media_.raw().data(), 0, media_.size() / 2);
        locked_ = true;
        device::ScsiResult r;
        r.host_status = 0x07;  // DID_ERROR: the bridge or link reset
        return r;
      }
      // ACS-3 7.48: normal erase writes binary zeroes; enhanced writes a vendor pattern
      // (this drive: 0x6D6D... "m", so the defined-result check has a non-zero pattern to see).
      media_.firmware_erase([enhanced](std::span<std::byte> r, std::uint64_t) {
        std::fill(r.begin(), r.end(), enhanced ? std::byte{0x6D} : std::byte{0});
      });
      enabled_ = locked_ = false;  // ACS-3 7.48: a successful erase disables the password
      password_.clear();
      return ok(cmd);
    }
    case kSmart: {
      if (!id_.smart_supported) return abort();
      if (cmd.features == 0xD0 || cmd.features == 0xD1) {
        // SMART READ DATA / THRESHOLDS (ACS-3 7.44): revision 0x0010, then 12-byte attribute
        // entries; byte 511 makes the sector sum to zero.
        std::array<std::byte, 512> d{};
        d[0] = std::byte{0x10};
        struct Attr { std::uint8_t id, value; std::uint64_t raw; std::uint8_t threshold; };
        const Attr attrs[] = {{5, 100, reallocated_, 10}, {9, 99, 1234, 0}, {194, 65, 35, 0}};
        for (std::size_t i = 0; i < 3; ++i) {
          std::size_t o = 2 + 12 * i;
          d[o] = static_cast<std::byte>(attrs[i].id);
          if (cmd.features == 0xD1) {
            d[o + 1] = static_cast<std::byte>(attrs[i].threshold);
            continue;
          }
          d[o + 1] = std::byte{0x33};  // flags: pre-fail for attribute 5 is bit 0
          d[o + 3] = static_cast<std::byte>(attrs[i].value);
          d[o + 4] = static_cast<std::byte>(attrs[i].value);
          for (int b = 0; b < 6; ++b) d[o + 5 + static_cast<std::size_t>(b)] = static_cast<std::byte>(attrs[i].raw >> (8 * b));
        }
        unsigned sum = 0;
        for (std::size_t i = 0; i < 511; ++i) sum += std::to_integer<unsigned>(d[i]);
        d[511] = static_cast<std::byte>((256 - (sum & 0xFF)) & 0xFF);
        std::memcpy(data.data(), d.data(), std::min(data.size(), d.size()));
        return ok(cmd);
      }
      if (cmd.features != 0xDA) return abort();
      AtaRegisters r;
      r.lba = 0xC24F00;
      return ok(cmd, r);
    }
    case kSecurityFreezeLock:
      frozen_ = true;
      return ok(cmd);
    case kSanitizeDevice:
      return sanitize_cmd(cmd);
    case kReadNativeMaxExt:
    case kAccessibleMaxAddress: {
      if (cmd.command == kAccessibleMaxAddress && !id_.amac_supported) return abort();
      if (cmd.command == kReadNativeMaxExt && !id_.hpa_supported && !id_.lba48) return abort();
      if (cmd.command == kAccessibleMaxAddress && cmd.features == 0x0001) {
        if (cmd.lba >= native_sectors_) return abort();
        id_.sectors = cmd.lba + 1;
        return ok(cmd);
      }
      AtaRegisters r;
      r.lba = native_sectors_ - 1;
      return ok(cmd, r);
    }
    case kSetMaxExt:
      if (!id_.hpa_supported || cmd.lba >= native_sectors_) return abort();
      id_.sectors = cmd.lba + 1;
      return ok(cmd);
    case kDeviceConfiguration: {
      if (!id_.dco_supported) return abort();
      if (cmd.features == 0xC0) {  // RESTORE: the factory size becomes native and visible
        if (dco_sectors_ > native_sectors_) native_sectors_ = id_.sectors = dco_sectors_;
        return ok(cmd);
      }
      if (cmd.features != 0xC2) return abort();
      std::array<std::byte, 512> d{};
      std::uint64_t max = std::max(native_sectors_, dco_sectors_) - 1;
      for (int i = 0; i < 8; ++i) d[6 + static_cast<std::size_t>(i)] = static_cast<std::byte>(max >> (8 * i));
      d[510] = std::byte{0xA5};
      unsigned sum = 0;
      for (std::size_t i = 0; i < 511; ++i) sum += std::to_integer<unsigned>(d[i]);
      d[511] = static_cast<std::byte>((256 - (sum & 0xFF)) & 0xFF);
      std::memcpy(data.data(), d.data(), std::min(data.size(), d.size()));
      return ok(cmd);
    }
    default:
      return abort();
  }
}

device::ScsiResult SimAtaDrive::sanitize_cmd(const AtaCommand& cmd) {
  auto action = static_cast<SanitizeAction>(cmd.features);
  if (action == SanitizeAction::status) {
    AtaRegisters r;
    if (san_ == San::in_progress && --polls_left_ <= 0) {
      if (sanitize_fails_) {
        san_ = San::failed;
        sanitize_fails_ = false;
      } else {
        san_ = San::succeeded;
        if (pending_ == SanitizeAction::crypto_scramble) {
          media_.firmware_erase([](std::span<std::byte> r, std::uint64_t off) { device::fill_noise(r, off, 0x12345678); });
        } else if (pending_ == SanitizeAction::overwrite) {
          std::array<std::byte, 4> pat{};
          for (int i = 0; i < 4; ++i) pat[i] = static_cast<std::byte>(pattern_ >> (8 * (3 - i)));
          media_.firmware_erase([&](std::span<std::byte> r, std::uint64_t off) { device::fill_pattern(r, off, pat); });
        } else {
          media_.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
        }
      }
    }
    if (cmd.count & 1 && san_ == San::failed) san_ = San::idle;  // CLEAR SANITIZE OPERATION FAILED
    switch (san_) {
      case San::in_progress:
        r.count = 0x4000;
        r.lba = static_cast<std::uint64_t>((sanitize_polls_ - polls_left_) * 65536 / (sanitize_polls_ + 1));
        break;
      case San::succeeded: r.count = 0x8000; r.lba = 0xFFFF; break;
      case San::failed:
        r.status = 0x51;
        r.error = kErrorAbort;
        r.lba = 1;  // reason 1: sanitize operation unsuccessful
        return ok(cmd, r);
      case San::idle: break;
    }
    if (frozen_) r.count |= 0x2000;
    return ok(cmd, r);
  }
  if (!id_.sanitize_supported || frozen_ || san_ == San::in_progress) return abort();
  bool supported = (action == SanitizeAction::crypto_scramble && id_.crypto_scramble_supported &&
                    cmd.lba == kCryptoScrambleKey) ||
                   (action == SanitizeAction::block_erase && id_.block_erase_supported && cmd.lba == kBlockEraseKey) ||
                   (action == SanitizeAction::overwrite && id_.overwrite_supported && (cmd.lba >> 32) == kOverwriteKey);
  if (action == SanitizeAction::freeze_lock && cmd.lba == kFreezeLockKey) {
    frozen_ = true;
    return ok(cmd);
  }
  if (!supported) return abort();
  if (san_ == San::failed && !(cmd.count & 0x0010)) return abort();  // needs FAILURE MODE to leave SD3
  san_ = San::in_progress;
  polls_left_ = sanitize_polls_;
  pending_ = action;
  pattern_ = static_cast<std::uint32_t>(cmd.lba & 0xFFFFFFFF);
  return ok(cmd);
}

}  // namespace wipeproof::ata
