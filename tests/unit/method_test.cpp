#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "core/hex.hpp"
#include "wipe/method.hpp"

using namespace wipeproof;
using namespace wipeproof::wipe;

namespace {

std::vector<PassPattern> passes_of(const char* name, PassOptions opt = {}) {
  const MethodDefinition* m = find_method(name);
  REQUIRE(m != nullptr);
  auto p = instantiate_passes(*m, opt);
  REQUIRE(p);
  return *p;
}

std::string fixed_hex(const PassPattern& p) {
  REQUIRE(p.kind == PatternKind::fixed);
  return to_hex(p.bytes);
}

bool is_random(const PassPattern& p) {
  return p.kind == PatternKind::random_stream && p.key_hex.size() == 32 && p.iv_hex.size() == 32;
}

}  // namespace

TEST_CASE("single-pass methods", "[method]") {
  CHECK(is_random(passes_of("random").at(0)));
  CHECK(passes_of("random").size() == 1);
  CHECK(fixed_hex(passes_of("zero").at(0)) == "00");
  CHECK(fixed_hex(passes_of("one").at(0)) == "ff");
  CHECK(fixed_hex(passes_of("nist-clear").at(0)) == "00");
  CHECK(fixed_hex(passes_of("hmg-baseline").at(0)) == "00");
  PassOptions o;
  o.user_pattern = *from_hex("c0ffee");
  CHECK(fixed_hex(passes_of("pattern", o).at(0)) == "c0ffee");
}

TEST_CASE("pattern method needs a pattern", "[method]") {
  auto p = instantiate_passes(*find_method("pattern"), {});
  REQUIRE_FALSE(p);
  CHECK(p.error().kind == ErrorKind::usage);
}

TEST_CASE("DoD 5220.22-M 3 and 7 pass lists", "[method]") {
  auto d3 = passes_of("dod3");
  REQUIRE(d3.size() == 3);
  REQUIRE(d3[0].bytes.size() == 1);
  CHECK(d3[1].bytes.at(0) == ~d3[0].bytes.at(0));
  CHECK(is_random(d3[2]));
  auto d7 = passes_of("dod7");
  REQUIRE(d7.size() == 7);
  CHECK(d7[1].bytes.at(0) == ~d7[0].bytes.at(0));
  CHECK(is_random(d7[2]));
  CHECK(d7[3].kind == PatternKind::fixed);
  CHECK(d7[5].bytes.at(0) == ~d7[4].bytes.at(0));
  CHECK(is_random(d7[6]));
}

TEST_CASE("Gutmann: 4 random, the 27 fixed patterns in some order, 4 random", "[method]") {
  auto g = passes_of("gutmann");
  REQUIRE(g.size() == 35);
  for (int i : {0, 1, 2, 3, 31, 32, 33, 34}) CHECK(is_random(g[static_cast<std::size_t>(i)]));
  std::vector<std::string> middle;
  for (int i = 4; i < 31; ++i) middle.push_back(fixed_hex(g[static_cast<std::size_t>(i)]));
  std::vector<std::string> expected = {"55", "aa", "924924", "492492", "249249", "00", "11", "22", "33",
                                       "44", "55", "66", "77", "88", "99", "aa", "bb", "cc", "dd", "ee",
                                       "ff", "924924", "492492", "249249", "6db6db", "b6db6d", "db6db6"};
  std::sort(middle.begin(), middle.end());
  std::sort(expected.begin(), expected.end());
  CHECK(middle == expected);
  // The order is random per job: two jobs in a row almost surely differ (1 in 27!/(2!^5)).
  auto g2 = passes_of("gutmann");
  bool differs = false;
  for (int i = 4; i < 31; ++i) differs |= g[static_cast<std::size_t>(i)].bytes != g2[static_cast<std::size_t>(i)].bytes;
  CHECK(differs);
}

TEST_CASE("Schneier, VSITR, OPS-II, HMG IS5 Enhanced, BMB21", "[method]") {
  auto s = passes_of("schneier");
  REQUIRE(s.size() == 7);
  CHECK(fixed_hex(s[0]) == "ff");
  CHECK(fixed_hex(s[1]) == "00");
  for (int i = 2; i < 7; ++i) CHECK(is_random(s[static_cast<std::size_t>(i)]));

  auto v = passes_of("vsitr");
  std::vector<std::string> vh;
  for (auto& p : v) vh.push_back(fixed_hex(p));
  CHECK(vh == std::vector<std::string>{"00", "ff", "00", "ff", "00", "ff", "aa"});

  auto o = passes_of("ops2");
  REQUIRE(o.size() == 7);
  for (int i = 0; i < 6; ++i) CHECK(fixed_hex(o[static_cast<std::size_t>(i)]) == (i % 2 ? "ff" : "00"));
  CHECK(is_random(o[6]));

  auto h = passes_of("hmg-enhanced");
  REQUIRE(h.size() == 3);
  CHECK(fixed_hex(h[0]) == "00");
  CHECK(fixed_hex(h[1]) == "ff");
  CHECK(is_random(h[2]));

  auto b = passes_of("bmb21");
  REQUIRE(b.size() == 6);
  CHECK(fixed_hex(b[0]) == "ff");
  CHECK(fixed_hex(b[1]) == "00");
  for (int i = 2; i < 5; ++i) CHECK(is_random(b[static_cast<std::size_t>(i)]));
  CHECK(fixed_hex(b[5]) == "ff");

  auto f = passes_of("nist-clear-flash");
  REQUIRE(f.size() == 2);
  CHECK(fixed_hex(f[0]) == "55");
  CHECK(fixed_hex(f[1]) == "aa");
}

TEST_CASE("rounds repeat the list, blank appends zeros, each random pass has its own key", "[method]") {
  PassOptions o;
  o.rounds = 3;
  o.final_blank = true;
  auto p = passes_of("hmg-enhanced", o);
  REQUIRE(p.size() == 10);
  CHECK(fixed_hex(p.back()) == "00");
  CHECK(p[2].key_hex != p[5].key_hex);
  CHECK(p[5].key_hex != p[8].key_hex);
  o.rounds = 0;
  CHECK_FALSE(instantiate_passes(*find_method("zero"), o));
}

TEST_CASE("every method names a source and is findable", "[method]") {
  for (const auto& m : all_methods()) {
    CHECK_FALSE(m.source.empty());
    CHECK(find_method(m.name) == &m);
  }
  CHECK(find_method("no-such-method") == nullptr);
}
