#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::device {

SenseInfo parse_sense(std::span<const std::uint8_t> s) {
  SenseInfo i;
  if (s.size() < 8) return i;
  std::uint8_t code = s[0] & 0x7F;
  if (code == 0x70 || code == 0x71) {
    i.valid = true;
    i.key = s[2] & 0x0F;
    if (s.size() > 13) {
      i.asc = s[12];
      i.ascq = s[13];
    }
    // SPC-4 4.4.3: SKSV (byte 15 bit 7) + progress in bytes 16-17 for NOT READY / NO SENSE.
    if (s.size() > 17 && (s[15] & 0x80)) {
      i.progress_valid = true;
      i.progress = static_cast<std::uint16_t>(s[16] << 8 | s[17]);
    }
    return i;
  }
  if (code == 0x72 || code == 0x73) {
    i.valid = true;
    i.key = s[1] & 0x0F;
    i.asc = s[2];
    i.ascq = s[3];
    // Descriptor 02h: sense-key-specific, with the same progress layout.
    for (std::size_t p = 8; p + 1 < s.size();) {
      std::uint8_t type = s[p], len = s[p + 1];
      if (type == 0x02 && p + 7 < s.size() && (s[p + 4] & 0x80)) {
        i.progress_valid = true;
        i.progress = static_cast<std::uint16_t>(s[p + 5] << 8 | s[p + 6]);
      }
      p += 2u + len;
    }
  }
  return i;
}

}  // namespace wipeproof::device
