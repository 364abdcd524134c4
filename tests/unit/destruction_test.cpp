#include <catch2/catch.hpp>

#include "certs/canonical_json.hpp"
#include "certs/certificate.hpp"
#include "certs/destruction.hpp"

using namespace wipeproof;
using namespace wipeproof::certs;

namespace {

DestructionFacts facts() {
  DestructionFacts f;
  f.certificate_id = "6f1c7a52-3c55-4a4e-9f1e-2b1d2c3e4f50";
  f.issued_at = "2026-11-27T10:00:00.000Z";
  f.tool_version = "0.1.0";
  f.tool_binary_sha256 = std::string(64, 'a');
  f.hostname = "bench";
  f.media.serial = "WD-123";
  f.media.model = "WDC WD10EZEX";
  f.media.media_type = "magnetic";
  f.reason = "wipe_failed";
  f.method = "shred";
  f.particle_mm = 2.0;
  f.din_level = "H-5";
  f.performed_by = "HSM Powerline";
  f.place = "Tokyo, room 3";
  f.time = "2026-11-27T09:30:00Z";
  f.witness.name = "Hanako Sato";
  f.evidence = {{"before.jpg", std::string(64, '1'), 10}, {"after.jpg", std::string(64, '2'), 20}};
  return f;
}

SiteInfo site() {
  SiteInfo s;
  s.organisation = "Clinic";
  s.operator_.name = "Taro Yamada";
  return s;
}

}  // namespace

TEST_CASE("destruction: a complete record builds a canonical, schema-valid certificate", "[destruction]") {
  auto f = facts();
  REQUIRE(validate_destruction(f, site()));
  auto c = build_destruction_certificate(f, site());
  REQUIRE(validate_certificate(c));  // dispatches on /schema
  CHECK(c["schema"] == kDestructionSchema);
  CHECK(c["sanitization"]["level"] == "destruct");
  CHECK(c["destruction"]["particle_um"] == 2000);  // no floating point in a signed document
  CHECK(c["destruction"]["evidence"].size() == 2);
  CHECK(c["custody"]["chain"] == "not_checked");
  CHECK(canonicalize(c));
  f.custody.registry = "sqlite";
  f.custody.gaps = {"event 4 (destroyed): destroyed by contractor X without a handed_over event"};
  auto g = build_destruction_certificate(f, site());
  CHECK(g["custody"]["chain"] == "gaps");
  CHECK(g["sanitization"]["exceptions"].size() == 1);
  // A destruction certificate with its evidence list emptied, removed or mistyped no longer
  // validates — and never throws (the last two found by fuzz_certificate).
  g["destruction"]["evidence"] = nlohmann::json::array();
  CHECK_FALSE(validate_certificate(g));
  g["destruction"]["evidence"] = nlohmann::json::array({{{"file", "a.jpg"}, {"sha256", 42}}});
  CHECK_FALSE(validate_certificate(g));
  g["destruction"].erase("evidence");
  CHECK_FALSE(validate_certificate(g));
}

TEST_CASE("destruction: every bad input is named before anything is recorded", "[destruction]") {
  struct Case {
    std::function<void(DestructionFacts&, SiteInfo&)> change;
    const char* says;
  } cases[] = {
      {[](auto& f, auto&) { f.method = "microwave"; }, "--method must be"},
      {[](auto& f, auto&) { f.method = "incinerate"; }, "--particle-mm applies to shredding"},
      {[](auto& f, auto&) { f.particle_mm = -1; }, "above 0"},
      {[](auto& f, auto&) { f.din_level = "H-9"; }, "DIN 66399"},
      {[](auto& f, auto&) { f.din_level = "X-3"; }, "DIN 66399"},
      {[](auto& f, auto&) {
         f.method = "degauss";
         f.particle_mm.reset();
         f.media.media_type = "flash";
       }, "does not sanitize flash"},
      {[](auto& f, auto&) { f.reason = "bored"; }, "--reason"},
      {[](auto& f, auto&) { f.witness.name.clear(); }, "--witness"},
      {[](auto& f, auto&) { f.witness.name = "Taro Yamada"; }, "another person"},
      {[](auto& f, auto&) { f.performed_by.clear(); }, "--contractor"},
      {[](auto& f, auto&) { f.place.clear(); }, "--place"},
      {[](auto& f, auto&) { f.time = "yesterday"; }, "RFC 3339"},
      {[](auto& f, auto&) { f.evidence.clear(); }, "--evidence"},
      {[](auto& f, auto&) { f.media.serial.clear(); }, "serial"},
      {[](auto&, auto& s) { s.organisation.clear(); }, "--organisation"},
  };
  for (const auto& c : cases) {
    auto f = facts();
    auto s = site();
    c.change(f, s);
    auto r = validate_destruction(f, s);
    INFO(c.says);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::usage);
    CHECK_THAT(r.error().context, Catch::Contains(c.says));
  }
  auto degauss_hdd = facts();
  degauss_hdd.method = "degauss";
  degauss_hdd.particle_mm.reset();
  CHECK(validate_destruction(degauss_hdd, site()));  // magnetic media may be degaussed
}
