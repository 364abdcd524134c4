#include "device/nvme/nvme_command.hpp"

#include <fmt/format.h>

namespace wipeproof::nvme {
namespace {

std::uint32_t le32(std::span<const std::byte> d, std::size_t o) {
  return std::to_integer<std::uint32_t>(d[o]) | std::to_integer<std::uint32_t>(d[o + 1]) << 8 |
         std::to_integer<std::uint32_t>(d[o + 2]) << 16 | std::to_integer<std::uint32_t>(d[o + 3]) << 24;
}
std::uint16_t le16(std::span<const std::byte> d, std::size_t o) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(d[o]) | std::to_integer<unsigned>(d[o + 1]) << 8);
}
std::string text(std::span<const std::byte> d, std::size_t o, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    char c = static_cast<char>(d[o + i]);
    if (c >= 0x20 && c < 0x7F) s.push_back(c);
  }
  auto e = s.find_last_not_of(' ');
  return e == std::string::npos ? std::string{} : s.substr(0, e + 1);
}

}  // namespace

NvmeCommand identify_controller() {
  NvmeCommand c;
  c.opcode = kOpIdentify;
  c.data_len = 4096;
  c.cdw10 = 1;  // CNS 01h
  return c;
}

NvmeCommand identify_namespace(std::uint32_t nsid) {
  NvmeCommand c;
  c.opcode = kOpIdentify;
  c.nsid = nsid;
  c.data_len = 4096;
  c.cdw10 = 0;  // CNS 00h
  return c;
}

NvmeCommand format_nvm(std::uint32_t nsid, std::uint8_t lbaf, SecureErase ses, std::uint32_t timeout_ms) {
  NvmeCommand c;
  c.opcode = kOpFormatNvm;
  c.nsid = nsid;
  c.cdw10 = (lbaf & 0x0Fu) | (static_cast<std::uint32_t>(ses) & 0x7u) << 9 | ((lbaf >> 4) & 0x3u) << 12;
  // The kernel's 0 means its 60 s admin default; a Format can take far longer.
  c.timeout_ms = timeout_ms;
  return c;
}

NvmeCommand sanitize(SanitizeAction action, const SanitizeParams& p) {
  NvmeCommand c;
  c.opcode = kOpSanitize;
  std::uint32_t owpass = p.owpass >= 16 ? 0 : p.owpass & 0x0F;
  c.cdw10 = static_cast<std::uint32_t>(action) | (p.ause ? 1u << 3 : 0) | owpass << 4 | (p.oipbp ? 1u << 8 : 0) |
            (p.no_dealloc ? 1u << 9 : 0) | (p.enter_media_verification ? 1u << 10 : 0);
  c.cdw11 = p.pattern;
  c.timeout_ms = 60000;  // completes at once; the work runs in the background (poll log 81h)
  return c;
}

NvmeCommand get_log_page(std::uint8_t lid, std::uint32_t bytes, std::uint32_t nsid) {
  NvmeCommand c;
  c.opcode = kOpGetLogPage;
  c.nsid = nsid;
  c.data_len = bytes;
  c.cdw10 = lid | ((bytes / 4 - 1) & 0xFFFFu) << 16;
  return c;
}

IdController parse_id_controller(std::span<const std::byte> d) {
  IdController c;
  if (d.size() < 4096) return c;
  c.serial = text(d, 4, 20);
  c.model = text(d, 24, 40);
  c.firmware = text(d, 64, 8);
  c.oacs = le16(d, 256);
  c.sanicap = le32(d, 328);
  c.fna = std::to_integer<std::uint8_t>(d[524]);
  return c;
}

IdNamespace parse_id_namespace(std::span<const std::byte> d) {
  IdNamespace n;
  if (d.size() < 4096) return n;
  n.nsze = std::uint64_t{le32(d, 0)} | std::uint64_t{le32(d, 4)} << 32;
  std::uint8_t flbas = std::to_integer<std::uint8_t>(d[26]);
  n.lbaf_in_use = static_cast<std::uint8_t>((flbas & 0x0F) | ((flbas >> 5) & 0x3) << 4);
  std::uint8_t ds = std::to_integer<std::uint8_t>(d[128 + 4u * n.lbaf_in_use + 2]);
  n.lba_size = ds >= 9 && ds < 32 ? 1u << ds : 512;
  n.dlfeat = std::to_integer<std::uint8_t>(d[33]);
  return n;
}

SanitizeLog parse_sanitize_log(std::span<const std::byte> d) {
  SanitizeLog l;
  if (d.size() < 8) return l;
  l.sprog = le16(d, 0);
  l.sstat = le16(d, 2);
  l.scdw10 = le32(d, 4);
  return l;
}

SmartLog parse_smart_log(std::span<const std::byte> d) {
  SmartLog s;
  if (d.size() < 6) return s;
  s.critical_warning = std::to_integer<std::uint8_t>(d[0]);
  s.temperature_k = le16(d, 1);
  s.available_spare = std::to_integer<std::uint8_t>(d[3]);
  s.percent_used = std::to_integer<std::uint8_t>(d[5]);
  return s;
}

std::string status_text(std::uint16_t status) {
  unsigned sct = (status >> 8) & 0x7, sc = status & 0xFF;
  const char* what = "";
  if (sct == 0 && sc == 0x01) what = " (invalid command opcode)";
  if (sct == 0 && sc == 0x02) what = " (invalid field in command)";
  if (sct == 0 && sc == 0x1C) what = " (sanitize failed)";
  if (sct == 0 && sc == 0x1D) what = " (sanitize in progress)";
  if (sct == 1 && sc == 0x0A) what = " (invalid format)";
  return fmt::format("NVMe status 0x{:04x}: SCT {} SC 0x{:02x}{}{}", status, sct, sc, what,
                     (status & 0x4000) ? " DNR" : "");
}

}  // namespace wipeproof::nvme
