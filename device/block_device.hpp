#pragma once
// The one seam between the engines and storage. No OS headers here: block_device_linux.cpp holds
// the Linux implementation, sim_block_device.cpp the in-memory one tests use.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.hpp"

namespace wipeproof::device {

struct DeviceGeometry {
  std::uint64_t size_bytes = 0;
  std::uint32_t logical_sector_size = 512;
  std::uint32_t physical_sector_size = 512;
  std::uint32_t buffer_alignment = 4096;  ///< alignment O_DIRECT buffers need
  std::uint64_t logical_blocks() const { return size_bytes / logical_sector_size; }
};

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  /// Reads exactly out.size() bytes at `offset` or fails; a short read is an error.
  virtual Result<void> read_at(std::uint64_t offset, std::span<std::byte> out) = 0;
  /// Writes exactly in.size() bytes at `offset` or fails (short writes are retried internally).
  virtual Result<void> write_at(std::uint64_t offset, std::span<const std::byte> in) = 0;
  /// Makes every completed write durable (fdatasync); its error is the device's last word.
  virtual Result<void> flush() = 0;
  /// Drops any cached copy of the device's data so later reads come from the medium (BLKFLSBUF
  /// on block devices, POSIX_FADV_DONTNEED on image files). Called before every verification.
  virtual Result<void> drop_caches() = 0;
  virtual const DeviceGeometry& geometry() const = 0;
  /// True when reads and writes bypass the page cache (O_DIRECT).
  virtual bool direct_io() const = 0;
  virtual std::string describe() const = 0;
  /// Whether the device is still there, asked after an I/O error: a hot-removed disk makes
  /// writes fail with ENOSPC or EIO rather than ENODEV (its capacity drops to 0), and each of
  /// those must not be taken for a bad sector. ENODEV error when it is gone.
  virtual Result<void> check_present() const { return {}; }
};

enum class OpenMode { read_only, read_write };

/// Opens a block device or a regular image file with O_DIRECT (falling back to buffered I/O
/// only where the file system refuses O_DIRECT, e.g. tmpfs). Anything else is refused.
Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path, OpenMode mode);

/// Errors after which no further I/O can succeed: the device is gone.
bool is_device_gone(const Error& error);

}  // namespace wipeproof::device
