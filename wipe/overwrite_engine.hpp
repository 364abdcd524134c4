#pragma once
// The overwrite engine: writes a pass over the whole device in large aligned blocks, generating
// the next blocks on a second thread while the current one is written, checking every write and
// the final fdatasync. A failing block is retried sector by sector so the record names the exact
// LBAs that could not be written; the pass goes on past them (nwipe #550: don't give up a drive
// for a few bad sectors, but never hide them).
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "device/block_device.hpp"

namespace wipeproof::wipe {

struct OverwriteOptions {
  std::size_t block_size = 1 << 20;  ///< bytes per write; a multiple of the logical sector size
  std::size_t buffers = 4;           ///< blocks in flight between generator and writer
  std::size_t max_fault_ranges = 256; ///< keep at most this many distinct failed ranges per pass
  /// How often a running pass flushes the device and reports a checkpoint (journal.hpp): the
  /// most work an interruption can cost is about two of these.
  std::chrono::milliseconds checkpoint_interval{2000};
};

/// Where a pass starts: at 0 with a fresh record, or (resume) at a checkpointed offset with the
/// record as it was at that checkpoint, so errors and byte counts carry on.
struct PassStart {
  std::uint64_t offset = 0;
  std::optional<PassRecord> prior;
};

/// Called after the device confirmed (flush) that every byte below `durable_offset` of the pass
/// is on the media; `so_far` is the pass record at that moment. The journal writes it down.
using PassCheckpoint = std::function<void(const PassRecord& so_far, std::uint64_t durable_offset)>;

/// What run_overwrite tells its caller as it goes (all optional).
struct OverwriteHooks {
  PassCheckpoint checkpoint;
  std::function<void(const PassRecord&)> pass_finished;  ///< each pass's final record, in order
};

/// A resumed overwrite: the passes already complete, and where the running one restarts.
struct OverwriteResume {
  std::vector<PassRecord> completed;
  PassStart current;
};

/// Checks the options against the device (block size aligned, device at least one block).
Result<void> validate_overwrite(const device::DeviceGeometry& geometry, const OverwriteOptions& options);

/// Writes `pattern` over the whole device. Never throws; every failure is in the record.
/// `start` resumes part-way (the bytes written are those an uninterrupted pass writes there);
/// `checkpoint` is called every options.checkpoint_interval with a flushed offset.
PassRecord run_pass(device::BlockDevice& dev, const PassPattern& pattern, int index, int count,
                    const OverwriteOptions& options, const ProgressCallback& progress,
                    const CancelToken& cancel, const PassStart& start = {}, const PassCheckpoint& checkpoint = {});

/// Runs the passes in order; stops after a pass that was interrupted or aborted (the device
/// vanished), recording the rest as skipped. With `resume`, the completed passes are taken as
/// they are and writing starts at resume->current.
std::vector<PassRecord> run_overwrite(device::BlockDevice& dev, const std::vector<PassPattern>& passes,
                                      const OverwriteOptions& options, const ProgressCallback& progress,
                                      const CancelToken& cancel, const OverwriteResume* resume = nullptr,
                                      const OverwriteHooks& hooks = {});

}  // namespace wipeproof::wipe
