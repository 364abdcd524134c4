#include "core/sanitize_method.hpp"

#include <algorithm>

#include "core/enum_names.hpp"

namespace wipeproof {

const char* sanitize_level_name(SanitizeLevel level) {
  switch (level) {
    case SanitizeLevel::none: return "none";
    case SanitizeLevel::clear: return "clear";
    case SanitizeLevel::purge: return "purge";
  }
  return "none";
}

std::optional<SanitizeLevel> sanitize_level_from_name(std::string_view name) {
  static constexpr SanitizeLevel kAll[] = {SanitizeLevel::none, SanitizeLevel::clear, SanitizeLevel::purge};
  return enum_from_name(name, kAll, sanitize_level_name);
}

const char* method_type_name(MethodType type) {
  switch (type) {
    case MethodType::overwrite: return "overwrite";
    case MethodType::block_erase: return "block_erase";
    case MethodType::crypto_erase: return "crypto_erase";
    case MethodType::verification_only: return "verification_only";
  }
  return "overwrite";
}

namespace {
using L = SanitizeLevel;
using P = CommandPath;
using T = MethodType;
using R = DefinedResult;
using M = SanitizeMethod;

// Levels: IEEE 2883-2022 §6 and NIST SP 800-88 Rev. 1 App. A as reproduced in
// ../shared/notes/standards.md §3: Sanitize (ATA / NVMe / SCSI) and the Opal revert are Purge;
// the legacy commands (ATA SECURITY ERASE UNIT, NVMe Format NVM, SCSI FORMAT UNIT) are at most
// Clear-grade, as is any host overwrite of the addressable LBAs.
const std::vector<MethodInfo> kMethods = {
    {M::overwrite, "overwrite", P::host_writes, T::overwrite, L::clear, L::clear, R::passes, false,
     "host overwrite of every addressable LBA, verified by read-back"},
    {M::nvme_sanitize_crypto, "nvme-sanitize-crypto", P::nvme, T::crypto_erase, L::purge, L::purge, R::noise, true,
     "NVMe Sanitize crypto erase"},
    {M::nvme_sanitize_block, "nvme-sanitize-block", P::nvme, T::block_erase, L::purge, L::purge, R::uniform, true,
     "NVMe Sanitize block erase"},
    {M::nvme_sanitize_overwrite, "nvme-sanitize-overwrite", P::nvme, T::overwrite, L::purge, L::purge, R::zeroes,
     true, "NVMe Sanitize overwrite"},
    {M::nvme_format_crypto, "nvme-format-crypto", P::nvme, T::crypto_erase, L::clear, L::clear, R::noise,
     false, "NVMe Format NVM, cryptographic erase (SES=2)"},
    {M::nvme_format_user_data, "nvme-format-user-data", P::nvme, T::block_erase, L::clear, L::clear,
     R::zeroes_if_dlfeat, false, "NVMe Format NVM, user data erase (SES=1)"},
    {M::ata_sanitize_crypto, "ata-sanitize-crypto", P::ata, T::crypto_erase, L::purge, L::purge, R::noise, false,
     "ATA SANITIZE CRYPTO SCRAMBLE EXT"},
    {M::ata_sanitize_block, "ata-sanitize-block", P::ata, T::block_erase, L::purge, L::purge, R::uniform, false,
     "ATA SANITIZE BLOCK ERASE EXT"},
    {M::ata_sanitize_overwrite, "ata-sanitize-overwrite", P::ata, T::overwrite, L::purge, L::purge, R::zeroes, false,
     "ATA SANITIZE OVERWRITE EXT"},
    {M::ata_security_erase_enhanced, "ata-security-erase-enhanced", P::ata, T::block_erase, L::clear, L::clear,
     R::vendor_defined, false, "ATA SECURITY ERASE UNIT (enhanced)"},
    {M::ata_security_erase, "ata-security-erase", P::ata, T::block_erase, L::clear, L::clear, R::uniform, false,
     "ATA SECURITY ERASE UNIT (normal): binary zeroes or ones (ACS-3 7.45)"},
    {M::scsi_sanitize_crypto, "scsi-sanitize-crypto", P::scsi, T::crypto_erase, L::purge, L::purge, R::noise, false,
     "SCSI SANITIZE CRYPTOGRAPHIC ERASE"},
    {M::scsi_sanitize_block, "scsi-sanitize-block", P::scsi, T::block_erase, L::purge, L::purge, R::uniform, false,
     "SCSI SANITIZE BLOCK ERASE"},
    {M::scsi_sanitize_overwrite, "scsi-sanitize-overwrite", P::scsi, T::overwrite, L::purge, L::purge, R::zeroes,
     false, "SCSI SANITIZE OVERWRITE"},
    {M::scsi_format_unit, "scsi-format-unit", P::scsi, T::overwrite, L::clear, L::clear, R::vendor_defined, false,
     "SCSI FORMAT UNIT with security initialize"},
    {M::opal_psid_revert, "opal-psid-revert", P::opal, T::crypto_erase, L::purge, L::purge, R::noise, false,
     "TCG Opal Revert with the PSID authority"},
    {M::verification_only, "verification-only", P::none, T::verification_only, L::clear, L::clear, R::stated, false,
     "read-back of a drive sanitized elsewhere"},
};
}  // namespace

const std::vector<MethodInfo>& all_sanitize_methods() { return kMethods; }

const MethodInfo& method_info(SanitizeMethod id) {
  auto it = std::find_if(kMethods.begin(), kMethods.end(), [id](const MethodInfo& m) { return m.id == id; });
  return it != kMethods.end() ? *it : kMethods.front();
}

const char* sanitize_method_name(SanitizeMethod id) { return method_info(id).name; }

std::optional<SanitizeMethod> sanitize_method_from_name(std::string_view name) {
  for (const auto& m : kMethods)
    if (name == m.name) return m.id;
  return std::nullopt;
}

bool is_firmware_method(SanitizeMethod id) {
  CommandPath p = method_info(id).path;
  return p != CommandPath::host_writes && p != CommandPath::none;
}

SanitizeLevel method_level(SanitizeMethod id, std::optional<bool> rotational) {
  const MethodInfo& m = method_info(id);
  if (!rotational) return std::min(m.level_flash, m.level_magnetic);
  return *rotational ? m.level_magnetic : m.level_flash;
}

}  // namespace wipeproof
