#pragma once
// ATA SMART health, read by our own SG_IO path (SMART READ DATA / READ THRESHOLDS / RETURN
// STATUS through ATA PASS-THROUGH without CK_COND on data-in) and interpreted by libatasmart
// through its blob API: libatasmart's own SAT path sets CK_COND on data commands and fails on
// AHCI (erase-commands.md 8), but its attribute and overall-status logic is what we want.
#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::ata {

struct AtaSmartReport {
  std::string overall;            ///< libatasmart's verdict: "GOOD", "BAD_SECTOR", ...
  bool status_good = true;        ///< SMART RETURN STATUS
  std::uint64_t bad_sectors = 0;  ///< reallocated + pending
  std::uint64_t power_on_hours = 0;
  int temperature_c = 0;          ///< 0 when not reported
  std::string summary() const;
};

Result<AtaSmartReport> read_ata_smart(device::ScsiTransport& transport);

}  // namespace wipeproof::ata
