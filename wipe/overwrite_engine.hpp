#pragma once
// The overwrite engine: writes a pass over the whole device in large aligned blocks, generating
// the next blocks on a second thread while the current one is written, checking every write and
// the final fdatasync. A failing block is retried sector by sector so the record names the exact
// LBAs that could not be written; the pass goes on past them (nwipe #550: don't give up a drive
// for a few bad sectors, but never hide them).
#include <cstddef>
#include <vector>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "device/block_device.hpp"

namespace wipeproof::wipe {

struct OverwriteOptions {
  std::size_t block_size = 1 << 20;  ///< bytes per write; a multiple of the logical sector size
  std::size_t buffers = 4;           ///< blocks in flight between generator and writer
  std::size_t max_fault_ranges = 256; ///< keep at most this many distinct failed ranges per pass
};

/// Checks the options against the device (block size aligned, device at least one block).
Result<void> validate_overwrite(const device::DeviceGeometry& geometry, const OverwriteOptions& options);

/// Writes `pattern` over the whole device. Never throws; every failure is in the record.
PassRecord run_pass(device::BlockDevice& dev, const PassPattern& pattern, int index, int count,
                    const OverwriteOptions& options, const ProgressCallback& progress,
                    const CancelToken& cancel);

/// Runs the passes in order; stops after a pass that was interrupted or aborted (the device
/// vanished), recording the rest as skipped.
std::vector<PassRecord> run_overwrite(device::BlockDevice& dev, const std::vector<PassPattern>& passes,
                                      const OverwriteOptions& options, const ProgressCallback& progress,
                                      const CancelToken& cancel);

}  // namespace wipeproof::wipe
