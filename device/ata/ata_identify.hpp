#pragma once
// IDENTIFY DEVICE data (ACS-3 7.12.7): the words wipeproof plans with.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace wipeproof::ata {

struct AtaIdentify {
  std::string model;            ///< words 27-46
  std::string serial;           ///< words 10-19
  std::string firmware;         ///< words 23-26
  std::uint64_t sectors = 0;    ///< words 100-103 (48-bit) or 60-61
  bool lba48 = false;           ///< word 83 bit 10
  bool rotational = true;       ///< word 217 != 1
  /// Word 217 (ACS-3 7.12.7.77): 0 = rate not reported, 1 = non-rotating media, 0401h-FFFEh = rpm.
  std::uint16_t rotation_rate = 0;
  bool smart_supported = false; ///< word 82 bit 0
  // Security feature set (word 128, words 89/90).
  bool security_supported = false;
  bool security_enabled = false;
  bool security_locked = false;
  bool security_frozen = false;
  bool security_count_expired = false;
  bool enhanced_erase_supported = false;
  std::uint32_t normal_erase_minutes = 0;    ///< 0 = not reported
  std::uint32_t enhanced_erase_minutes = 0;
  // Sanitize feature set (word 59).
  bool sanitize_supported = false;
  bool crypto_scramble_supported = false;
  bool overwrite_supported = false;
  bool block_erase_supported = false;
  // Hidden areas.
  bool hpa_supported = false;   ///< word 82 bit 10
  bool hpa_enabled = false;     ///< word 85 bit 10
  bool dco_supported = false;   ///< word 83 bit 11
  bool amac_supported = false;  ///< word 86 bit 15 and word 119 bit 8
};

/// Parses the 512-byte IDENTIFY block (little-endian words; strings byte-swapped per word).
AtaIdentify parse_identify(std::span<const std::byte> data);

/// Minutes from word 89/90: bit 15 set = ACS-3 extended format (bits 14:0 x 2 min), else bits 7:0 x 2.
std::uint32_t erase_time_minutes(std::uint16_t word);

/// ERASE UNIT timeout: max(2 x reported + 60 min, capacity at 30 MB/s + 30 min); 12 h unknown
/// (hdparm's get_erase_timeout_secs, erase-commands.md 2.4). Never the 60 s default.
std::uint32_t security_erase_timeout_ms(const AtaIdentify& id, bool enhanced);

/// The inverse of parse_identify for the simulated drive.
std::array<std::byte, 512> build_identify(const AtaIdentify& id);

}  // namespace wipeproof::ata
