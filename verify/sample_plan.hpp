#pragma once
// NIST SP 800-88 Rev. 1 §4.7.3 representative sampling, made reproducible: the LBA space is cut
// into at least 1000 equal subsections, each gets two non-overlapping pseudo-random samples, and
// the first and last addressable blocks are always read. Every choice comes from a recorded
// seed through AES-128-CTR, so anyone can recompute the same list (docs/verification.md gives
// the exact algorithm) and compare its SHA-256 with the record.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::verify {

struct SampleRange {
  std::uint64_t first_lba = 0;
  std::uint64_t count = 0;
  bool operator==(const SampleRange&) const = default;
};

inline constexpr std::uint64_t kMinSubsections = 1000;
inline constexpr std::uint64_t kSamplesPerSubsection = 2;
inline constexpr std::size_t kSeedBytes = 32;

struct SamplePlan {
  std::vector<std::byte> seed;        ///< 32 bytes: AES key (16) then IV (16)
  std::uint64_t total_blocks = 0;
  std::uint32_t block_size = 0;
  std::uint32_t coverage_ppm = 0;     ///< requested coverage, parts per million
  std::uint64_t subsections = 0;      ///< 0 when the device is too small to sample: read it all
  std::uint64_t sample_blocks = 0;    ///< largest per-subsection sample length
  std::vector<SampleRange> ranges;    ///< sorted, non-overlapping
  std::uint64_t covered_blocks() const;
  bool includes(std::uint64_t lba) const;
};

/// Coverage given as a percentage in (0, 100] -> parts per million; usage error outside.
Result<std::uint32_t> coverage_ppm_from_percent(double percent);

/// Builds the plan. max_sample_blocks bounds one sample so reads stay large but samples many.
/// `min_subsections` raises the subsection count (and so the number of samples) above what the
/// coverage alone gives, for a confidence target (samples_for_confidence).
Result<SamplePlan> make_sample_plan(std::uint64_t total_blocks, std::uint32_t block_size,
                                    std::uint32_t coverage_ppm, std::span<const std::byte> seed,
                                    std::uint64_t max_sample_blocks, std::uint64_t min_subsections = 0);

/// Samples needed so that a residue covering fraction p escapes all of them with probability at
/// most 1 - confidence: the smallest k with (1-p)^k <= 1 - confidence, i.e.
/// k = ceil(ln(1 - confidence) / ln(1 - p)). Usage error outside 0 < p < 1, 0 < confidence < 1.
Result<std::uint64_t> samples_for_confidence(double confidence, double p);

/// SHA-256 (hex) of the list as text, one "FIRST_LBA COUNT\n" line per range in order.
std::string lba_list_sha256(const std::vector<SampleRange>& ranges);

/// (1 - p)^samples as "%.3g" text: the chance that a residue covering fraction p of the device,
/// spread evenly, lies wholly outside every sample.
std::string miss_probability(double p, std::uint64_t samples);

/// Closes a verification report: the detection bound for the samples read (0 when every block was
/// read), the pass verdict and the finish time. `plan` null means a full read.
void conclude_report(VerifyReport& report, const SamplePlan* plan);

/// The record's summary of a plan.
SamplePlanSummary summarize(const SamplePlan& plan);

}  // namespace wipeproof::verify
