#include "verify/sample_plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/pass_stream.hpp"
#include "core/sha256.hpp"

namespace wipeproof::verify {
namespace {

/// Uniform integers from the AES-128-CTR keystream: 8 bytes big-endian per draw, rejection
/// sampling against modulo bias.
class SeededDraws {
 public:
  explicit SeededDraws(AesCtrStream aes) : aes_(std::move(aes)) {}

  Result<std::uint64_t> next_u64() {
    if (pos_ == buf_.size()) {
      WP_RETURN_IF_ERROR(aes_.keystream_at(offset_, buf_));
      offset_ += buf_.size();
      pos_ = 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(buf_[pos_++]);
    return v;
  }

  /// Uniform in [0, bound] inclusive.
  Result<std::uint64_t> uniform(std::uint64_t bound) {
    if (bound == UINT64_MAX) return next_u64();
    std::uint64_t range = bound + 1;
    std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range + 1) % range;  // largest multiple - 1
    for (;;) {
      WP_ASSIGN_OR_RETURN(std::uint64_t v, next_u64());
      if (v <= limit) return v % range;
    }
  }

 private:
  AesCtrStream aes_;
  std::vector<std::byte> buf_ = std::vector<std::byte>(4096);
  std::size_t pos_ = 4096;
  std::uint64_t offset_ = 0;
};

}  // namespace

std::uint64_t SamplePlan::covered_blocks() const {
  std::uint64_t n = 0;
  for (const auto& r : ranges) n += r.count;
  return n;
}

bool SamplePlan::includes(std::uint64_t lba) const {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), lba,
                             [](std::uint64_t v, const SampleRange& r) { return v < r.first_lba; });
  if (it == ranges.begin()) return false;
  --it;
  return lba < it->first_lba + it->count;
}

Result<std::uint32_t> coverage_ppm_from_percent(double percent) {
  if (!(percent > 0.0) || percent > 100.0 || std::isnan(percent))
    return make_error(ErrorKind::usage, fmt::format("--coverage must be in (0, 100], got {}", percent));
  auto ppm = static_cast<std::uint32_t>(std::llround(percent * 10000.0));
  return std::max<std::uint32_t>(ppm, 1);
}

Result<SamplePlan> make_sample_plan(std::uint64_t n, std::uint32_t block_size, std::uint32_t ppm,
                                    std::span<const std::byte> seed, std::uint64_t max_sample_blocks,
                                    std::uint64_t min_subsections) {
  if (n == 0) return make_error(ErrorKind::usage, "cannot sample an empty device");
  if (seed.size() != kSeedBytes) return make_error(ErrorKind::usage, "sample seed must be 32 bytes (64 hex digits)");
  if (ppm == 0 || ppm > 1000000) return make_error(ErrorKind::usage, "coverage out of range");
  if (max_sample_blocks == 0) max_sample_blocks = 1;

  SamplePlan plan;
  plan.seed.assign(seed.begin(), seed.end());
  plan.total_blocks = n;
  plan.block_size = block_size;
  plan.coverage_ppm = ppm;

  // Too small for 1000 subsections of two blocks, or asking for everything: read it all.
  if (n < kMinSubsections * kSamplesPerSubsection * 2 || ppm == 1000000) {
    plan.ranges.push_back({0, n});
    plan.sample_blocks = n;
    return plan;
  }

  // Enough subsections that no sample exceeds max_sample_blocks: more, smaller samples give a
  // better detection bound than a few long ones at the same coverage.
  long double want = static_cast<long double>(n) * ppm / 1e6L;
  auto s = static_cast<std::uint64_t>(std::ceil(want / static_cast<long double>(kSamplesPerSubsection * max_sample_blocks)));
  s = std::max(s, min_subsections);
  s = std::clamp<std::uint64_t>(s, kMinSubsections, n / (kSamplesPerSubsection * 2));
  plan.subsections = s;

  WP_ASSIGN_OR_RETURN(AesCtrStream aes, AesCtrStream::create(seed.first(16), seed.subspan(16, 16)));
  SeededDraws draws(std::move(aes));
  const std::uint64_t q = n / s, r = n % s;
  auto start_of = [&](std::uint64_t i) { return i * q + (i * r) / s; };  // floor(i*n/s) without overflow
  for (std::uint64_t i = 0; i < s; ++i) {
    std::uint64_t base = start_of(i);
    std::uint64_t len = start_of(i + 1) - base;
    // ceil(ppm * len / (2 * 1e6)) blocks per sample, so two samples cover >= ppm of the subsection.
    std::uint64_t l = (static_cast<std::uint64_t>(ppm) * len + 2000000 - 1) / 2000000;
    l = std::clamp<std::uint64_t>(l, 1, len / 2);
    plan.sample_blocks = std::max(plan.sample_blocks, l);
    // Two ordered, non-overlapping placements uniformly: a <= b drawn from [0, len - 2l],
    // then samples at a and b + l.
    WP_ASSIGN_OR_RETURN(std::uint64_t a, draws.uniform(len - 2 * l));
    WP_ASSIGN_OR_RETURN(std::uint64_t b, draws.uniform(len - 2 * l));
    if (a > b) std::swap(a, b);
    plan.ranges.push_back({base + a, l});
    plan.ranges.push_back({base + b + l, l});
  }
  if (!plan.includes(0)) plan.ranges.insert(plan.ranges.begin(), {0, 1});
  if (!plan.includes(n - 1)) plan.ranges.push_back({n - 1, 1});
  return plan;
}

