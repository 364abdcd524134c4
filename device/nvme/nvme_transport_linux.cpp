#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "core/unique_fd.hpp"
#include "device/nvme/nvme_command.hpp"

namespace wipeproof::nvme {
namespace {

static_assert(sizeof(nvme_passthru_cmd) == sizeof(NvmeCommand));

class IoctlNvmeTransport final : public NvmeTransport {
 public:
  IoctlNvmeTransport(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  Result<NvmeCompletion> admin(NvmeCommand cmd, std::span<std::byte> data) override {
    cmd.addr = reinterpret_cast<std::uintptr_t>(data.data());
    cmd.data_len = static_cast<std::uint32_t>(data.size());
    nvme_passthru_cmd raw{};
    std::memcpy(&raw, &cmd, sizeof raw);
    int rc = ::ioctl(fd_.get(), NVME_IOCTL_ADMIN_CMD, &raw);
    // < 0: errno (transport, permission); > 0: the NVMe status field (errno and device status
    // stay distinct error kinds).
    if (rc < 0) return sys_error("NVME_IOCTL_ADMIN_CMD " + path_, errno);
    return NvmeCompletion{static_cast<std::uint16_t>(rc), raw.result};
  }

 private:
  UniqueFd fd_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<NvmeTransport>> open_nvme_transport(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return sys_error("cannot open " + path, errno);
  return std::unique_ptr<NvmeTransport>(new IoctlNvmeTransport(std::move(fd), path));
}

}  // namespace wipeproof::nvme
