#pragma once
// ATA commands as plain register sets, their encoding into a SCSI ATA PASS-THROUGH (16) CDB
// (SAT-4 12.2.2), and the decoding of the registers a drive sends back in sense data. Builders
// are pure: bytes in, bytes out, tested against the layouts in ACS-3/SAT-4.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "device/scsi/scsi_transport.hpp"

namespace wipeproof::ata {

enum class Protocol : std::uint8_t { non_data = 3, pio_in = 4, pio_out = 5 };

struct AtaCommand {
  std::uint8_t command = 0;
  std::uint16_t features = 0;
  std::uint16_t count = 0;
  std::uint64_t lba = 0;           ///< 48 bits
  std::uint8_t device = 0x40;      ///< LBA mode
  Protocol protocol = Protocol::non_data;
  bool extend = false;             ///< 48-bit command
  std::uint32_t timeout_ms = 15000;
};

/// Registers returned by the drive (ATA Status Return descriptor, SAT-4 12.2.2.6).
struct AtaRegisters {
  std::uint8_t status = 0;
  std::uint8_t error = 0;
  std::uint8_t device = 0;
  std::uint16_t count = 0;
  std::uint64_t lba = 0;
};

inline constexpr std::uint8_t kStatusErr = 0x01;
inline constexpr std::uint8_t kStatusDrq = 0x08;
inline constexpr std::uint8_t kErrorAbort = 0x04;

// Opcodes (ACS-3 7.x).
inline constexpr std::uint8_t kIdentifyDevice = 0xEC;
inline constexpr std::uint8_t kSecuritySetPassword = 0xF1;
inline constexpr std::uint8_t kSecurityUnlock = 0xF2;
inline constexpr std::uint8_t kSecurityErasePrepare = 0xF3;
inline constexpr std::uint8_t kSecurityEraseUnit = 0xF4;
inline constexpr std::uint8_t kSecurityFreezeLock = 0xF5;
inline constexpr std::uint8_t kSecurityDisablePassword = 0xF6;
inline constexpr std::uint8_t kSanitizeDevice = 0xB4;
inline constexpr std::uint8_t kReadNativeMaxExt = 0x27;
inline constexpr std::uint8_t kSetMaxExt = 0x37;
inline constexpr std::uint8_t kAccessibleMaxAddress = 0x78;
inline constexpr std::uint8_t kDeviceConfiguration = 0xB1;
inline constexpr std::uint8_t kSmart = 0xB0;

AtaCommand identify_device();
AtaCommand security_set_password();
AtaCommand security_unlock();
AtaCommand security_erase_prepare();
/// ERASE UNIT with a timeout computed by security_erase_timeout_ms().
AtaCommand security_erase_unit(std::uint32_t timeout_ms);
AtaCommand security_disable_password();

/// The 512-byte data block of SET PASSWORD / UNLOCK / ERASE UNIT / DISABLE (ACS-3 7.45-7.50):
/// word 0 bit 0 = master password, bit 1 = enhanced erase; words 1-16 = 32-byte password.
std::array<std::byte, 512> security_data_block(std::string_view password, bool master, bool enhanced);

enum class SanitizeAction : std::uint16_t {
  status = 0x0000,
  crypto_scramble = 0x0011,
  block_erase = 0x0012,
  overwrite = 0x0014,
  freeze_lock = 0x0020,
  antifreeze_lock = 0x0040,
};
// LBA keys (ACS-3 7.36): the drive rejects a sanitize whose LBA does not spell the action.
inline constexpr std::uint64_t kCryptoScrambleKey = 0x43727970;  // "Cryp"
inline constexpr std::uint64_t kBlockEraseKey = 0x426B4572;      // "BkEr"
inline constexpr std::uint64_t kOverwriteKey = 0x00004F57;       // "OW" in LBA 47:32
inline constexpr std::uint64_t kFreezeLockKey = 0x46724C6B;      // "FrLk"
inline constexpr std::uint64_t kAntifreezeKey = 0x416E7469;      // "Anti"

struct SanitizeOptions {
  bool failure_mode = false;       ///< COUNT bit 4: allow exit from the failed state
  std::uint32_t pattern = 0;       ///< OVERWRITE EXT only
  std::uint8_t passes = 1;         ///< OVERWRITE EXT: 1-16 (16 encoded as 0)
  bool invert = false;             ///< OVERWRITE EXT: invert between passes
  bool clear_failed = false;       ///< STATUS EXT: clear the failed state
};
AtaCommand sanitize(SanitizeAction action, const SanitizeOptions& options = {});

struct SanitizeStatus {
  bool completed_ok = false;  ///< COUNT bit 15
  bool in_progress = false;   ///< bit 14
  bool frozen = false;        ///< bit 13
  bool antifreeze = false;    ///< bit 12
  std::uint16_t progress = 0; ///< LBA 15:0, /65536
  std::uint8_t failure_reason = 0;  ///< LBA 7:0 on abort: 1 failed, 2 unsupported, 3 frozen, 4 antifreeze
};
SanitizeStatus decode_sanitize_status(const AtaRegisters& r);

AtaCommand read_native_max_ext();
AtaCommand set_max_ext(std::uint64_t max_lba, bool non_volatile);
AtaCommand amac_get_native_max();
AtaCommand amac_set_accessible_max(std::uint64_t max_lba);
AtaCommand dco_identify();
/// DEVICE CONFIGURATION RESTORE (ACS-2 7.9.4): removes a DCO so the drive reports its factory
/// capacity and features; refused while DCO is frozen or a permanent HPA is set.
AtaCommand dco_restore();
/// SMART RETURN STATUS (ACS-3 7.44.8): LBA 23:8 comes back C24Fh when healthy, 2CF4h when a
/// threshold is exceeded.
AtaCommand smart_return_status();
enum class SmartHealth { good, failing, unknown };
SmartHealth decode_smart_status(const AtaRegisters& r);

/// SAT ATA PASS-THROUGH (16). CK_COND is set only on non-data commands: on AHCI a PIO data-in
/// command with CK_COND fails with sense key 0Bh although the data arrived (erase-commands.md 1.4).
std::array<std::uint8_t, 16> make_ata_pass_through_16(const AtaCommand& cmd);
/// The inverse, for the simulated drive.
AtaCommand parse_ata_pass_through_16(std::span<const std::uint8_t> cdb);

/// Registers from descriptor sense (0x72, descriptor 09h). Fixed-format sense (0x70) carries no
/// reliable register layout on Linux 6.1 (erase-commands.md 1.3): only its sense key is used.
struct AtaReturn {
  bool registers_valid = false;
  AtaRegisters registers;
  bool failed = false;  ///< ERR bit, or sense key ABORTED COMMAND, or a transport error
  std::string why;
};
AtaReturn decode_ata_return(const device::ScsiResult& result);

/// Builds the CDB, sends it and decodes the answer, failed or not (SANITIZE STATUS EXT reports a
/// failed sanitize with ERR set and the reason in the registers).
Result<AtaReturn> ata_send(device::ScsiTransport& transport, const AtaCommand& cmd, std::span<std::byte> data);

/// Builds the CDB, sends it, decodes the answer. A failed command is ErrorKind::device_status.
Result<AtaRegisters> ata_execute(device::ScsiTransport& transport, const AtaCommand& cmd, std::span<std::byte> data);

}  // namespace wipeproof::ata
