#pragma once
// Canary blocks: before a firmware erase, noise from a secret key is written through the normal
// write path at seeded LBAs spread over the whole device (the first and last block included);
// after the erase every canary must be gone. A drive that reports success but erased nothing,
// or skipped a range, or only pretends (zeros on read while the media keeps the data, caught
// when the media can be read: NVMe media verification), still shows them. The key is never
// recorded: a drive cannot have learnt the content in advance.
#include <cstdint>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"
#include "device/block_device.hpp"

namespace wipeproof::verify {

inline constexpr std::size_t kCanaryStrata = 64;

struct CanaryPlan {
  std::vector<std::uint64_t> lbas;  ///< sorted, distinct
  std::vector<std::byte> key;       ///< 16 bytes, secret (not in the record)
  std::vector<std::byte> iv;        ///< 16 bytes
};

/// First block, last block, and one random block in each of kCanaryStrata equal strata.
Result<CanaryPlan> make_canary_plan(std::uint64_t total_blocks);

/// The canary content of one block (AES-128-CTR keystream at the block's byte offset).
Result<void> canary_content(const CanaryPlan& plan, std::uint64_t lba, std::span<std::byte> out);

/// Writes every canary and flushes; the kernel's cache is dropped so the erase sees them.
Result<void> write_canaries(device::BlockDevice& dev, const CanaryPlan& plan);

struct CanaryCheck {
  std::vector<std::uint64_t> surviving;   ///< LBAs that still hold their canary
  std::vector<std::uint64_t> unreadable;  ///< LBAs that could not be read
};

/// Reads every canary back (page cache dropped first).
CanaryCheck check_canaries(device::BlockDevice& dev, const CanaryPlan& plan);

}  // namespace wipeproof::verify
