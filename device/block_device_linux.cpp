#include "device/block_device.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "core/unique_fd.hpp"

namespace wipeproof::device {
namespace {

template <class F>
auto retry_eintr(F f) {
  for (;;) {
    auto r = f();
    if (r >= 0 || errno != EINTR) return r;
  }
}

class LinuxBlockDevice final : public BlockDevice {
 public:
  LinuxBlockDevice(std::string path, bool is_block, UniqueFd direct, UniqueFd buffered,
                   DeviceGeometry geometry)
      : path_(std::move(path)), is_block_(is_block), direct_(std::move(direct)),
        buffered_(std::move(buffered)), geometry_(geometry) {}

  Result<void> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    int fd = pick_fd(offset, out.data(), out.size());
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = retry_eintr([&] {
        return ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      });
      if (n < 0) return sys_error(fmt::format("read {} at byte {}", path_, offset + done), errno);
      if (n == 0)
        return sys_error(fmt::format("read {} at byte {}: unexpected end", path_, offset + done), ENXIO);
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<void> write_at(std::uint64_t offset, std::span<const std::byte> in) override {
    int fd = pick_fd(offset, in.data(), in.size());
    std::size_t done = 0;
    while (done < in.size()) {
      ssize_t n = retry_eintr([&] {
        return ::pwrite(fd, in.data() + done, in.size() - done, static_cast<off_t>(offset + done));
      });
      if (n < 0) return sys_error(fmt::format("write {} at byte {}", path_, offset + done), errno);
      if (n == 0)
        return sys_error(fmt::format("write {} at byte {}: no progress", path_, offset + done), ENOSPC);
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<void> flush() override {
    // fdatasync works per inode, so one call covers writes made through either descriptor.
    if (retry_eintr([&] { return ::fdatasync(buffered_.get()); }) != 0)
      return sys_error("fdatasync " + path_, errno);
    return {};
  }

  Result<void> drop_caches() override {
    WP_RETURN_IF_ERROR(flush());
    if (is_block_) {
      // BLKFLSBUF writes back and invalidates the block device's page cache, so the next
      // buffered read (libblkid's probe) sees the medium, not what was cached before the wipe.
      if (::ioctl(buffered_.get(), BLKFLSBUF, 0) != 0) return sys_error("BLKFLSBUF " + path_, errno);
      return {};
    }
    if (int rc = ::posix_fadvise(buffered_.get(), 0, 0, POSIX_FADV_DONTNEED); rc != 0)
      return sys_error("posix_fadvise " + path_, rc);
    return {};
  }

  const DeviceGeometry& geometry() const override { return geometry_; }
  bool direct_io() const override { return direct_.valid(); }
  std::string describe() const override { return path_; }

  Result<void> check_present() const override {
    if (!is_block_) return {};
    struct stat st {};
    if (::fstat(buffered_.get(), &st) != 0) return sys_error("fstat " + path_, errno);
    std::string node = fmt::format("/sys/dev/block/{}:{}", major(st.st_rdev), minor(st.st_rdev));
    if (::access(node.c_str(), F_OK) != 0)
      return make_error(ErrorKind::sys, fmt::format("{} was removed ({} is gone)", path_, node), ENODEV);
    std::uint64_t now = 0;
    if (::ioctl(buffered_.get(), BLKGETSIZE64, &now) == 0 && now < geometry_.size_bytes)
      return make_error(ErrorKind::sys,
                        fmt::format("{} was removed or shrank: {} bytes now, {} when opened", path_, now,
                                    geometry_.size_bytes),
                        ENODEV);
    return {};
  }

 private:
  // O_DIRECT needs offset, length and buffer aligned to the logical sector; anything else (the
  // odd tail of an image file) goes through the buffered descriptor.
  int pick_fd(std::uint64_t offset, const void* buf, std::size_t len) const {
    if (!direct_.valid()) return buffered_.get();
    std::uint64_t sector = geometry_.logical_sector_size;
    auto addr = reinterpret_cast<std::uintptr_t>(buf);
    if (offset % sector == 0 && len % sector == 0 && addr % sector == 0)
      return direct_.get();
    return buffered_.get();
  }

  std::string path_;
  bool is_block_;
  UniqueFd direct_;
  UniqueFd buffered_;
  DeviceGeometry geometry_;
};

}  // namespace

Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path, OpenMode mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_error("cannot open " + path, errno);
  bool is_block = S_ISBLK(st.st_mode);
  if (!is_block && !S_ISREG(st.st_mode))
    return make_error(ErrorKind::refused, path + ": not a block device or regular file");

  int flags = (mode == OpenMode::read_write ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  // O_EXCL on a block device makes the kernel refuse it (EBUSY) while it is mounted or claimed by
  // dm/md: a last safety belt under the sysfs checks. Only one descriptor may hold the claim.
  int excl = (is_block && mode == OpenMode::read_write) ? O_EXCL : 0;
  UniqueFd buffered(retry_eintr([&] { return ::open(path.c_str(), flags | excl); }));
  if (!buffered.valid()) {
    if (errno == EBUSY) return make_error(ErrorKind::refused, path + ": device is busy (mounted or claimed)");
    return sys_error("cannot open " + path, errno);
  }
  UniqueFd direct(retry_eintr([&] { return ::open(path.c_str(), flags | O_DIRECT); }));
  if (!direct.valid() && errno != EINVAL) return sys_error("cannot open " + path + " with O_DIRECT", errno);

  DeviceGeometry g;
  if (is_block) {
    std::uint64_t size = 0;
    int lss = 0;
    unsigned int pss = 0;
    if (::ioctl(buffered.get(), BLKGETSIZE64, &size) != 0) return sys_error("BLKGETSIZE64 " + path, errno);
    if (::ioctl(buffered.get(), BLKSSZGET, &lss) != 0) return sys_error("BLKSSZGET " + path, errno);
    if (::ioctl(buffered.get(), BLKPBSZGET, &pss) != 0) return sys_error("BLKPBSZGET " + path, errno);
    g.size_bytes = size;
    g.logical_sector_size = static_cast<std::uint32_t>(lss);
    g.physical_sector_size = pss;
  } else {
    g.size_bytes = static_cast<std::uint64_t>(st.st_size);
    g.logical_sector_size = 512;  // what O_DIRECT on ext4/xfs images accepts
    g.physical_sector_size = st.st_blksize >= 4096 ? 4096 : 512;
  }
  if (g.buffer_alignment < g.logical_sector_size) g.buffer_alignment = g.logical_sector_size;
  return std::unique_ptr<BlockDevice>(
      new LinuxBlockDevice(path, is_block, std::move(direct), std::move(buffered), g));
}

bool is_device_gone(const Error& error) {
  return error.kind == ErrorKind::sys && (error.sys_errno == ENODEV || error.sys_errno == ENXIO ||
                                          error.sys_errno == ENOMEDIUM);
}

}  // namespace wipeproof::device
