#pragma once
// An in-memory BlockDevice whose faults tests script: failing LBAs, writes silently dropped
// (the "drive that lies"), and a device that vanishes after a number of bytes.
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include "device/block_device.hpp"
#include "device/sim_media.hpp"

namespace wipeproof::device {

class SimBlockDevice final : public BlockDevice {
 public:
  SimBlockDevice(std::uint64_t size_bytes, std::uint32_t logical_sector_size = 512);
  /// A view over storage owned elsewhere (a simulated drive's media), so firmware commands and
  /// block reads see the same bytes, lies included.
  explicit SimBlockDevice(SimMedia* media, std::uint64_t visible_bytes = 0);

  /// Any read (write) touching this LBA fails with EIO.
  void fail_reads_at(std::uint64_t lba) { read_faults_.insert(lba); }
  void fail_writes_at(std::uint64_t lba) { write_faults_.insert(lba); }
  /// Writes to [first, first+count) report success but change nothing.
  void drop_writes(std::uint64_t first_lba, std::uint64_t count);
  /// After this many bytes have been written, every call fails with ENODEV.
  void vanish_after_bytes_written(std::uint64_t bytes) { vanish_after_ = bytes; }
  /// Makes flush() fail with EIO.
  void fail_flush() { flush_fails_ = true; }

  std::vector<std::byte>& contents() { return media_->raw(); }
  SimMedia& media() { return *media_; }
  std::uint64_t bytes_written() const { return written_; }
  std::uint64_t write_calls() const { return write_calls_; }

  Result<void> read_at(std::uint64_t offset, std::span<std::byte> out) override;
  Result<void> write_at(std::uint64_t offset, std::span<const std::byte> in) override;
  Result<void> flush() override;
  Result<void> drop_caches() override { return check_present(); }
  const DeviceGeometry& geometry() const override { return geometry_; }
  bool direct_io() const override { return true; }
  std::string describe() const override { return "sim"; }
  Result<void> check_present() const override;  ///< ENODEV once vanish_after_bytes_written passed

 private:
  Result<void> check_range(std::uint64_t offset, std::size_t len, const char* op) const;

  DeviceGeometry geometry_;
  SimMedia owned_;
  SimMedia* media_ = &owned_;
  std::set<std::uint64_t> read_faults_;
  std::set<std::uint64_t> write_faults_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> dropped_;
  std::uint64_t vanish_after_ = UINT64_MAX;
  std::uint64_t written_ = 0;
  std::uint64_t write_calls_ = 0;
  bool flush_fails_ = false;
  mutable std::mutex mutex_;  // the engines read and write from worker threads
};

}  // namespace wipeproof::device
