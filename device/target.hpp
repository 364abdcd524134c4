#pragma once
// A wipe target as the user named it, and the safety gate in front of every destructive open.
// Only authorize_wipe() makes a WipeAuthorization, and only a WipeAuthorization opens a target
// read-write: the refusal rules cannot be skipped by accident.
#include <memory>
#include <optional>
#include <string>

#include "core/records.hpp"
#include "core/result.hpp"
#include "device/block_device.hpp"
#include "device/device_inventory.hpp"

namespace wipeproof::device {

struct Target {
  std::string path;
  bool is_block = false;               ///< false: a regular image file (or a simulated drive)
  bool simulated = false;              ///< a sim: target (device/sim_target.hpp)
  std::optional<BlockDeviceInfo> info; ///< block devices only
  DeviceIdentity identity;
  /// Image files (and a simulated drive's backing file): what uses the file (image_file_users).
  std::vector<std::string> file_users;
};

/// Resolves `path` to a block device or regular file; anything else is refused.
Result<Target> inspect_target(const std::string& path);

/// A station target: `path` resolved (symlinks, "..") to a block device node under /dev, its
/// canonical path returned. Regular files, character devices, directories and anything that
/// resolves outside /dev are refused: a request names a drive, never a file on the machine.
Result<std::string> resolve_block_device(const std::string& path);

/// The word the operator must type to confirm a wipe: the drive's serial, or its kernel name
/// (loop3) when it has none. Empty for image files, which need no confirmation.
std::string confirmation_token(const Target& target);

/// Why this target must not be written (mounted, swap, dm/md member, system disk), or nothing.
Result<void> check_not_in_use(const Target& target);

class WipeAuthorization {
 public:
  const Target& target() const { return target_; }

 private:
  friend Result<WipeAuthorization> authorize_wipe(const Target&, const std::optional<std::string>&);
  explicit WipeAuthorization(Target t) : target_(std::move(t)) {}
  Target target_;
};

/// Runs every refusal rule and checks the confirmation against confirmation_token().
Result<WipeAuthorization> authorize_wipe(const Target& target, const std::optional<std::string>& confirm);

/// Opens the authorised target read-write (the only read-write open outside tests).
Result<std::unique_ptr<BlockDevice>> open_for_wipe(const WipeAuthorization& auth);

}  // namespace wipeproof::device
