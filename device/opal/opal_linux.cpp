#include <fcntl.h>
#include <linux/sed-opal.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "device/opal/opal.hpp"

namespace wipeproof::opal {
namespace {

class SedOpalTransport final : public OpalTransport {
 public:
  SedOpalTransport(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Result<void> psid_revert(std::string_view psid) override {
    WP_RETURN_IF_ERROR(validate_psid(psid));
    opal_key key{};
    key.key_len = static_cast<__u8>(psid.size());
    std::memcpy(key.key, psid.data(), psid.size());
    int rc = ::ioctl(fd_.get(), IOC_OPAL_PSID_REVERT_TPR, &key);
    std::memset(&key, 0, sizeof key);
    if (rc < 0) return sys_error("IOC_OPAL_PSID_REVERT_TPR " + path_, errno);
    // > 0: a TCG method status (1 = NOT_AUTHORIZED: wrong PSID).
    if (rc > 0) return make_error(ErrorKind::device_status, fmt::format("Opal PSID revert refused (TCG status {})", rc));
    return {};
  }

 private:
  UniqueFd fd_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<OpalTransport>> open_opal(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return sys_error("cannot open " + path, errno);
  return std::unique_ptr<OpalTransport>(new SedOpalTransport(std::move(fd), path));
}

}  // namespace wipeproof::opal
