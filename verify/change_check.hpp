#pragma once
// Verification for methods without a known post-state (crypto erase, block erase, vendor-defined
// security erase): NIST SP 800-88 Rev. 1 §4.7 / App. D ask to read pseudo-random locations before
// and after and require every one to have changed. A block that reads back uniform (all 0x00 or
// all 0xFF) holds no data and also passes; an unchanged, non-uniform block is residue.
#include <array>
#include <cstdint>
#include <vector>

#include "core/progress.hpp"
#include "core/records.hpp"
#include "device/block_device.hpp"
#include "verify/sample_plan.hpp"

namespace wipeproof::verify {

struct BlockSnapshot {
  std::vector<std::uint64_t> lbas;
  std::vector<std::array<unsigned char, 32>> digests;  ///< SHA-256 of each block
};

/// A plan small enough to snapshot (at most ~100k blocks), from `seed`.
Result<SamplePlan> make_change_plan(std::uint64_t total_blocks, std::uint32_t block_size, std::span<const std::byte> seed);

Result<BlockSnapshot> snapshot_blocks(device::BlockDevice& dev, const SamplePlan& plan);

/// Re-reads the snapshot's blocks; mismatched_blocks counts unchanged non-uniform ones.
VerifyReport verify_changed(device::BlockDevice& dev, const SamplePlan& plan, const BlockSnapshot& before,
                            const CancelToken& cancel);

}  // namespace wipeproof::verify
