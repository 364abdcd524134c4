#pragma once
// Simulated drives named on the command line, so anyone can rehearse an erase (and a lying
// drive) end to end without hardware (docs/testing.md):
//   sim:ata-ssd|ata-hdd|nvme|scsi?size=SIZE&backing=FILE&serial=S&lie=MODE&caps=-x,-y&fault=bad:A-B
// Only when WIPEPROOF_ALLOW_SIM=1; the boot image never sets it, and a station passes it to its
// jobs only when it was started with it (tests).
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "device/ata/sim_ata_drive.hpp"
#include "device/nvme/sim_nvme_drive.hpp"
#include "device/scsi/scsi_command.hpp"
#include "device/sim_block_device.hpp"
#include "device/target.hpp"

namespace wipeproof::device {

enum class SimKind { ata_ssd, ata_hdd, nvme, scsi };
const char* sim_kind_name(SimKind kind);

struct SimTargetSpec {
  SimKind kind = SimKind::ata_ssd;
  std::uint64_t size_bytes = 0;       ///< 0: the backing file's size, or 64 MiB
  std::string backing;                ///< file holding the media; "" = in memory only
  std::string serial;
  SimLies lies;
  std::set<std::string> removed_caps; ///< from caps=-x
  /// Media faults (fault=bad:A-B = both, fault=write:A-B, fault=read:A-B; repeatable): those LBAs
  /// fail with EIO through the block path, like a drive with unwritable (unreadable) sectors.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> write_faults, read_faults;
  /// fault=vanish:SIZE: after SIZE bytes were written the drive is gone (ENODEV on every call),
  /// like a pulled cable or a drive that dies mid-wipe.
  std::uint64_t vanish_after = 0;
  /// hpa=N (ATA kinds): the accessible maximum is N sectors below the native one, as a host
  /// protected area leaves it; those sectors hold data the host cannot reach until it is restored.
  std::uint64_t hpa_sectors = 0;
};

inline constexpr std::uint64_t kSimDefaultSize = 64ull << 20;
inline constexpr std::uint64_t kSimMaxSize = 4ull << 30;  ///< the media lives in memory

bool is_sim_target(std::string_view text);
/// Refused unless WIPEPROOF_ALLOW_SIM=1: a rehearsal tool must never be mistaken for a drive.
Result<void> sim_targets_allowed();
/// Parses a sim: target string (pure; no files touched).
Result<SimTargetSpec> parse_sim_target(std::string_view text);

/// A simulated drive with its media loaded from (and saved back to) the backing file. Lie state
/// that outlives a run (deallocated ranges, remapped blocks) goes to FILE.sim.json beside it.
class SimulatedDrive {
 public:
  static Result<std::unique_ptr<SimulatedDrive>> open(const std::string& text);

  const SimTargetSpec& spec() const { return spec_; }
  /// Target for the safety gate and the record: path is the sim: string, confirmation = serial.
  Target target() const;
  SimMedia& media() { return *media_; }
  /// The host's block view (visible sectors only), read-only use.
  std::unique_ptr<BlockDevice> block_device();
  /// The same view for writing: only with the safety gate's authorization for this drive.
  Result<std::unique_ptr<BlockDevice>> open_for_wipe(const WipeAuthorization& auth);
  ScsiTransport* scsi_path();            ///< ATA (through SAT) or SCSI drives
  nvme::NvmeTransport* nvme_path();
  /// The host-visible content as a memory file, for libblkid ("/proc/self/fd/N").
  Result<UniqueFd> host_view();
  /// Writes the media and lie state back (atomically); no-op without a backing file.
  Result<void> save();

 private:
  SimulatedDrive() = default;
  Result<void> load_state();

  SimTargetSpec spec_;
  std::string text_;
  std::unique_ptr<ata::SimAtaDrive> ata_;
  std::unique_ptr<nvme::SimNvmeDrive> nvme_;
  std::unique_ptr<scsi::SimScsiDrive> scsi_;
  SimMedia* media_ = nullptr;
  std::uint64_t media_bytes_ = 0;   ///< the whole media (the backing file)
  /// What the host sees: an ATA drive's accessible maximum (below an HPA), else the media.
  std::uint64_t host_bytes() const;
};

}  // namespace wipeproof::device
