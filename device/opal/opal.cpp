#include "device/opal/opal.hpp"

#include <algorithm>
#include <cstdint>

namespace wipeproof::opal {

Result<void> validate_psid(std::string_view psid) {
  if (psid.empty() || psid.size() > kMaxPsidLength ||
      !std::all_of(psid.begin(), psid.end(), [](char c) { return c > 0x20 && c < 0x7F; }))
    return make_error(ErrorKind::usage, "--psid must be 1-32 printable characters (as printed on the drive label)");
  return {};
}

Result<void> SimOpalDrive::psid_revert(std::string_view psid) {
  WP_RETURN_IF_ERROR(validate_psid(psid));
  if (psid != psid_) return make_error(ErrorKind::device_status, "Opal PSID revert refused (TCG status 1)");
  ++reverts_;
  // New media encryption keys: the old ciphertext now reads as noise.
  media_->firmware_erase([](std::span<std::byte> r, std::uint64_t off) { device::fill_noise(r, off, 0xBADC0DE); });
  return {};
}

}  // namespace wipeproof::opal
