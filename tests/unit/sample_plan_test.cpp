#include <catch2/catch.hpp>

#include "core/hex.hpp"
#include "verify/sample_plan.hpp"

using namespace wipeproof;
using namespace wipeproof::verify;

namespace {

std::vector<std::byte> seed_of(unsigned char b) { return std::vector<std::byte>(kSeedBytes, std::byte{b}); }

void check_plan_properties(const SamplePlan& plan, std::uint64_t n, std::uint32_t ppm) {
  REQUIRE_FALSE(plan.ranges.empty());
  // Sorted and non-overlapping, all inside the device.
  for (std::size_t i = 0; i < plan.ranges.size(); ++i) {
    REQUIRE(plan.ranges[i].count > 0);
    REQUIRE(plan.ranges[i].first_lba + plan.ranges[i].count <= n);
    if (i > 0) REQUIRE(plan.ranges[i - 1].first_lba + plan.ranges[i - 1].count <= plan.ranges[i].first_lba);
  }
  CHECK(plan.includes(0));
  CHECK(plan.includes(n - 1));
  // Coverage at least what was asked.
  CHECK(plan.covered_blocks() * 1000000 >= static_cast<std::uint64_t>(ppm) * n);
}

}  // namespace

TEST_CASE("sample plan: >= 1000 subsections, 2 samples each, coverage, first and last block", "[sample]") {
  for (std::uint64_t n : {4000ull, 131072ull, 1000003ull, 2000000000ull}) {
    for (std::uint32_t ppm : {1000u, 100000u, 250000u}) {
      auto plan = make_sample_plan(n, 512, ppm, seed_of(7), 2048);
      REQUIRE(plan);
      CHECK(plan->subsections >= kMinSubsections);
      check_plan_properties(*plan, n, ppm);
      // Every subsection holds exactly two samples wholly inside it.
      std::uint64_t s = plan->subsections;
      std::vector<int> per(s, 0);
      for (const auto& r : plan->ranges) {
        std::uint64_t sub = r.first_lba * s / n;
        while (sub + 1 < s && (sub + 1) * (n / s) + ((sub + 1) * (n % s)) / s <= r.first_lba) ++sub;
        while (sub > 0 && sub * (n / s) + (sub * (n % s)) / s > r.first_lba) --sub;
        std::uint64_t end = (sub + 1) * (n / s) + ((sub + 1) * (n % s)) / s;
        REQUIRE(r.first_lba + r.count <= end);
        ++per[sub];
      }
      // Two samples in each; the first and last subsection may also hold the extra first/last block.
      std::uint64_t extras = plan->ranges.size() - 2 * s;
      REQUIRE(extras <= 2);
      for (std::uint64_t i = 1; i + 1 < s; ++i) REQUIRE(per[i] == 2);
      REQUIRE(per[0] >= 2);
      REQUIRE(per[s - 1] >= 2);
      REQUIRE(static_cast<std::uint64_t>(per[0] - 2 + per[s - 1] - 2) == extras);
    }
  }
}

TEST_CASE("the same seed gives the same plan, another seed another plan", "[sample]") {
  auto a = make_sample_plan(1000000, 512, 100000, seed_of(1), 2048);
  auto b = make_sample_plan(1000000, 512, 100000, seed_of(1), 2048);
  auto c = make_sample_plan(1000000, 512, 100000, seed_of(2), 2048);
  REQUIRE((a && b && c));
  CHECK(a->ranges == b->ranges);
  CHECK(lba_list_sha256(a->ranges) == lba_list_sha256(b->ranges));
  CHECK(a->ranges != c->ranges);
  CHECK(lba_list_sha256(a->ranges) != lba_list_sha256(c->ranges));
}

TEST_CASE("large devices get more subsections so samples stay small", "[sample]") {
  auto p = make_sample_plan(2000000000ull, 512, 100000, seed_of(3), 2048);
  REQUIRE(p);
  CHECK(p->subsections > kMinSubsections);
  CHECK(p->sample_blocks <= 2048);
}

