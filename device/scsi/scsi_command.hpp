#pragma once
// SCSI SANITIZE (SBC-4 5.30), REQUEST SENSE, REPORT SUPPORTED OPERATION CODES and FORMAT UNIT
// with security initialize (SBC-4 5.3): pure CDB and parameter-list builders, plus a simulated
// SAS drive that decodes them.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "device/sim_media.hpp"

#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::scsi {

enum class SanitizeAction : std::uint8_t { overwrite = 0x01, block_erase = 0x02, crypto_erase = 0x03, exit_failure = 0x1F };

/// SANITIZE(10): byte 1 = IMMED[7] | ZNR[6] | AUSE[5] | SERVICE ACTION[4:0]; bytes 7-8 parameter length.
std::array<std::uint8_t, 10> sanitize_cdb(SanitizeAction action, bool immed, bool ause, std::uint16_t param_len);
/// OVERWRITE parameter list: INVERT[7] | OVERWRITE COUNT[4:0] (1-31), pattern length, pattern.
std::vector<std::uint8_t> overwrite_parameters(std::uint8_t count, bool invert, const std::vector<std::uint8_t>& pattern);
std::array<std::uint8_t, 6> request_sense_cdb(std::uint8_t alloc);
/// REPORT SUPPORTED OPERATION CODES, reporting option 3 (one opcode + service action).
std::array<std::uint8_t, 12> rsoc_cdb(std::uint8_t opcode, std::uint16_t service_action, std::uint32_t alloc);
/// The same with reporting option 1: an opcode without service actions (FORMAT UNIT).
std::array<std::uint8_t, 12> rsoc_cdb_opcode(std::uint8_t opcode, std::uint32_t alloc);
/// RSOC one-command answer: SUPPORT (byte 1 bits 2:0) == 011b.
bool rsoc_supported(const std::vector<std::uint8_t>& reply);
/// FORMAT UNIT with FMTDATA and a short header FOV|IP + an initialization pattern descriptor with SI
/// (security initialize: overwrite every sector including reallocated ones), as sg_format does.
std::array<std::uint8_t, 6> format_unit_cdb();
/// READ DEFECT DATA (10) (SBC-4 5.13), grown list only (REQ_GLIST), short block format; the
/// 4-byte header answers how many blocks the drive has retired since manufacture.
std::array<std::uint8_t, 10> read_defect_data_cdb(std::uint16_t alloc);
/// Entries in the grown defect list from the READ DEFECT DATA (10) header (short block: 4 bytes
/// each); nothing when the drive did not mark the grown list valid (GLISTV, byte 1 bit 3).
std::optional<std::uint32_t> grown_defects(std::span<const std::byte> header);
std::array<std::uint8_t, 8> format_unit_security_initialize_parameters();

class SimScsiDrive final : public device::ScsiTransport {
 public:
  SimScsiDrive(bool crypto, bool block, bool overwrite, std::uint64_t bytes, bool format_unit = true);
  Result<device::ScsiResult> execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data,
                                     device::DataDirection dir, std::uint32_t timeout_ms) override;
  void set_polls(int polls) { polls_ = polls; }
  void fail_next() { fail_ = true; }
  void set_grown_defects(std::uint32_t n) { grown_defects_ = n; }
  std::vector<std::byte>& media() { return media_.raw(); }
  device::SimMedia& sim_media() { return media_; }

 private:
  bool crypto_, block_, overwrite_, format_unit_;
  device::SimMedia media_;
  int polls_ = 3, left_ = 0;
  bool running_ = false, failed_ = false, fail_ = false;
  SanitizeAction pending_ = SanitizeAction::block_erase;
  std::vector<std::uint8_t> pattern_;
  std::uint32_t grown_defects_ = 0;
};

}  // namespace wipeproof::scsi
