#include "device/scsi/scsi_command.hpp"

#include <algorithm>
#include <cstring>

namespace wipeproof::scsi {

std::array<std::uint8_t, 10> sanitize_cdb(SanitizeAction a, bool immed, bool ause, std::uint16_t len) {
  return {0x48, static_cast<std::uint8_t>((immed ? 0x80 : 0) | (ause ? 0x20 : 0) | (static_cast<std::uint8_t>(a) & 0x1F)),
          0, 0, 0, 0, 0, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0};
}

std::vector<std::uint8_t> overwrite_parameters(std::uint8_t count, bool invert, const std::vector<std::uint8_t>& pattern) {
  std::vector<std::uint8_t> p(4 + pattern.size(), 0);
  p[0] = static_cast<std::uint8_t>((invert ? 0x80 : 0) | std::clamp<std::uint8_t>(count, 1, 31));
  p[2] = static_cast<std::uint8_t>(pattern.size() >> 8);
  p[3] = static_cast<std::uint8_t>(pattern.size());
  std::copy(pattern.begin(), pattern.end(), p.begin() + 4);
  return p;
}

std::array<std::uint8_t, 6> request_sense_cdb(std::uint8_t alloc) { return {0x03, 0, 0, 0, alloc, 0}; }

std::array<std::uint8_t, 12> rsoc_cdb(std::uint8_t op, std::uint16_t sa, std::uint32_t alloc) {
  return {0xA3, 0x0C, 0x03, op, static_cast<std::uint8_t>(sa >> 8), static_cast<std::uint8_t>(sa),
          static_cast<std::uint8_t>(alloc >> 24), static_cast<std::uint8_t>(alloc >> 16),
          static_cast<std::uint8_t>(alloc >> 8), static_cast<std::uint8_t>(alloc), 0, 0};
}

std::array<std::uint8_t, 12> rsoc_cdb_opcode(std::uint8_t op, std::uint32_t alloc) {
  auto c = rsoc_cdb(op, 0, alloc);
  c[2] = 0x01;
  return c;
}

bool rsoc_supported(const std::vector<std::uint8_t>& r) { return r.size() >= 2 && (r[1] & 0x07) == 0x03; }

std::array<std::uint8_t, 10> read_defect_data_cdb(std::uint16_t alloc) {
  return {0x37, 0, 0x08, 0, 0, 0, 0, static_cast<std::uint8_t>(alloc >> 8), static_cast<std::uint8_t>(alloc), 0};
}

std::optional<std::uint32_t> grown_defects(std::span<const std::byte> h) {
  if (h.size() < 4 || !(std::to_integer<unsigned>(h[1]) & 0x08)) return std::nullopt;
  unsigned bytes = std::to_integer<unsigned>(h[2]) << 8 | std::to_integer<unsigned>(h[3]);
  return bytes / 4;
}

std::array<std::uint8_t, 6> format_unit_cdb() { return {0x04, 0x10, 0, 0, 0, 0}; }
std::array<std::uint8_t, 8> format_unit_security_initialize_parameters() { return {0, 0x88, 0, 0, 0x20, 0, 0, 0}; }

SimScsiDrive::SimScsiDrive(bool crypto, bool block, bool overwrite, std::uint64_t bytes, bool format_unit)
    : crypto_(crypto), block_(block), overwrite_(overwrite), format_unit_(format_unit), media_(bytes, 512, std::byte{0xA5}) {}

namespace {
device::ScsiResult sense(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq, int progress = -1) {
  device::ScsiResult r;
  r.status = 2;
  r.sense = {0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0};
  if (progress >= 0) {
    r.sense[15] = 0x80;
    r.sense[16] = static_cast<std::uint8_t>(progress >> 8);
    r.sense[17] = static_cast<std::uint8_t>(progress);
  }
  return r;
}
}  // namespace

Result<device::ScsiResult> SimScsiDrive::execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data,
                                                device::DataDirection, std::uint32_t) {
  switch (cdb[0]) {
    case 0xA3: {  // RSOC
      bool sup = (cdb[3] == 0x48 && cdb[2] == 3 &&
                  ((cdb[5] == 1 && overwrite_) || (cdb[5] == 2 && block_) || (cdb[5] == 3 && crypto_))) ||
                 (cdb[3] == 0x04 && cdb[2] == 1 && format_unit_);
      if (data.size() >= 2) data[1] = static_cast<std::byte>(sup ? 0x03 : 0x01);
      return device::ScsiResult{};
    }
    case 0x48: {
      auto a = static_cast<SanitizeAction>(cdb[1] & 0x1F);
      if (a == SanitizeAction::exit_failure) {
        failed_ = false;
        return device::ScsiResult{};
      }
      bool sup = (a == SanitizeAction::overwrite && overwrite_) || (a == SanitizeAction::block_erase && block_) ||
                 (a == SanitizeAction::crypto_erase && crypto_);
      if (!sup) return sense(0x05, 0x24, 0x00);       // INVALID FIELD IN CDB
      if (failed_ && !(cdb[1] & 0x20)) return sense(0x03, 0x31, 0x03);  // still failed
      if (a == SanitizeAction::overwrite)
        pattern_.assign(reinterpret_cast<const std::uint8_t*>(data.data()) + 4,
                        reinterpret_cast<const std::uint8_t*>(data.data()) + data.size());
      pending_ = a;
      running_ = true;
      left_ = polls_;
      return device::ScsiResult{};
    }
    case 0x03: {  // REQUEST SENSE: the answer goes into the data buffer
      device::ScsiResult s;
      if (running_ && --left_ > 0) {
        s = sense(0x02, 0x04, 0x1B, (polls_ - left_) * 65536 / (polls_ + 1));
      } else if (running_) {
        running_ = false;
        if (fail_) {
          fail_ = false;
          failed_ = true;
          s = sense(0x03, 0x31, 0x03);
        } else {
          if (pending_ == SanitizeAction::overwrite && !pattern_.empty()) {
            std::vector<std::byte> pat(pattern_.size());
            for (std::size_t i = 0; i < pat.size(); ++i) pat[i] = static_cast<std::byte>(pattern_[i]);
            media_.firmware_erase([&](std::span<std::byte> r, std::uint64_t off) { device::fill_pattern(r, off, pat); });
          } else if (pending_ == SanitizeAction::crypto_erase) {
            media_.firmware_erase([](std::span<std::byte> r, std::uint64_t off) { device::fill_noise(r, off, 0x5C51); });
          } else {
            media_.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
          }
          s = sense(0x00, 0x00, 0x00);
        }
      } else {
        s = sense(failed_ ? 0x03 : 0x00, failed_ ? 0x31 : 0x00, failed_ ? 0x03 : 0x00);
      }
      std::memcpy(data.data(), s.sense.data(), std::min(data.size(), s.sense.size()));
      return device::ScsiResult{};
    }
    case 0x37: {  // READ DEFECT DATA (10): the header only, grown list, short block format
      std::array<std::byte, 4> h{std::byte{0}, std::byte{0x08}, static_cast<std::byte>((grown_defects_ * 4) >> 8),
                                 static_cast<std::byte>(grown_defects_ * 4)};
      std::memcpy(data.data(), h.data(), std::min(data.size(), h.size()));
      return device::ScsiResult{};
    }
    case 0x04: {
      if (!format_unit_) return sense(0x05, 0x20, 0x00);
      // Security initialize requested (FMTDATA, IP, SI): every block, reallocated ones too, overwritten.
      bool si = (cdb[1] & 0x10) && data.size() >= 8 && (std::to_integer<unsigned>(data[1]) & 0x08) &&
                (std::to_integer<unsigned>(data[4]) & 0x20);
      if (!si) return sense(0x05, 0x26, 0x00);  // INVALID FIELD IN PARAMETER LIST
      media_.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
      return device::ScsiResult{};
    }
    default:
      return sense(0x05, 0x20, 0x00);  // INVALID COMMAND OPERATION CODE (includes ATA PASS-THROUGH)
  }
}

}  // namespace wipeproof::scsi
