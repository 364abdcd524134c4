#pragma once
// One SCSI command in, status and sense out: the pipe ATA (through SAT's ATA PASS-THROUGH) and
// SCSI commands travel on. The Linux implementation is SG_IO (scsi_transport_linux.cpp); the
// simulated drives implement the same interface and decode the very CDB bytes the builders make.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof::device {

enum class DataDirection { none, to_device, from_device };

struct ScsiResult {
  std::uint8_t status = 0;           ///< SCSI status: 0 GOOD, 2 CHECK CONDITION
  std::uint16_t host_status = 0;     ///< transport errors (DID_ERROR 0x07) arrive here with status 0
  std::uint16_t driver_status = 0;
  std::vector<std::uint8_t> sense;   ///< as returned (fixed 0x70/0x71 or descriptor 0x72/0x73)
};

class ScsiTransport {
 public:
  virtual ~ScsiTransport() = default;
  /// Sends `cdb`; `data` is written (to_device) or filled (from_device). A failed ioctl is a sys
  /// error; a device answer, good or bad, is a ScsiResult.
  virtual Result<ScsiResult> execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data, DataDirection dir,
                                     std::uint32_t timeout_ms) = 0;
};

/// SG_IO on a block or sg node, opened O_RDWR|O_NONBLOCK.
Result<std::unique_ptr<ScsiTransport>> open_scsi_transport(const std::string& path);

struct SenseInfo {
  bool valid = false;
  std::uint8_t key = 0;
  std::uint8_t asc = 0;
  std::uint8_t ascq = 0;
  bool progress_valid = false;
  std::uint16_t progress = 0;  ///< sense-key-specific progress indication, /65536
};

/// Sense key, ASC/ASCQ and progress from fixed or descriptor sense (SPC-4 4.4).
SenseInfo parse_sense(std::span<const std::uint8_t> sense);

}  // namespace wipeproof::device
