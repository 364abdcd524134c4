#pragma once
// Chooses how to sanitize a drive from what it can do, and says why. Orders follow NIST SP 800-88
// Rev. 1 App. A and IEEE 2883 (docs/methods.md, "How wipeproof chooses"):
//   NVMe:     sanitize crypto > sanitize block > sanitize overwrite > format SES=2 > SES=1 > overwrite
//   ATA SSD:  sanitize crypto > sanitize block > enhanced security erase > security erase > overwrite
//   ATA HDD:  sanitize overwrite > sanitize crypto > overwrite
//   other:    overwrite
// The level each reaches is the IEEE 2883 one: Sanitize (ATA/NVMe/SCSI) is Purge; Format NVM and
// ATA Security Erase are at most Clear ("legacy commands ... Clear-grade", standards.md 3), as is
// any host overwrite. A purge request that can only be met by a Clear method gets that method,
// recorded as clear with the reason.
#include <optional>
#include <string>
#include <vector>

#include "device/ata/ata_identify.hpp"
#include "core/sanitize_method.hpp"
#include "device/nvme/nvme_command.hpp"

namespace wipeproof::wipe {

/// The levels a request can name (IEEE 2883); `none` only describes results.
using Level = SanitizeLevel;
const char* level_name(Level l);

struct DriveCapabilities {
  std::string bus;                         ///< nvme, sata, sas, usb, virtio, loop, image, ...
  bool rotational = false;
  std::optional<ata::AtaIdentify> ata;     ///< when ATA commands reach the drive
  std::optional<nvme::IdController> nvme;  ///< NVMe controllers
  std::string ata_unreachable_reason;      ///< e.g. "USB bridge does not pass ATA PASS-THROUGH"
  bool scsi_format_unit = false;
  bool opal_psid = false;                  ///< the operator gave the PSID: TCG Opal revert is possible
  bool scsi_sanitize_crypto = false;       ///< SAS/SCSI: from REPORT SUPPORTED OPERATION CODES
  bool scsi_sanitize_block = false;
  bool scsi_sanitize_overwrite = false;

};

struct PlanChoice {
  SanitizeMethod method = SanitizeMethod::overwrite;
  Level level = Level::clear;
  std::string why;
};

struct Plan {
  Level requested = Level::purge;
  PlanChoice chosen;
  std::vector<PlanChoice> fallbacks;          ///< what would be tried next, in order
  std::vector<std::string> rejected;          ///< "nvme-sanitize-block: SANICAP bit 1 clear"
  bool meets_request() const { return chosen.level == Level::purge || requested == Level::clear; }
  std::string shortfall;                      ///< why the request was not met, when it was not
};

Plan plan_sanitization(const DriveCapabilities& caps, Level requested);

/// True when `method` erases every namespace of the NVMe controller, not just the target:
/// Sanitize always (NVMe 2.0 §8.21, it acts on the NVM subsystem's user data), Format NVM with a
/// secure erase when FNA bit 0 (format applies to all namespaces) or bit 1 (secure erase applies
/// to all namespaces) is set (NVMe 2.0 Identify Controller, FNA).
bool spans_namespaces(SanitizeMethod method, const nvme::IdController& controller);

/// Removes the candidates that span namespaces (and would erase `busy`, which is in use) from
/// the plan, each named in `rejected`; the chosen method moves to the next candidate.
void refuse_spanning(Plan& plan, const nvme::IdController& controller, const std::string& busy);

}  // namespace wipeproof::wipe
