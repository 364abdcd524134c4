#include "device/target.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace wipeproof::device {

Result<Target> inspect_target(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_error("cannot open " + path, errno);
  Target t;
  t.path = path;
  if (S_ISBLK(st.st_mode)) {
    WP_ASSIGN_OR_RETURN(auto info, inspect_block_device(path));
    t.is_block = true;
    t.identity = identity_from(info);
    t.info = std::move(info);
    return t;
  }
  if (!S_ISREG(st.st_mode))
    return make_error(ErrorKind::refused, path + ": not a block device or regular file");
  t.identity.path = path;
  t.identity.kind = "image";
  t.identity.model = "image file";
  t.identity.transport = "image";
  t.identity.size_bytes = static_cast<std::uint64_t>(st.st_size);
  t.file_users = image_file_users(path);
  return t;
}

Result<std::string> resolve_block_device(const std::string& path) {
  if (path.empty()) return make_error(ErrorKind::usage, "device is empty");
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return make_error(ErrorKind::refused, fmt::format("{}: not a block device ({})", path, std::strerror(errno)));
  std::string canonical(real);
  std::free(real);
  struct stat st {};
  if (canonical.rfind("/dev/", 0) != 0 || ::stat(canonical.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
    return make_error(ErrorKind::refused,
                      fmt::format("{}: not a block device under /dev (resolves to {})", path, canonical));
  return canonical;
}

std::string confirmation_token(const Target& target) {
  // A simulated drive is confirmed like a real one, so a rehearsal rehearses that step too.
  if (target.simulated) return target.identity.serial;
  if (!target.is_block) return {};
  return target.info->serial.empty() ? target.info->name : target.info->serial;
}

Result<void> check_not_in_use(const Target& target) {
  // An image file behind a loop device is somebody's disk, mounted or not; swap on it or a
  // writer elsewhere would see its data change underneath.
  if (!target.file_users.empty())
    return make_error(ErrorKind::refused, fmt::format("{}: in use: {}", target.path, target.file_users.front()));
  if (!target.is_block) return {};
  const BlockDeviceInfo& i = *target.info;
  if (i.usage.system)
    return make_error(ErrorKind::refused, fmt::format("{}: holds the running system (/ or /boot)", target.path));
  if (!i.usage.mountpoints.empty())
    return make_error(ErrorKind::refused, fmt::format("{}: mounted on {}", target.path, i.usage.mountpoints.front()));
  if (!i.usage.swap.empty())
    return make_error(ErrorKind::refused, fmt::format("{}: {} is active swap", target.path, i.usage.swap.front()));
  if (!i.usage.holders.empty())
    return make_error(ErrorKind::refused,
                      fmt::format("{}: in use by {} (dm/md/LVM member)", target.path, i.usage.holders.front()));
  if (i.read_only) return make_error(ErrorKind::refused, target.path + ": device is read-only");
  return {};
}

Result<WipeAuthorization> authorize_wipe(const Target& target, const std::optional<std::string>& confirm) {
  WP_RETURN_IF_ERROR(check_not_in_use(target));
  std::string token = confirmation_token(target);
  if (!token.empty()) {
    if (!confirm)
      return make_error(ErrorKind::refused,
                        fmt::format("{}: confirmation required: pass --confirm {}", target.path, token));
    if (*confirm != token)
      return make_error(ErrorKind::refused, fmt::format("{}: confirmation '{}' does not match the drive ({})",
                                                        target.path, *confirm, token));
  }
  return WipeAuthorization(target);
}

Result<std::unique_ptr<BlockDevice>> open_for_wipe(const WipeAuthorization& auth) {
  if (auth.target().simulated)
    return make_error(ErrorKind::usage, auth.target().path + ": a simulated drive is opened by SimulatedDrive::open_for_wipe");
  // Re-check right before opening: a mount may have appeared since the user confirmed.
  WP_ASSIGN_OR_RETURN(Target fresh, inspect_target(auth.target().path));
  WP_RETURN_IF_ERROR(check_not_in_use(fresh));
  return open_block_device(auth.target().path, OpenMode::read_write);
}

}  // namespace wipeproof::device
