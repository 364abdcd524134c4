#pragma once
// Every sanitize method wipeproof can run, in one table: the id the code uses, the name used only
// at the JSON and command-line boundary, the command path, the kind of erase, the IEEE 2883 level
// per media type and the result the method defines (what the read-back checks). The planner,
// the firmware job, the outcome rule and the certificate all read this table; none of them
// compares method names. It lives in core because records hold a SanitizeMethod.
#include <optional>
#include <string_view>
#include <vector>

namespace wipeproof {

/// IEEE 2883-2022 sanitization levels; `none` when the evidence supports no level.
enum class SanitizeLevel { none, clear, purge };
const char* sanitize_level_name(SanitizeLevel level);
std::optional<SanitizeLevel> sanitize_level_from_name(std::string_view name);

enum class SanitizeMethod {
  overwrite,                 ///< host overwrite through the block path (wipe/method.hpp passes)
  nvme_sanitize_crypto,
  nvme_sanitize_block,
  nvme_sanitize_overwrite,
  nvme_format_crypto,        ///< Format NVM SES=2
  nvme_format_user_data,     ///< Format NVM SES=1
  ata_sanitize_crypto,
  ata_sanitize_block,
  ata_sanitize_overwrite,
  ata_security_erase_enhanced,
  ata_security_erase,
  scsi_sanitize_crypto,
  scsi_sanitize_block,
  scsi_sanitize_overwrite,
  scsi_format_unit,
  opal_psid_revert,
  verification_only,         ///< nothing written: a read-back of a drive erased elsewhere
};

/// How the method reaches the drive.
enum class CommandPath { host_writes, ata, nvme, scsi, opal, none };

/// The certificate's sanitization.method_type.
enum class MethodType { overwrite, block_erase, crypto_erase, verification_only };
const char* method_type_name(MethodType type);

/// What the method leaves, as the read-back checks it (docs/verification.md, "Evidence for
/// firmware erases").
enum class DefinedResult {
  passes,         ///< exactly what the last host pass wrote
  zeroes,         ///< the 0x00 pattern wipeproof sends with a sanitize overwrite
  zeroes_if_dlfeat,  ///< NVMe Format: zeroes when the namespace reports DLFEAT = 1, else vendor-defined
  uniform,        ///< one repeated byte per block (block erase; ATA normal security erase)
  noise,          ///< crypto erase: old ciphertext read with a new key (or deallocated: uniform)
  vendor_defined, ///< anything without recognisable content
  stated,         ///< verification-only: what the operator said to expect
};

struct MethodInfo {
  SanitizeMethod id;
  const char* name;            ///< "nvme-sanitize-crypto": the JSON / CLI name
  CommandPath path;
  MethodType type;
  SanitizeLevel level_flash;   ///< IEEE 2883 level on flash media
  SanitizeLevel level_magnetic;
  DefinedResult result;
  /// NVMe Sanitize acts on the whole NVM subsystem's user data (NVMe 2.0 §8.21: "all namespaces");
  /// Format NVM spans namespaces only when FNA says so (decided with the controller's data).
  bool controller_wide;
  const char* title;
};

const std::vector<MethodInfo>& all_sanitize_methods();
const MethodInfo& method_info(SanitizeMethod id);
const char* sanitize_method_name(SanitizeMethod id);
std::optional<SanitizeMethod> sanitize_method_from_name(std::string_view name);
/// True for the drive's own commands (everything that is not a host overwrite or a read-back).
bool is_firmware_method(SanitizeMethod id);
/// The level `id` reaches on this media when it ran to completion (unknown media: the lower).
SanitizeLevel method_level(SanitizeMethod id, std::optional<bool> rotational);

}  // namespace wipeproof
