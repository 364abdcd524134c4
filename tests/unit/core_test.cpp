#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sha256.hpp"

using namespace wipeproof;

TEST_CASE("hex parsing rejects anything that is not hex", "[hex]") {
  CHECK(from_hex("00ff") == std::vector<std::byte>{std::byte{0}, std::byte{0xFF}});
  CHECK(from_hex("0xA5") == std::vector<std::byte>{std::byte{0xA5}});
  CHECK_FALSE(from_hex("zz"));
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex(""));
  CHECK_FALSE(from_hex("0x"));
}

TEST_CASE("sha256 of 'abc' (FIPS 180-2 B.1)", "[sha256]") {
  Sha256 h;
  h.update(std::string_view("abc"));
  CHECK(h.finish_hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("uuids are version 4 and distinct", "[uuid]") {
  std::set<std::string> seen;
  std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    auto u = make_uuid_v4();
    REQUIRE(u);
    CHECK(std::regex_match(*u, re));
    seen.insert(*u);
  }
  CHECK(seen.size() == 100);
}
