#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include <pqxx/pqxx>

#include "station/auth.hpp"
#include "station/custody.hpp"
#include "station/ledger_check.hpp"
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

// The PostgreSQL registry tests use the throwaway database scripts/setup.sh creates and starts on
// loopback (CTest passes its URL); each test starts from an empty schema.
std::string pg_url() {
  const char* url = std::getenv("WIPEPROOF_TEST_PG");
  return url ? url : "postgresql://wipeproof_test:wipeproof_test@127.0.0.1:5432/wipeproof_test";
}

void reset_pg() {
  pqxx::connection c(pg_url());
  pqxx::work w(c);
  w.exec0("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  w.commit();
}

/// Every registry test runs on both backends.
std::string fresh_registry(const std::string& backend) {
  if (backend == "sqlite") return fresh_db();
  try {
    reset_pg();
  } catch (const std::exception& e) {
    FAIL("PostgreSQL not reachable at " << pg_url() << " (scripts/setup.sh starts it): " << e.what());
  }
  return pg_url();
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
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  std::string path = fresh_registry(backend);
  {
    auto reg = Registry::open(path);
    REQUIRE(reg);
    CHECK((*reg)->schema_version() == 3);
    CHECK(*(*reg)->insert_certificate(row("a", "S1", "erased", "2026-11-01T10:00:00.000Z")));
    CHECK(*(*reg)->insert_certificate(row("b", "S2", "not_erased", "2026-11-02T10:00:00.000Z")));
    CHECK(*(*reg)->insert_certificate(row("c", "S1", "erased", "2026-11-03T10:00:00.000Z")));
    CHECK_FALSE(*(*reg)->insert_certificate(row("a", "S9", "erased", "2026-11-09T10:00:00.000Z")));  // held already
  }
  auto reg = Registry::open(path);  // reopening applies no migration twice
  REQUIRE(reg);
  CHECK((*reg)->schema_version() == 3);
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
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  auto reg = Registry::open(fresh_registry(backend));
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
  if (backend == "postgresql") {  // append-only in the database itself, not only in wipeproof
    // Row triggers fire only for rows: give the ledger one.
    REQUIRE(*(*reg)->insert_certificate(row("z", "S", "erased", "2026-11-01T10:00:00Z")));
    pqxx::connection c(pg_url());
    for (const char* sql : {"DELETE FROM audit", "UPDATE audit SET detail = 'x'", "TRUNCATE audit", "DELETE FROM ledger"}) {
      pqxx::work w(c);
      CHECK_THROWS_WITH(w.exec0(sql), Catch::Contains("append-only"));
    }
  }
}

TEST_CASE("registry: every accepted certificate gets the next chained ledger entry; a copy goes to the mirror", "[station]") {
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  std::string path = fresh_registry(backend);
  std::string mirror = (std::filesystem::temp_directory_path() / "wipeproof-registry-unit" / "ledger.jsonl").string();
  std::filesystem::create_directories(std::filesystem::path(mirror).parent_path());
  std::filesystem::remove(mirror);
  auto reg = Registry::open(path, mirror);
  REQUIRE(reg);
  for (const char* id : {"a", "b", "c"}) REQUIRE(*(*reg)->insert_certificate(row(id, "S", "erased", "2026-11-01T10:00:00Z")));
  CHECK_FALSE(*(*reg)->insert_certificate(row("b", "S", "erased", "2026-11-01T10:00:00Z")));  // no entry for a duplicate
  auto entries = (*reg)->ledger_entries();
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].seq == 1);
  CHECK((*entries)[2].certificate_id == "c");
  CHECK((*entries)[1].prev_sha256 == (*entries)[0].entry_sha256);
  CHECK((*entries)[0].prev_sha256 == std::string(64, '0'));
  auto file = check_ledger_file(mirror, {"a", "b", "c"});
  REQUIRE(file);
  CHECK(file->entries == 3);
  CHECK(file->intact());
  auto held = check_registry_ledger(*entries, {"a", "b", "c"});
  CHECK(held.intact());
}

