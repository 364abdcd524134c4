#pragma once
// TCG Opal PSID revert: crypto erase of every locking range plus a factory reset of the Opal
// state, authorised by the PSID printed on the drive's label. On Linux the kernel's sed-opal
// layer runs the TCG session (IOC_OPAL_PSID_REVERT_TPR, CONFIG_BLK_SED_OPAL=y in Debian's
// kernel); SATA drives also need libata.allow_tpm=1. Tests use the simulated drive.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "device/sim_media.hpp"

namespace wipeproof::opal {

inline constexpr std::size_t kMaxPsidLength = 32;

class OpalTransport {
 public:
  virtual ~OpalTransport() = default;
  /// Reverts the TPer with the PSID. A refused PSID is ErrorKind::device_status.
  virtual Result<void> psid_revert(std::string_view psid) = 0;
};

/// Checks a PSID before it is sent: 1-32 printable ASCII characters.
Result<void> validate_psid(std::string_view psid);

Result<std::unique_ptr<OpalTransport>> open_opal(const std::string& path);

class SimOpalDrive final : public OpalTransport {
 public:
  SimOpalDrive(std::string psid, device::SimMedia* media) : psid_(std::move(psid)), media_(media) {}
  Result<void> psid_revert(std::string_view psid) override;
  int reverts() const { return reverts_; }

 private:
  std::string psid_;
  device::SimMedia* media_;
  int reverts_ = 0;
};

}  // namespace wipeproof::opal
