#pragma once
// NVMe admin commands as the kernel's 72-byte passthru structure (linux/nvme_ioctl.h), pure
// builders for Identify, Format NVM, Sanitize and Get Log Page, and parsers for what comes back
// (NVMe 2.0 Base 5.x). NvmeTransport carries them; nothing here does I/O.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.hpp"

namespace wipeproof::nvme {

/// Byte-compatible with struct nvme_passthru_cmd (= nvme_admin_cmd).
struct NvmeCommand {
  std::uint8_t opcode = 0;
  std::uint8_t flags = 0;
  std::uint16_t rsvd1 = 0;
  std::uint32_t nsid = 0;
  std::uint32_t cdw2 = 0, cdw3 = 0;
  std::uint64_t metadata = 0;
  std::uint64_t addr = 0;
  std::uint32_t metadata_len = 0;
  std::uint32_t data_len = 0;
  std::uint32_t cdw10 = 0, cdw11 = 0, cdw12 = 0, cdw13 = 0, cdw14 = 0, cdw15 = 0;
  std::uint32_t timeout_ms = 0;
  std::uint32_t result = 0;
};
static_assert(sizeof(NvmeCommand) == 72, "must match struct nvme_passthru_cmd");

inline constexpr std::uint8_t kOpGetLogPage = 0x02;
inline constexpr std::uint8_t kOpIdentify = 0x06;
inline constexpr std::uint8_t kOpFormatNvm = 0x80;
inline constexpr std::uint8_t kOpSanitize = 0x84;
inline constexpr std::uint32_t kAllNamespaces = 0xFFFFFFFF;

NvmeCommand identify_controller();
NvmeCommand identify_namespace(std::uint32_t nsid);

enum class SecureErase : std::uint8_t { none = 0, user_data = 1, crypto = 2 };
/// Format NVM (5.23): cdw10 LBAF[3:0], MSET[4], PI[7:5], PIL[8], SES[11:9], LBAFU[13:12].
NvmeCommand format_nvm(std::uint32_t nsid, std::uint8_t lbaf, SecureErase ses, std::uint32_t timeout_ms);

enum class SanitizeAction : std::uint8_t {
  exit_failure = 1,
  block_erase = 2,
  overwrite = 3,
  crypto_erase = 4,
  exit_media_verification = 5,  ///< NVMe 2.1: leave the Media Verification state
};
struct SanitizeParams {
  bool ause = false;            ///< allow unrestricted sanitize exit
  std::uint8_t owpass = 1;      ///< overwrite passes 1-16 (16 encoded 0)
  bool oipbp = false;           ///< invert pattern between passes
  bool no_dealloc = false;      ///< NDAS
  std::uint32_t pattern = 0;    ///< OVRPAT (cdw11)
  /// EMVS: after the erase, stay in the Media Verification state, where reads return what the
  /// media holds instead of the deallocated-block answer (NVMe 2.1, 8.1.24.4).
  bool enter_media_verification = false;
};
/// Identify Controller SANICAP bit 3 (VERS, NVMe 2.1): media verification supported.
inline constexpr std::uint32_t kSanicapVerificationSupport = 1u << 3;
/// Sanitize (5.24): controller-wide; cdw10 SANACT[2:0], AUSE[3], OWPASS[7:4], OIPBP[8], NDAS[9],
/// EMVS[10].
NvmeCommand sanitize(SanitizeAction action, const SanitizeParams& params = {});
/// Get Log Page: cdw10 = LID | NUMDL << 16 (dword count - 1).
NvmeCommand get_log_page(std::uint8_t lid, std::uint32_t bytes, std::uint32_t nsid = kAllNamespaces);
inline constexpr std::uint8_t kLogSmart = 0x02;
inline constexpr std::uint8_t kLogSanitize = 0x81;

struct IdController {
  std::string serial, model, firmware;
  std::uint16_t oacs = 0;
  std::uint32_t sanicap = 0;
  std::uint8_t fna = 0;
  bool format_supported() const { return oacs & 0x0002; }
  bool sanitize_crypto() const { return sanicap & 0x1; }
  bool sanitize_block() const { return sanicap & 0x2; }
  bool sanitize_overwrite() const { return sanicap & 0x4; }
  bool media_verification() const { return sanicap & kSanicapVerificationSupport; }
  bool format_crypto_erase() const { return fna & 0x4; }   ///< FNA bit 2
  bool format_all_namespaces() const { return fna & 0x1; } ///< FNA bit 0
};
IdController parse_id_controller(std::span<const std::byte> data);  ///< 4096 bytes

struct IdNamespace {
  std::uint64_t nsze = 0;
  std::uint8_t lbaf_in_use = 0;
  std::uint32_t lba_size = 512;
  std::uint8_t dlfeat = 0;
};
IdNamespace parse_id_namespace(std::span<const std::byte> data);

struct SanitizeLog {
  std::uint16_t sprog = 0;     ///< /65536
  std::uint16_t sstat = 0;     ///< bits 2:0: 0 never, 1 ok, 2 in progress, 3 failed, 4 ok without dealloc
  std::uint32_t scdw10 = 0;
  std::uint8_t state() const { return sstat & 0x7; }
};
static_assert(sizeof(std::uint16_t) * 2 + sizeof(std::uint32_t) == 8);
SanitizeLog parse_sanitize_log(std::span<const std::byte> data);  ///< 512 bytes

struct SmartLog {
  std::uint8_t critical_warning = 0;
  std::uint8_t available_spare = 100;  ///< percent of spare capacity left; < 100: blocks retired
  std::uint8_t percent_used = 0;
  std::uint16_t temperature_k = 0;
};
SmartLog parse_smart_log(std::span<const std::byte> data);

/// NVMe status as returned by the ioctl: SC | SCT << 8 | MORE 0x2000 | DNR 0x4000.
struct NvmeCompletion {
  std::uint16_t status = 0;
  std::uint32_t result = 0;
  bool ok() const { return (status & 0x7FF) == 0; }
};
std::string status_text(std::uint16_t status);

class NvmeTransport {
 public:
  virtual ~NvmeTransport() = default;
  /// Sends an admin command; `data` is the buffer it reads or fills. A failed ioctl is a sys
  /// error; any NVMe status, good or bad, is a completion.
  virtual Result<NvmeCompletion> admin(NvmeCommand cmd, std::span<std::byte> data) = 0;
};

/// NVME_IOCTL_ADMIN_CMD on the controller (/dev/nvme0) or a namespace node (/dev/nvme0n1).
Result<std::unique_ptr<NvmeTransport>> open_nvme_transport(const std::string& path);

}  // namespace wipeproof::nvme