TEST_CASE("ledger check: lost certificates are named as ranges; holes and altered entries are problems", "[station]") {
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  std::vector<RegistryLedgerEntry> e;
  auto reg = Registry::open(fresh_registry(backend));
  REQUIRE(reg);
  for (int i = 1; i <= 8; ++i)
    REQUIRE(*(*reg)->insert_certificate(row("id" + std::to_string(i), "S", "erased", "2026-11-01T10:00:00Z")));
  e = *(*reg)->ledger_entries();
  // Certificates 3, 4 and 8 lost: two ranges, with their ids.
  auto r = check_registry_ledger(e, {"id1", "id2", "id5", "id6", "id7"});
  REQUIRE(r.missing.size() == 2);
  CHECK(range_text(r.missing[0]) == "3-4");
  CHECK(r.missing[0].certificate_ids == std::vector<std::string>{"id3", "id4"});
  CHECK(range_text(r.missing[1]) == "8");
  CHECK(r.problems.empty());
  // Ledger rows 5-6 removed as well (someone dropped the triggers): a hole, ids unknown.
  auto cut = e;
  cut.erase(cut.begin() + 4, cut.begin() + 6);
  auto h = check_registry_ledger(cut, {"id1", "id2", "id3", "id4", "id7", "id8"});
  REQUIRE(h.holes.size() == 1);
  CHECK(range_text(h.holes[0]) == "5-6");
  CHECK(h.missing.empty());
  // An altered entry is caught by its hash.
  auto altered = e;
  altered[1].certificate_id = "forged";
  auto a = check_registry_ledger(altered, {"id1", "forged", "id3", "id4", "id5", "id6", "id7", "id8"});
  REQUIRE_FALSE(a.problems.empty());
  CHECK_THAT(a.problems.front(), Catch::Contains("entry 2"));
}

TEST_CASE("registry: jobs keep their last state; users are unique", "[station]") {
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  auto reg = Registry::open(fresh_registry(backend));
  REQUIRE(reg);
  REQUIRE((*reg)->save_job("j1", "/dev/loop1", "running", R"({"id":"j1","status":"running"})"));
  REQUIRE((*reg)->save_job("j1", "/dev/loop1", "finished", R"({"id":"j1","status":"finished"})"));
  REQUIRE((*reg)->save_job("j2", "/dev/loop2", "running", R"({"id":"j2","status":"running"})"));
  auto states = (*reg)->job_states(10);
  REQUIRE(states->size() == 2);
  CHECK_THAT(states->front(), Catch::Contains("finished"));
  auto u = new_user("alice", Role::operator_, "correct horse battery");
  REQUIRE(u);
  REQUIRE((*reg)->create_user(*u));
  auto again = (*reg)->create_user(*u);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ErrorKind::refused);
  auto got = (*reg)->get_user("alice");
  REQUIRE(*got);
  CHECK((*got)->role == Role::operator_);
  CHECK((*got)->password_hash != "correct horse battery");
  CHECK_FALSE(*(*reg)->get_user("bob"));
}

TEST_CASE("registry: a backup is one consistent SQLite file, from either backend", "[station]") {
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  auto reg = Registry::open(fresh_registry(backend));
  REQUIRE(reg);
  for (const char* id : {"a", "b", "c"}) REQUIRE(*(*reg)->insert_certificate(row(id, "S", "erased", "2026-11-01T10:00:00Z")));
  REQUIRE((*reg)->create_token(Role::read, "reader"));
  REQUIRE((*reg)->create_user(*new_user("carol", Role::admin, "a long enough password")));
  REQUIRE((*reg)->save_job("j1", "/dev/x", "finished", R"({"id":"j1"})"));
  REQUIRE((*reg)->audit("tester", "access", "GET /z"));
  auto out = (std::filesystem::temp_directory_path() / "wipeproof-registry-unit" / "backup.db").string();
  std::filesystem::remove(out);
  auto n = (*reg)->backup_to(out);
  REQUIRE(n);
  CHECK(*n == 3);
  auto copy = Registry::open(out);
  REQUIRE(copy);
  CHECK(std::string((*copy)->backend()) == "sqlite");
  auto rows = (*copy)->find_certificates({}, true);
  REQUIRE(rows->size() == 3);
  CHECK(rows->front().p7s == std::string("\x30\x82\x00\x01", 4));
  auto original = *(*reg)->ledger_entries();
  auto copied = *(*copy)->ledger_entries();
  REQUIRE(copied.size() == original.size());
  CHECK(copied.back().entry_sha256 == original.back().entry_sha256);
  CHECK(check_registry_ledger(copied, {"a", "b", "c"}).intact());
  CHECK(*(*copy)->get_user("carol"));
  CHECK((*copy)->job_states(10)->size() == 1);
  CHECK_THAT((*copy)->audit_lines(10)->back(), Catch::Contains("GET /z"));
}

