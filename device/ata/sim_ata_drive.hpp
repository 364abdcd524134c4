#pragma once
// A simulated SATA drive behind SAT: it receives the same ATA PASS-THROUGH (16) CDBs the Linux
// SG_IO path sends, runs the ACS-3 Security and Sanitize state machines and the HPA registers,
// and answers with the sense data libata would produce. Tests drive the real builders and
// parsers through it.
#include <cstdint>
#include <string>
#include <vector>

#include "device/sim_media.hpp"

#include "device/ata/ata_command.hpp"
#include "device/ata/ata_identify.hpp"
#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::ata {

class SimAtaDrive final : public device::ScsiTransport {
 public:
  /// `identity` gives the capabilities; identity.sectors is the visible size, `native_sectors`
  /// the native one (larger = an HPA is set).
  SimAtaDrive(AtaIdentify identity, std::uint64_t native_sectors);

  Result<device::ScsiResult> execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data,
                                     device::DataDirection dir, std::uint32_t timeout_ms) override;

  // Test controls.
  void freeze() { frozen_ = true; }
  void interrupt_next_erase() { interrupt_erase_ = true; }  ///< power loss mid ERASE UNIT
  void power_cycle();                                        ///< unfreezes, resets the attempt counter
  void set_sanitize_polls(int polls) { sanitize_polls_ = polls; }
  void fail_next_sanitize() { sanitize_fails_ = true; }
  void use_fixed_sense_for_errors() { fixed_sense_ = true; }  ///< Linux 6.1 libata style
  void not_an_ata_device() { not_ata_ = true; }               ///< a USB bridge without SAT
  /// A DCO hides sectors beyond native_sectors: DCO IDENTIFY reports `factory`, RESTORE exposes it.
  void set_dco_factory_sectors(std::uint64_t factory);
  /// SMART attribute 5 (Reallocated Sectors Count) raw value.
  void set_reallocated_sectors(std::uint64_t n) { reallocated_ = n; }

  std::vector<std::byte>& media() { return media_.raw(); }
  device::SimMedia& sim_media() { return media_; }
  bool security_enabled() const { return enabled_; }
  std::uint64_t accessible_sectors() const { return id_.sectors; }
  bool locked() const { return locked_; }
  const std::vector<std::uint8_t>& commands() const { return commands_; }
  std::uint32_t last_timeout_ms() const { return last_timeout_ms_; }

 private:
  device::ScsiResult ok(const AtaCommand& cmd, AtaRegisters regs = {});
  device::ScsiResult abort(std::uint8_t error = kErrorAbort);
  device::ScsiResult sanitize_cmd(const AtaCommand& cmd);
  std::string password_from(std::span<const std::byte> block) const;
  AtaIdentify current_identity() const;

  AtaIdentify id_;
  std::uint64_t native_sectors_;
  std::uint64_t dco_sectors_ = 0;
  device::SimMedia media_;
  bool enabled_ = false, locked_ = false, frozen_ = false, prepared_ = false;
  int attempts_ = 0;
  std::string password_;
  bool interrupt_erase_ = false;
  int sanitize_polls_ = 3, polls_left_ = 0;
  enum class San { idle, in_progress, failed, succeeded } san_ = San::idle;
  SanitizeAction pending_ = SanitizeAction::status;
  std::uint32_t pattern_ = 0;
  bool sanitize_fails_ = false, fixed_sense_ = false, not_ata_ = false;
  std::vector<std::uint8_t> commands_;
  std::uint32_t last_timeout_ms_ = 0;
  std::uint64_t reallocated_ = 0;
};

}  // namespace wipeproof::ata