Result<std::uint64_t> samples_for_confidence(double confidence, double p) {
  if (!(confidence > 0 && confidence < 1) || !(p > 0 && p < 1))
    return make_error(ErrorKind::usage, "confidence and residue must be percentages strictly between 0 and 100");
  long double k = std::ceil(std::log(1.0L - confidence) / std::log(1.0L - p));
  return static_cast<std::uint64_t>(std::max<long double>(k, 1));
}

std::string lba_list_sha256(const std::vector<SampleRange>& ranges) {
  Sha256 h;
  for (const auto& r : ranges) h.update(fmt::format("{} {}\n", r.first_lba, r.count));
  return h.finish_hex();
}

std::string miss_probability(double p, std::uint64_t samples) {
  long double v = std::pow(1.0L - static_cast<long double>(p), static_cast<long double>(samples));
  return fmt::format("{:.3g}", static_cast<double>(v));
}

void conclude_report(VerifyReport& rep, const SamplePlan* plan) {
  bool full = plan == nullptr || plan->covered_blocks() >= plan->total_blocks;
  std::uint64_t samples = plan ? plan->ranges.size() : 0;
  rep.miss_probability_1pct = full ? "0" : miss_probability(0.01, samples);
  rep.miss_probability_0_1pct = full ? "0" : miss_probability(0.001, samples);
  rep.miss_probability_0_01pct = full ? "0" : miss_probability(0.0001, samples);
  rep.passed = rep.status == RunStatus::complete && rep.mismatched_blocks == 0 && rep.read_errors.empty();
  rep.finished = now_utc();
}

SamplePlanSummary summarize(const SamplePlan& plan) {
  SamplePlanSummary s;
  s.seed_hex = to_hex(plan.seed);
  s.subsections = plan.subsections;
  s.samples_per_subsection = plan.subsections ? kSamplesPerSubsection : 0;
  s.sample_count = plan.ranges.size();
  s.sample_blocks = plan.sample_blocks;
  s.covered_blocks = plan.covered_blocks();
  s.total_blocks = plan.total_blocks;
  s.block_size = plan.block_size;
  s.requested_coverage_ppm = plan.coverage_ppm;
  long double pct = 100.0L * s.covered_blocks / static_cast<long double>(plan.total_blocks);
  s.coverage_percent = fmt::format("{:.2f}", static_cast<double>(pct));
  s.lba_list_sha256 = lba_list_sha256(plan.ranges);
  s.first_and_last_included = plan.includes(0) && plan.includes(plan.total_blocks - 1);
  return s;
}

}  // namespace wipeproof::verify
