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
