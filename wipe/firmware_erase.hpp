#pragma once
// The drives' own sanitize commands, run through the transports: ATA SECURITY ERASE UNIT and
// SANITIZE (over SAT), NVMe Format NVM and Sanitize. Each returns a transcript of the commands
// issued and what the drive answered; none of them is trusted without the read-back that follows
// (erase-commands.md 10.8: "success from a firmware command is not proof").
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "core/sanitize_method.hpp"
#include "core/result.hpp"
#include "device/ata/ata_command.hpp"
#include "device/ata/ata_identify.hpp"
#include "device/nvme/nvme_command.hpp"
#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::wipe {

/// One command sent during a firmware erase.
struct FirmwareCommand {
  std::string name;        ///< "SECURITY ERASE UNIT (enhanced)"
  std::string parameters;  ///< "timeout 3600000 ms", "cdw10=0x00000204"
  std::string result;      ///< "ok", or the drive's status
  std::string at;          ///< RFC 3339
};

struct FirmwareReport {
  SanitizeMethod method = SanitizeMethod::overwrite;
  std::vector<FirmwareCommand> commands;
  bool completed = false;
  std::string failure;                ///< why not, when !completed
};

struct PollOptions {
  std::chrono::milliseconds interval{2000};
  int max_polls = 100000;             ///< a guard against drives that never finish
};

// --- ATA ---------------------------------------------------------------------------------------
Result<ata::AtaIdentify> ata_identify(device::ScsiTransport& t);

struct SecurityEraseOptions {
  bool enhanced = false;
  std::string password;       ///< temporary user password (random if empty)
  std::string recovery_file;  ///< written (0600) before ERASE UNIT; removed after success
  std::string device_label;   ///< path and serial, for the recovery file
};
/// SET PASSWORD (if security is not enabled) -> ERASE PREPARE -> ERASE UNIT, then re-IDENTIFY:
/// success only if security ends neither enabled nor locked (opensea-operations' rule).
FirmwareReport ata_security_erase(device::ScsiTransport& t, const ata::AtaIdentify& id, SecurityEraseOptions options);

/// Recovers a drive left locked by an interrupted erase: UNLOCK + DISABLE PASSWORD with the
/// password from the recovery file written by ata_security_erase.
Result<std::string> ata_unlock_from_recovery(device::ScsiTransport& t, const std::string& recovery_file);

/// Starts a SANITIZE subcommand and polls SANITIZE STATUS EXT until done or failed.
FirmwareReport ata_sanitize(device::ScsiTransport& t, ata::SanitizeAction action, const ata::SanitizeOptions& options,
                            const PollOptions& poll, const ProgressCallback& progress);

struct HiddenAreas {
  std::uint64_t current_sectors = 0;
  std::optional<std::uint64_t> native_sectors;  ///< READ NATIVE MAX (EXT) or AMAC GET NATIVE MAX
  std::optional<std::uint64_t> dco_sectors;     ///< DEVICE CONFIGURATION IDENTIFY maximum LBA + 1
  bool hpa() const { return native_sectors && *native_sectors > current_sectors; }
  bool dco() const { return dco_sectors && native_sectors && *dco_sectors > *native_sectors; }
};
HiddenAreas ata_hidden_areas(device::ScsiTransport& t, const ata::AtaIdentify& id);
/// Sets the accessible maximum back to native (AMAC when supported, else SET MAX ADDRESS EXT,
/// volatile so a power cycle restores the owner's setting if the wipe is abandoned).
Result<void> ata_restore_native_max(device::ScsiTransport& t, const ata::AtaIdentify& id, const HiddenAreas& areas);

// --- SCSI / SAS ------------------------------------------------------------------------------
struct ScsiSanitizeSupport {
  bool crypto = false, block = false, overwrite = false;
  bool format_unit = false;
};
/// REPORT SUPPORTED OPERATION CODES for each SANITIZE service action.
Result<ScsiSanitizeSupport> scsi_sanitize_support(device::ScsiTransport& t);
/// SANITIZE with IMMED, then REQUEST SENSE polled: NOT READY 04h/1Bh = in progress (with progress
/// in the sense-key-specific bytes), 31h/03h = failed, no sense = done (SBC-4 5.30).
FirmwareReport scsi_sanitize(device::ScsiTransport& t, std::uint8_t service_action, const PollOptions& poll,
                             const ProgressCallback& progress);

/// FORMAT UNIT with security initialize (SBC-4 5.3), waiting for it to finish (no IMMED).
FirmwareReport scsi_format_unit(device::ScsiTransport& t);

// --- NVMe --------------------------------------------------------------------------------------
FirmwareReport nvme_format(nvme::NvmeTransport& t, std::uint32_t nsid, std::uint8_t lbaf, nvme::SecureErase ses);
/// Starts a Sanitize and polls the Sanitize Status log (81h) until done or failed.
FirmwareReport nvme_sanitize(nvme::NvmeTransport& t, nvme::SanitizeAction action, const nvme::SanitizeParams& params,
                             const PollOptions& poll, const ProgressCallback& progress);

/// Leaves the Media Verification state a sanitize with EMVS entered (SANACT 5, NVMe 2.1
/// 8.1.24.4); the drive then deallocates as after any sanitize. Appends the command to `report`.
Result<void> nvme_exit_media_verification(nvme::NvmeTransport& t, FirmwareReport& report);

}  // namespace wipeproof::wipe
