#pragma once
// Read-back verification: reads the whole device (or a sample plan's ranges) and compares every
// logical block with what the last pass wrote: a fixed pattern, or the AES-128-CTR stream
// regenerated from the recorded key and IV. A reader thread keeps the device busy while the
// calling thread compares. Counts mismatching blocks and keeps the first LBAs.
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "device/block_device.hpp"
#include "verify/sample_plan.hpp"

namespace wipeproof::verify {

struct VerifyOptions {
  std::size_t block_size = 1 << 20;  ///< bytes per read
  std::size_t buffers = 4;
  std::vector<std::string> search;   ///< operator strings looked for in failing blocks
  /// Resume (journal.hpp): skip the first `first_read` reads of the (deterministic) read list
  /// and carry on the counters of `prior`, the report as of the checkpoint.
  std::size_t first_read = 0;
  std::optional<VerifyReport> prior;
  /// Called about every `checkpoint_interval` with the number of reads done and the report so
  /// far, and once more when every read is done.
  std::function<void(std::size_t reads_done, const VerifyReport& so_far)> checkpoint;
  std::chrono::milliseconds checkpoint_interval{2000};
};

/// Verifies `dev` against `expected`. `plan` is required for VerifyMode::sample and ignored
/// otherwise. Page caches are dropped first. The signature scan is separate (signature_scan.hpp).
VerifyReport verify_device(device::BlockDevice& dev, const PassPattern& expected, VerifyMode mode,
                           const SamplePlan* plan, const VerifyOptions& options, const ProgressCallback& progress,
                           const CancelToken& cancel);

}  // namespace wipeproof::verify
