#include "device/ata/ata_identify.hpp"

#include <algorithm>

namespace wipeproof::ata {
namespace {

std::uint16_t word(std::span<const std::byte> d, std::size_t w) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(d[2 * w]) | std::to_integer<unsigned>(d[2 * w + 1]) << 8);
}

std::string ata_string(std::span<const std::byte> d, std::size_t first, std::size_t last) {
  std::string s;
  for (std::size_t w = first; w <= last; ++w) {
    std::uint16_t v = word(d, w);
    for (char c : {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)})
      if (c >= 0x20 && c < 0x7F) s.push_back(c);
  }
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

void put_word(std::array<std::byte, 512>& d, std::size_t w, std::uint16_t v) {
  d[2 * w] = static_cast<std::byte>(v & 0xFF);
  d[2 * w + 1] = static_cast<std::byte>(v >> 8);
}

void put_string(std::array<std::byte, 512>& d, std::size_t first, std::size_t last, const std::string& s) {
  std::string padded = s;
  padded.resize((last - first + 1) * 2, ' ');
  for (std::size_t w = first, i = 0; w <= last; ++w, i += 2)
    put_word(d, w, static_cast<std::uint16_t>(static_cast<unsigned char>(padded[i]) << 8 |
                                              static_cast<unsigned char>(padded[i + 1])));
}

}  // namespace

std::uint32_t erase_time_minutes(std::uint16_t w) {
  if (w & 0x8000) return (w & 0x7FFFu) * 2;
  return (w & 0xFFu) * 2;
}

AtaIdentify parse_identify(std::span<const std::byte> d) {
  AtaIdentify id;
  if (d.size() < 512) return id;
  id.serial = ata_string(d, 10, 19);
  id.firmware = ata_string(d, 23, 26);
  id.model = ata_string(d, 27, 46);
  std::uint16_t w82 = word(d, 82), w83 = word(d, 83), w85 = word(d, 85), w86 = word(d, 86), w128 = word(d, 128);
  id.smart_supported = w82 & 0x0001;
  id.hpa_supported = w82 & 0x0400;
  id.hpa_enabled = w85 & 0x0400;
  id.lba48 = w83 & 0x0400;
  id.dco_supported = w83 & 0x0800;
  id.amac_supported = (w86 & 0x8000) && (word(d, 119) & 0x0100);
  id.sectors = id.lba48 ? (std::uint64_t{word(d, 100)} | std::uint64_t{word(d, 101)} << 16 |
                           std::uint64_t{word(d, 102)} << 32 | std::uint64_t{word(d, 103)} << 48)
                        : (std::uint64_t{word(d, 60)} | std::uint64_t{word(d, 61)} << 16);
  id.rotation_rate = word(d, 217);
  id.rotational = id.rotation_rate != 1;
  id.security_supported = (w82 & 0x0002) || (w128 & 0x0001);
  id.security_enabled = w128 & 0x0002;
  id.security_locked = w128 & 0x0004;
  id.security_frozen = w128 & 0x0008;
  id.security_count_expired = w128 & 0x0010;
  id.enhanced_erase_supported = w128 & 0x0020;
  id.normal_erase_minutes = erase_time_minutes(word(d, 89));
  id.enhanced_erase_minutes = erase_time_minutes(word(d, 90));
  std::uint16_t w59 = word(d, 59);
  id.sanitize_supported = w59 & 0x1000;
  id.crypto_scramble_supported = w59 & 0x2000;
  id.overwrite_supported = w59 & 0x4000;
  id.block_erase_supported = w59 & 0x8000;
  return id;
}

std::uint32_t security_erase_timeout_ms(const AtaIdentify& id, bool enhanced) {
  std::uint64_t reported_min = enhanced ? id.enhanced_erase_minutes : id.normal_erase_minutes;
  std::uint64_t estimate_s = id.sectors / 2048 / 30 + 1800;  // 30 MB/s plus 30 min
  std::uint64_t secs = reported_min ? std::max<std::uint64_t>((2 * reported_min + 60) * 60, estimate_s)
                                    : (id.sectors ? estimate_s : 12 * 3600);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(secs * 1000, 0xFFFFFFFEull));
}

std::array<std::byte, 512> build_identify(const AtaIdentify& id) {
  std::array<std::byte, 512> d{};
  put_string(d, 10, 19, id.serial);
  put_string(d, 23, 26, id.firmware);
  put_string(d, 27, 46, id.model);
  put_word(d, 60, static_cast<std::uint16_t>(std::min<std::uint64_t>(id.sectors, 0x0FFFFFFF)));
  put_word(d, 61, static_cast<std::uint16_t>(std::min<std::uint64_t>(id.sectors, 0x0FFFFFFF) >> 16));
  for (int i = 0; i < 4; ++i) put_word(d, 100 + static_cast<std::size_t>(i), static_cast<std::uint16_t>(id.sectors >> (16 * i)));
  put_word(d, 82, static_cast<std::uint16_t>((id.smart_supported ? 1 : 0) | (id.security_supported ? 2 : 0) |
                                             (id.hpa_supported ? 0x400 : 0)));
  put_word(d, 83, static_cast<std::uint16_t>(0x4000 | (id.lba48 ? 0x400 : 0) | (id.dco_supported ? 0x800 : 0)));
  put_word(d, 85, static_cast<std::uint16_t>((id.security_enabled ? 2 : 0) | (id.hpa_enabled ? 0x400 : 0)));
  put_word(d, 86, static_cast<std::uint16_t>((id.lba48 ? 0x400 : 0) | (id.dco_supported ? 0x800 : 0) |
                                             (id.amac_supported ? 0x8000 : 0)));
  put_word(d, 119, static_cast<std::uint16_t>(0x4000 | (id.amac_supported ? 0x100 : 0)));
  put_word(d, 89, static_cast<std::uint16_t>(id.normal_erase_minutes / 2));
  put_word(d, 90, static_cast<std::uint16_t>(id.enhanced_erase_minutes / 2));
  put_word(d, 128, static_cast<std::uint16_t>((id.security_supported ? 1 : 0) | (id.security_enabled ? 2 : 0) |
                                              (id.security_locked ? 4 : 0) | (id.security_frozen ? 8 : 0) |
                                              (id.security_count_expired ? 0x10 : 0) |
                                              (id.enhanced_erase_supported ? 0x20 : 0)));
  put_word(d, 59, static_cast<std::uint16_t>((id.sanitize_supported ? 0x1000 : 0) |
                                             (id.crypto_scramble_supported ? 0x2000 : 0) |
                                             (id.overwrite_supported ? 0x4000 : 0) |
                                             (id.block_erase_supported ? 0x8000 : 0)));
  put_word(d, 217, id.rotational ? 7200 : 1);
  return d;
}

}  // namespace wipeproof::ata
