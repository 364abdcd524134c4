#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "core/unique_fd.hpp"
#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::device {
namespace {

class SgIoTransport final : public ScsiTransport {
 public:
  SgIoTransport(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  Result<ScsiResult> execute(std::span<const std::uint8_t> cdb, std::span<std::byte> data, DataDirection dir,
                             std::uint32_t timeout_ms) override {
    ScsiResult out;
    out.sense.assign(64, 0);
    sg_io_hdr_t h{};
    h.interface_id = 'S';
    h.cmd_len = static_cast<unsigned char>(cdb.size());
    h.cmdp = const_cast<unsigned char*>(cdb.data());
    h.dxfer_direction = dir == DataDirection::none ? SG_DXFER_NONE
                        : dir == DataDirection::to_device ? SG_DXFER_TO_DEV
                                                          : SG_DXFER_FROM_DEV;
    h.dxferp = dir == DataDirection::none ? nullptr : data.data();
    h.dxfer_len = dir == DataDirection::none ? 0 : static_cast<unsigned>(data.size());
    h.sbp = out.sense.data();
    h.mx_sb_len = static_cast<unsigned char>(out.sense.size());
    // 0 would mean the block layer's 60 s default: erase commands always pass their own.
    h.timeout = timeout_ms == 0 ? 60000 : timeout_ms;
    if (::ioctl(fd_.get(), SG_IO, &h) != 0) return sys_error("SG_IO " + path_, errno);
    out.status = h.status;
    out.host_status = h.host_status;
    out.driver_status = h.driver_status;
    out.sense.resize(h.sb_len_wr);
    return out;
  }

 private:
  UniqueFd fd_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<ScsiTransport>> open_scsi_transport(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return sys_error("cannot open " + path, errno);
  return std::unique_ptr<ScsiTransport>(new SgIoTransport(std::move(fd), path));
}

}  // namespace wipeproof::device
