#include "device/nvme/sim_nvme_drive.hpp"

#include <array>

#include <algorithm>
#include <cstring>

namespace wipeproof::nvme {
namespace {

constexpr std::uint16_t kInvalidOpcode = 0x4001, kInvalidField = 0x4002, kSanitizeInProgress = 0x001D;

void put(std::span<std::byte> d, std::size_t o, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) d[o + static_cast<std::size_t>(i)] = static_cast<std::byte>(v >> (8 * i));
}
void put_text(std::span<std::byte> d, std::size_t o, std::size_t n, const std::string& s) {
  for (std::size_t i = 0; i < n; ++i) d[o + i] = static_cast<std::byte>(i < s.size() ? s[i] : ' ');
}

}  // namespace

SimNvmeDrive::SimNvmeDrive(IdController caps, std::uint64_t blocks, std::uint32_t lba_size)
    : caps_(std::move(caps)), blocks_(blocks), lba_size_(lba_size), media_(blocks * lba_size, lba_size, std::byte{0xA5}) {}

Result<NvmeCompletion> SimNvmeDrive::admin(NvmeCommand cmd, std::span<std::byte> data) {
  commands_.push_back(cmd);
  bool sanitizing = (sstat_ & 7) == 2;
  switch (cmd.opcode) {
    case kOpIdentify: {
      if (data.size() < 4096) return NvmeCompletion{kInvalidField, 0};
      std::fill(data.begin(), data.begin() + 4096, std::byte{0});
      if ((cmd.cdw10 & 0xFF) == 1) {
        put_text(data, 4, 20, caps_.serial);
        put_text(data, 24, 40, caps_.model);
        put_text(data, 64, 8, caps_.firmware);
        put(data, 256, caps_.oacs, 2);
        put(data, 328, caps_.sanicap, 4);
        put(data, 524, caps_.fna, 1);
      } else {
        put(data, 0, blocks_, 8);
        put(data, 8, blocks_, 8);
        data[33] = std::byte{1};  // DLFEAT: deallocated blocks read zeroes
        unsigned ds = 0;
        while ((1u << ds) < lba_size_) ++ds;
        data[128 + 2] = static_cast<std::byte>(ds);
      }
      return NvmeCompletion{0, 0};
    }
    case kOpFormatNvm: {
      if (!caps_.format_supported()) return NvmeCompletion{kInvalidOpcode, 0};
      if (sanitizing) return NvmeCompletion{kSanitizeInProgress, 0};
      unsigned ses = (cmd.cdw10 >> 9) & 0x7;
      if (ses > 2 || (ses == 2 && !caps_.format_crypto_erase() && !ignore_ses_)) return NvmeCompletion{kInvalidField, 0};
      if (ses == 2) {
        media_.firmware_erase([](std::span<std::byte> r, std::uint64_t off) { device::fill_noise(r, off, 0xF0A7); });
      } else {
        media_.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
      }
      return NvmeCompletion{0, 0};
    }
    case kOpSanitize: {
      auto action = static_cast<SanitizeAction>(cmd.cdw10 & 0x7);
      if (caps_.sanicap == 0) return NvmeCompletion{kInvalidOpcode, 0};
      if (sanitizing) return NvmeCompletion{kSanitizeInProgress, 0};
      bool ok = (action == SanitizeAction::crypto_erase && caps_.sanitize_crypto()) ||
                (action == SanitizeAction::block_erase && caps_.sanitize_block()) ||
                (action == SanitizeAction::overwrite && caps_.sanitize_overwrite()) ||
                (action == SanitizeAction::exit_failure && (sstat_ & 7) == 3) ||
                (action == SanitizeAction::exit_media_verification && verifying_);
      bool emvs = cmd.cdw10 & (1u << 10);
      if (!ok || (emvs && !caps_.media_verification())) return NvmeCompletion{kInvalidField, 0};
      if (action == SanitizeAction::exit_failure) {
        sstat_ = 0;
        return NvmeCompletion{0, 0};
      }
      if (action == SanitizeAction::exit_media_verification) {
        // Leaving the Media Verification state: reads give the deallocated answer again.
        verifying_ = false;
        media_.set_media_verification(false);
        return NvmeCompletion{0, 0};
      }
      pending_ = action;
      pattern_ = cmd.cdw11;
      scdw10_ = cmd.cdw10;
      polls_left_ = polls_;
      sstat_ = 2;
      return NvmeCompletion{0, 0};
    }
    case kOpGetLogPage: {
      std::uint8_t lid = cmd.cdw10 & 0xFF;
      std::fill(data.begin(), data.end(), std::byte{0});
      if (lid == kLogSanitize) {
        if (caps_.sanicap == 0) return NvmeCompletion{kInvalidField, 0};
        std::uint16_t sprog = 0xFFFF;
        if ((sstat_ & 7) == 2) {
          if (--polls_left_ <= 0) {
            if (fail_) {
              fail_ = false;
              sstat_ = 3;
            } else {
              sstat_ = (scdw10_ & (1u << 9)) ? 4 : 1;
              if (pending_ == SanitizeAction::overwrite) {
                // OVRPAT is a dword written little-endian (NVMe 2.0 5.24, cdw11).
                std::array<std::byte, 4> pat{};
                for (int i = 0; i < 4; ++i) pat[i] = static_cast<std::byte>(pattern_ >> (8 * i));
                media_.firmware_erase([&](std::span<std::byte> r, std::uint64_t off) { device::fill_pattern(r, off, pat); });
              } else if (pending_ == SanitizeAction::crypto_erase) {
                media_.firmware_erase([](std::span<std::byte> r, std::uint64_t off) { device::fill_noise(r, off, 0xC0FFEE); });
              } else {
                media_.firmware_erase([](std::span<std::byte> r, std::uint64_t) { std::fill(r.begin(), r.end(), std::byte{0}); });
              }
              sstat_ |= 1u << 8;  // Global Data Erased
              if (scdw10_ & (1u << 10)) {
                verifying_ = true;  // EMVS: the host may now read the media itself
                media_.set_media_verification(true);
              }
            }
          } else {
            sprog = static_cast<std::uint16_t>((polls_ - polls_left_) * 65536 / (polls_ + 1));
          }
        }
        put(data, 0, (sstat_ & 7) == 2 ? sprog : 0xFFFF, 2);
        put(data, 2, sstat_, 2);
        put(data, 4, scdw10_, 4);
        return NvmeCompletion{0, 0};
      }
      if (lid == kLogSmart) {
        put(data, 1, 310, 2);  // 37 C
        put(data, 3, available_spare_, 1);
        put(data, 4, 10, 1);  // available spare threshold
        return NvmeCompletion{0, 0};
      }
      return NvmeCompletion{kInvalidField, 0};
    }
    default:
      return NvmeCompletion{kInvalidOpcode, 0};
  }
}

}  // namespace wipeproof::nvme