TEST_CASE("custody: drives, one hash-chained event log, gaps named, append-only", "[station][custody]") {
  std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(backend);
  auto reg = Registry::open(fresh_registry(backend));
  REQUIRE(reg);
  IntakeIdentity id;
  id.serial = "WD-1";
  id.model = "WDC";
  auto d = receive_drive(**reg, id, "PC-7", "Taro");
  REQUIRE(d);
  CHECK(d->custody_id.rfind("WPC-", 0) == 0);
  auto again = receive_drive(**reg, id, "PC-7", "Taro");
  REQUIRE_FALSE(again);  // an open chain for this serial exists
  CHECK_THAT(again.error().context, Catch::Contains(d->custody_id));
  CHECK_FALSE(custody_of(**reg, "NEVER-SEEN"));
  REQUIRE(record_custody_event(**reg, d->custody_id, "queued_for_destruction", "Taro", {{"reason", "policy"}}));
  CHECK_FALSE(record_custody_event(**reg, d->custody_id, "teleported", "Taro", nlohmann::json::object()));
  // Destroyed by a contractor with no hand-over: a gap.
  REQUIRE(record_custody_event(**reg, d->custody_id, "destroyed", "Taro",
                               {{"performed_by_kind", "contractor"}, {"performed_by", "Acme"}}));
  auto events = *(*reg)->custody_events(d->custody_id);
  REQUIRE(events.size() == 3);
  auto gaps = custody_gaps(events);
  REQUIRE(gaps.size() == 1);
  CHECK_THAT(gaps[0], Catch::Contains("destroyed by contractor Acme without a handed_over event"));
  CHECK(custody_chain_problems(*(*reg)->custody_events("")).empty());
  auto altered = *(*reg)->custody_events("");
  altered[1].detail = R"({"reason":"nothing"})";
  CHECK_FALSE(custody_chain_problems(altered).empty());
  // The same drive via a second station sharing the registry: its serial finds the same chain.
  CHECK(custody_of(**reg, "WD-1")->custody_id == d->custody_id);
  CHECK((*reg)->list_custody()->size() == 1);
}

TEST_CASE("custody: complete chains have no gaps; labels round-trip", "[station][custody]") {
  auto ev = [](std::uint64_t seq, const char* type, nlohmann::json detail = nlohmann::json::object()) {
    return CustodyEvent{seq, "WPC-0123456789", type, "t", "a", detail.dump(), "", ""};
  };
  std::vector<CustodyEvent> ok{ev(1, "received"), ev(2, "wipe_failed"), ev(3, "queued_for_destruction"),
                               ev(4, "handed_over", {{"contractor", "Acme"}}),
                               ev(5, "destroyed", {{"performed_by_kind", "contractor"}, {"performed_by", "Acme"}}),
                               ev(6, "certificate_issued")};
  CHECK(custody_gaps(ok).empty());
  CHECK(custody_state(ok) == "certificate_issued");
  std::vector<CustodyEvent> no_intake{ev(1, "queued_for_destruction")};
  CHECK_THAT(custody_gaps(no_intake).front(), Catch::Contains("no received event"));
  CHECK(awaiting_destruction(no_intake));
  auto p = custody_label_payload("WPC-0123456789", "S/N 1");
  auto back = parse_custody_label(p);
  REQUIRE(back);
  CHECK(back->first == "WPC-0123456789");
  CHECK(back->second == "S/N 1");
  CHECK_FALSE(parse_custody_label("wipeproof-cert:x"));
}
