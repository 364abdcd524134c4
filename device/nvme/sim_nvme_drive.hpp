#pragma once
// A simulated NVMe controller with one namespace: it decodes the same command dwords the ioctl
// path sends (Identify, Format NVM, Sanitize, Get Log Page 02h/81h) and implements the
// SANICAP/FNA capability checks and the background sanitize with its status log.
#include <vector>

#include "device/sim_media.hpp"

#include "device/nvme/nvme_command.hpp"

namespace wipeproof::nvme {

class SimNvmeDrive final : public NvmeTransport {
 public:
  SimNvmeDrive(IdController caps, std::uint64_t blocks, std::uint32_t lba_size = 512);
  Result<NvmeCompletion> admin(NvmeCommand cmd, std::span<std::byte> data) override;

  void set_sanitize_polls(int polls) { polls_ = polls; }
  void fail_next_sanitize() { fail_ = true; }
  void ignore_ses() { ignore_ses_ = true; }  ///< QEMU 7.2: zeroes whatever SES says
  void set_available_spare(std::uint8_t percent) { available_spare_ = percent; }  ///< retired blocks
  std::vector<std::byte>& media() { return media_.raw(); }
  bool in_media_verification() const { return verifying_; }
  device::SimMedia& sim_media() { return media_; }
  const std::vector<NvmeCommand>& commands() const { return commands_; }

 private:
  IdController caps_;
  std::uint64_t blocks_;
  std::uint32_t lba_size_;
  device::SimMedia media_;
  int polls_ = 3, polls_left_ = 0;
  bool fail_ = false, ignore_ses_ = false;
  bool verifying_ = false;
  std::uint8_t available_spare_ = 100;  ///< in the Media Verification state (EMVS)
  std::uint16_t sstat_ = 0;  ///< 0 never sanitized
  SanitizeAction pending_ = SanitizeAction::block_erase;
  std::uint32_t pattern_ = 0, scdw10_ = 0;
  std::vector<NvmeCommand> commands_;
};

}  // namespace wipeproof::nvme
