#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>

#include "core/wipe_event.hpp"
#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sha256.hpp"
#include "core/sys.hpp"

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

TEST_CASE("wipe events: the three kinds parse, anything else is ignored, wrong types read as absent", "[core]") {
  auto p = parse_wipe_event(R"({"event":"progress","phase":"pass","step":1,"steps":3,"bytes_done":50,"bytes_total":200,"bytes_per_s":7,"eta_s":2})");
  REQUIRE(p);
  CHECK(p->kind == WipeEvent::Kind::progress);
  CHECK(p->phase == "pass");
  CHECK(p->steps == 3);
  CHECK(p->bytes_done == 50);
  CHECK(p->bytes_total == 200);
  auto d = parse_wipe_event(R"({"event":"done","outcome":"erased","record_id":"r1","record_path":"/o/r1.json","certificate":{"json":"/o/r1.json"},"exceptions":["x",3]})");
  REQUIRE(d);
  CHECK(d->kind == WipeEvent::Kind::done);
  CHECK(d->certificate_path == "/o/r1.json");
  CHECK(d->exceptions == std::vector<std::string>{"x"});
  auto e = parse_wipe_event(R"({"event":"error","message":"refused"})");
  REQUIRE(e);
  CHECK(e->message == "refused");
  CHECK_FALSE(parse_wipe_event(R"({"event":"plan"})"));
  CHECK_FALSE(parse_wipe_event("not json"));
  CHECK_FALSE(parse_wipe_event(R"({"event":"prog)"));
  auto odd = parse_wipe_event(R"({"event":"progress","bytes_done":"many","phase":5})");
  REQUIRE(odd);
  CHECK(odd->bytes_done == 0);
  CHECK(odd->phase.empty());
}

TEST_CASE("binary files are read byte for byte; only text files lose trailing newlines", "[core]") {
  // A DER signature can end in 0x0A or 0x20: stripping it made one certificate in ~100 fail.
  std::string path = (std::filesystem::temp_directory_path() / "wipeproof-core-bytes.bin").string();
  const std::string bytes("\x30\x82\x00\x0a \n", 6);
  REQUIRE(write_file_atomic(path, bytes));
  auto exact = read_file_bytes(path);
  REQUIRE(exact);
  CHECK(*exact == bytes);
  auto text = read_text_file(path);
  REQUIRE(text);
  CHECK(*text == bytes.substr(0, 3));  // 0x0A, space and newline all stripped
  std::filesystem::remove(path);
  CHECK_FALSE(read_file_bytes(path));
}
