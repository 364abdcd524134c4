#include <catch2/catch.hpp>

#include <filesystem>

#include "station/registry.hpp"

using namespace wipeproof;
using namespace wipeproof::station;

namespace {

std::string fresh_db() {
  auto dir = std::filesystem::temp_directory_path() / "wipeproof-registry-unit";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "registry.db").string();
}

CertificateRow row(const std::string& id, const std::string& serial, const std::string& result, const std::string& at) {
  CertificateRow r;
  r.id = id;
  r.serial = serial;
  r.result = result;
  r.issued_at = at;
  r.sha256 = "00";
  r.json = "{\"record_id\":\"" + id + "\"}";
  r.p7s = std::string("\x30\x82\x00\x01", 4);
  r.source = "ingest";
  return r;
}

}  // namespace

TEST_CASE("registry: migrations, duplicates, filters, reopen", "[station]") {
  std::string path = fresh_db();
  {
    auto reg = Registry::open(path);
    REQUIRE(reg);
    CHECK((*reg)->schema_version() == 1);
    CHECK(*(*reg)->insert_certificate(row("a", "S1", "erased", "2026-11-01T10:00:00.000Z")));
    CHECK(*(*reg)->insert_certificate(row("b", "S2", "not_erased", "2026-11-02T10:00:00.000Z")));
    CHECK(*(*reg)->insert_certificate(row("c", "S1", "erased", "2026-11-03T10:00:00.000Z")));
    CHECK_FALSE(*(*reg)->insert_certificate(row("a", "S9", "erased", "2026-11-09T10:00:00.000Z")));  // held already
  }
  auto reg = Registry::open(path);  // reopening applies no migration twice
  REQUIRE(reg);
  CHECK((*reg)->schema_version() == 1);
  CertificateFilter f;
  CHECK((*reg)->find_certificates(f)->size() == 3);
  f.serial = "S1";
  CHECK((*reg)->find_certificates(f)->size() == 2);
  f.serial.clear();
  f.result = "not_erased";
  auto nb = (*reg)->find_certificates(f);
  REQUIRE(nb->size() == 1);
  CHECK(nb->front().id == "b");
  f.result.clear();
  f.from = "2026-11-02";
  f.to = "2026-11-02";  // a plain date includes that whole day
  auto day = (*reg)->find_certificates(f);
  REQUIRE(day->size() == 1);
  CHECK(day->front().id == "b");
  auto got = (*reg)->get_certificate("c");
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->p7s == std::string("\x30\x82\x00\x01", 4));  // binary survives
  CHECK_FALSE(*(*reg)->get_certificate("zzz"));
}

TEST_CASE("registry: tokens are stored hashed and carry their role; the audit log only grows", "[station]") {
  auto reg = Registry::open(fresh_db());
  REQUIRE(reg);
  auto t = (*reg)->create_token(Role::operator_, "bay 3");
  REQUIRE(t);
  CHECK(t->rfind("wpt_", 0) == 0);
  CHECK(t->size() == 4 + 64);
  CHECK(**(*reg)->role_of(*t) == Role::operator_);
  CHECK_FALSE(*(*reg)->role_of(*t + "x"));
  CHECK(parse_role("admin") == Role::admin);
  CHECK_FALSE(parse_role("root"));
  REQUIRE((*reg)->audit("tester", "access", "GET /x"));
  REQUIRE((*reg)->audit("tester", "denied", "GET /y"));
  auto lines = (*reg)->audit_lines(10);
  REQUIRE(lines->size() == 2);
  CHECK_THAT(lines->back(), Catch::Contains("denied GET /y"));
}