TEST_CASE("devices too small to sample are read whole", "[sample]") {
  auto p = make_sample_plan(1500, 512, 100000, seed_of(4), 2048);
  REQUIRE(p);
  CHECK(p->subsections == 0);
  CHECK(p->covered_blocks() == 1500);
}

TEST_CASE("bad sampling input", "[sample]") {
  CHECK_FALSE(make_sample_plan(0, 512, 100000, seed_of(1), 2048));
  CHECK_FALSE(make_sample_plan(100000, 512, 100000, std::vector<std::byte>(5), 2048));
  CHECK_FALSE(coverage_ppm_from_percent(0));
  CHECK_FALSE(coverage_ppm_from_percent(-1));
  CHECK_FALSE(coverage_ppm_from_percent(100.5));
  CHECK(*coverage_ppm_from_percent(100) == 1000000);
  CHECK(*coverage_ppm_from_percent(10) == 100000);
}

TEST_CASE("miss probability is (1-p)^samples", "[sample]") {
  CHECK(miss_probability(0.01, 0) == "1");
  CHECK(miss_probability(0.5, 10) == "0.000977");
  CHECK(miss_probability(0.01, 2002) == "1.83e-09");
}

#include <cmath>
#include <random>

TEST_CASE("confidence sizing: closed form k = ceil(ln(1-C)/ln(1-p))", "[sample][confidence]") {
  CHECK(*samples_for_confidence(0.999, 0.001) == 6905);
  CHECK(*samples_for_confidence(0.99, 0.01) == 459);
  CHECK(*samples_for_confidence(0.95, 0.0001) == 29956);
  for (auto [c, p] : {std::pair{0.999, 0.001}, std::pair{0.99, 0.01}, std::pair{0.9, 0.0001}}) {
    std::uint64_t k = *samples_for_confidence(c, p);
    CHECK(std::pow(1 - p, static_cast<double>(k)) <= 1 - c + 1e-12);
    CHECK(std::pow(1 - p, static_cast<double>(k - 1)) > 1 - c);
  }
  CHECK_FALSE(samples_for_confidence(1.0, 0.01));
  CHECK_FALSE(samples_for_confidence(0.99, 0));
  CHECK(miss_probability(0.0001, 10000) == "0.368");
  // A plan sized for 99.9 % against 0.1 % residue has at least that many samples.
  auto plan = make_sample_plan(10000000, 512, 1000, seed_of(5), 2048, (6905 + 1) / 2);
  REQUIRE(plan);
  CHECK(plan->ranges.size() >= 6905);
}

TEST_CASE("sampling finds a scattered 0.1 % residue at least as often as the stated confidence", "[sample][confidence]") {
  // Seeded and deterministic: 300 trials, each a fresh plan seed and a fresh residue of 0.1 % of
  // the blocks at random places; the plan is sized for 95 % (k = 2995 samples of one block each).
  const std::uint64_t n = 1000000;
  const double confidence = 0.95, p = 0.001;
  std::uint64_t k = *samples_for_confidence(confidence, p);
  std::mt19937_64 rng(20261127);
  int found = 0;
  const int trials = 300;
  for (int t = 0; t < trials; ++t) {
    std::vector<std::byte> seed(kSeedBytes);
    for (auto& b : seed) b = static_cast<std::byte>(rng());
    // 1 ppm coverage: every sample is a single block, so detection rests on the sample count alone.
    auto plan = make_sample_plan(n, 512, 1, seed, 1, (k + 1) / 2);
    REQUIRE(plan);
    REQUIRE(plan->ranges.size() >= k);
    bool hit = false;
    for (std::uint64_t i = 0; i < n / 1000 && !hit; ++i) hit = plan->includes(rng() % n);
    found += hit;
  }
  // Expected >= 95 % of 300 = 285; allow three standard deviations (sqrt(300*.05*.95) = 3.8).
  CHECK(found >= 285 - 12);
}
