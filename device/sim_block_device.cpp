#include "device/sim_block_device.hpp"

#include <cerrno>
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace wipeproof::device {

SimBlockDevice::SimBlockDevice(SimMedia* media, std::uint64_t visible_bytes) : owned_(0, 512, std::byte{0}), media_(media) {
  geometry_.size_bytes = visible_bytes ? std::min<std::uint64_t>(visible_bytes, media->size()) : media->size();
  geometry_.logical_sector_size = media->lba_size();
  geometry_.physical_sector_size = media->lba_size();
}

SimBlockDevice::SimBlockDevice(std::uint64_t size_bytes, std::uint32_t logical_sector_size)
    : owned_(size_bytes, logical_sector_size, std::byte{0}) {
  geometry_.size_bytes = size_bytes;
  geometry_.logical_sector_size = logical_sector_size;
  geometry_.physical_sector_size = logical_sector_size;
}

void SimBlockDevice::drop_writes(std::uint64_t first_lba, std::uint64_t count) {
  dropped_.emplace_back(first_lba, count);
}

Result<void> SimBlockDevice::check_present() const {
  if (written_ >= vanish_after_) return sys_error("sim device", ENODEV);
  return {};
}

Result<void> SimBlockDevice::check_range(std::uint64_t offset, std::size_t len, const char* op) const {
  if (offset > geometry_.size_bytes || len > geometry_.size_bytes - offset)
    return sys_error(fmt::format("sim {} at byte {}: beyond end", op, offset), ENXIO);
  return {};
}

Result<void> SimBlockDevice::read_at(std::uint64_t offset, std::span<std::byte> out) {
  std::lock_guard lock(mutex_);
  WP_RETURN_IF_ERROR(check_present());
  WP_RETURN_IF_ERROR(check_range(offset, out.size(), "read"));
  std::uint64_t ss = geometry_.logical_sector_size;
  for (std::uint64_t lba = offset / ss; lba * ss < offset + out.size(); ++lba)
    if (read_faults_.count(lba)) return sys_error(fmt::format("sim read at lba {}", lba), EIO);
  media_->host_read(offset, out);
  return {};
}

Result<void> SimBlockDevice::write_at(std::uint64_t offset, std::span<const std::byte> in) {
  std::lock_guard lock(mutex_);
  WP_RETURN_IF_ERROR(check_present());
  WP_RETURN_IF_ERROR(check_range(offset, in.size(), "write"));
  ++write_calls_;
  std::uint64_t ss = geometry_.logical_sector_size;
  for (std::uint64_t lba = offset / ss; lba * ss < offset + in.size(); ++lba)
    if (write_faults_.count(lba)) return sys_error(fmt::format("sim write at lba {}", lba), EIO);
  for (std::uint64_t pos = 0; pos < in.size();) {
    std::uint64_t lba = (offset + pos) / ss;
    std::uint64_t sector_end = (lba + 1) * ss - offset;
    std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(sector_end, in.size()) - pos);
    bool dropped = false;
    for (auto [first, count] : dropped_)
      if (lba >= first && lba < first + count) dropped = true;
    // A dropped sector: the drive acknowledges a write it never made.
    if (!dropped) media_->host_write(offset + pos, in.subspan(pos, len));
    pos += len;
  }
  written_ += in.size();
  return {};
}

Result<void> SimBlockDevice::flush() {
  std::lock_guard lock(mutex_);
  WP_RETURN_IF_ERROR(check_present());
  if (flush_fails_) return sys_error("sim flush", EIO);
  return {};
}

}  // namespace wipeproof::device
