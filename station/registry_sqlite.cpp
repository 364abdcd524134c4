#include "station/registry_sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "certs/openssl_util.hpp"
#include "core/sys.hpp"
#include "certs/ledger.hpp"

namespace wipeproof::station {
namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return Error{ErrorKind::sys, 0, fmt::format("registry: {}: {}", what, db ? sqlite3_errmsg(db) : "no database")};
}

/// One prepared statement, finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return ok_; }
  void bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void bind_blob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  int step() { return sqlite3_step(s_); }
  std::string text(int c) const {
    auto p = sqlite3_column_blob(s_, c);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : "";
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

// Schema migrations, applied in order; the database records how far it is (user_version).
const char* const kMigrations[] = {
    // 1: certificates, tokens, audit log.
    R"(CREATE TABLE certificates (
         id TEXT PRIMARY KEY, serial TEXT, model TEXT, result TEXT, level TEXT, method TEXT,
         operator TEXT, organisation TEXT, issued_at TEXT, sha256 TEXT NOT NULL,
         json BLOB NOT NULL, p7s BLOB NOT NULL, pdf BLOB, received_at TEXT NOT NULL, source TEXT NOT NULL);
       CREATE INDEX certificates_serial ON certificates(serial);
       CREATE INDEX certificates_issued ON certificates(issued_at);
       CREATE TABLE tokens (sha256 TEXT PRIMARY KEY, role INTEGER NOT NULL, label TEXT, created_at TEXT NOT NULL);
       CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
         action TEXT NOT NULL, detail TEXT NOT NULL);
       CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
       CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;)",
    // 2: the certificate ledger (one hash-chained entry per accepted certificate, so a partial
    // loss names its range), jobs that survive a restart, and dashboard users.
    R"(CREATE TABLE ledger (seq INTEGER PRIMARY KEY, certificate_id TEXT NOT NULL UNIQUE,
         cert_sha256 TEXT NOT NULL, at TEXT NOT NULL, prev_sha256 TEXT NOT NULL, entry_sha256 TEXT NOT NULL);
       CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
       CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
       CREATE TABLE jobs (id TEXT PRIMARY KEY, device TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL,
         updated_at TEXT NOT NULL);
       CREATE TABLE users (name TEXT PRIMARY KEY, role INTEGER NOT NULL, salt TEXT NOT NULL,
         password_sha256 TEXT NOT NULL, iterations INTEGER NOT NULL, totp_secret TEXT NOT NULL,
         created_at TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT NOT NULL DEFAULT '');)",
    // 3: chain of custody: drives by identity, and one hash-chained, append-only event log.
    R"(CREATE TABLE custody (custody_id TEXT PRIMARY KEY, serial TEXT NOT NULL, model TEXT, wwn TEXT,
         identity_source TEXT NOT NULL, asset TEXT, created_at TEXT NOT NULL);
       CREATE INDEX custody_serial ON custody(serial);
       CREATE TABLE custody_events (seq INTEGER PRIMARY KEY, custody_id TEXT NOT NULL, type TEXT NOT NULL,
         at TEXT NOT NULL, actor TEXT NOT NULL, detail TEXT NOT NULL, prev_sha256 TEXT NOT NULL, entry_sha256 TEXT NOT NULL);
       CREATE INDEX custody_events_id ON custody_events(custody_id);
       CREATE TRIGGER custody_events_no_update BEFORE UPDATE ON custody_events BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;
       CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;)",
};

}  // namespace

Result<std::unique_ptr<Registry>> SqliteRegistry::open(const std::string& path, const std::string& ledger_mirror) {
  std::unique_ptr<SqliteRegistry> r(new SqliteRegistry);
  r->ledger_mirror_ = ledger_mirror;
  if (sqlite3_open_v2(path.c_str(), &r->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    return tl::unexpected(db_error(r->db_, "open " + path));
  sqlite3_busy_timeout(r->db_, 5000);
  // WAL: readers (searches, exports) never block the writer (ingest); synchronous=FULL so an
  // accepted certificate survives a power cut.
  WP_RETURN_IF_ERROR(r->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  WP_RETURN_IF_ERROR(r->migrate());
  WP_RETURN_IF_ERROR(r->backfill_ledger());
  return std::unique_ptr<Registry>(std::move(r));
}

SqliteRegistry::~SqliteRegistry() { sqlite3_close_v2(db_); }

Result<void> SqliteRegistry::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "?";
    sqlite3_free(msg);
    return make_error(ErrorKind::sys, "registry: " + m);
  }
  return {};
}

Result<void> SqliteRegistry::migrate() {
  Stmt v(db_, "PRAGMA user_version");
  if (!v.ok() || v.step() != SQLITE_ROW) return tl::unexpected(db_error(db_, "user_version"));
  version_ = static_cast<int>(v.integer(0));
  const int latest = static_cast<int>(std::size(kMigrations));
  if (version_ > latest)
    return make_error(ErrorKind::usage, fmt::format("registry schema {} is newer than this wipeproof ({})", version_, latest));
  for (int i = version_; i < latest; ++i) {
    WP_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
    auto r = exec(kMigrations[i]);
    if (r) r = exec(fmt::format("PRAGMA user_version={}", i + 1));
    if (!r) {
      (void)exec("ROLLBACK");
      return r;
    }
    WP_RETURN_IF_ERROR(exec("COMMIT"));
    version_ = i + 1;
  }
  return {};
}

// Row writers shared by the live paths and the PostgreSQL-backup import (callers hold mutex_).
Result<bool> SqliteRegistry::put_certificate_locked(const CertificateRow& c, bool ignore_duplicate) {
  Stmt s(db_, ignore_duplicate
                  ? "INSERT OR IGNORE INTO certificates (id, serial, model, result, level, method, operator, organisation, "
                    "issued_at, sha256, json, p7s, pdf, received_at, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                  : "INSERT INTO certificates (id, serial, model, result, level, method, operator, organisation, "
                    "issued_at, sha256, json, p7s, pdf, received_at, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare certificate insert"));
  int i = 1;
  for (const std::string* v : {&c.id, &c.serial, &c.model, &c.result, &c.level, &c.method, &c.operator_name,
                               &c.organisation, &c.issued_at, &c.sha256})
    s.bind(i++, *v);
  s.bind_blob(i++, c.json);
  s.bind_blob(i++, c.p7s);
  s.bind_blob(i++, c.pdf);
  s.bind(i++, c.received_at.empty() ? now_utc() : c.received_at);
  s.bind(i++, c.source);
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "insert certificate"));
  return sqlite3_changes(db_) == 1;
}

Result<void> SqliteRegistry::put_ledger_locked(const RegistryLedgerEntry& e) {
  Stmt ins(db_, "INSERT INTO ledger VALUES (?,?,?,?,?,?)");
  if (!ins.ok()) return tl::unexpected(db_error(db_, "prepare ledger insert"));
  ins.bind(1, static_cast<std::int64_t>(e.seq));
  int i = 2;
  for (const std::string* v : {&e.certificate_id, &e.cert_sha256, &e.at, &e.prev_sha256, &e.entry_sha256})
    ins.bind(i++, *v);
  if (ins.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "ledger insert"));
  return {};
}

Result<void> SqliteRegistry::put_custody_event_locked(const CustodyEvent& e) {
  Stmt ins(db_, "INSERT INTO custody_events VALUES (?,?,?,?,?,?,?,?)");
  if (!ins.ok()) return tl::unexpected(db_error(db_, "prepare custody event"));
  ins.bind(1, static_cast<std::int64_t>(e.seq));
  int i = 2;
  for (const std::string* v : {&e.custody_id, &e.type, &e.at, &e.actor, &e.detail, &e.prev_sha256, &e.entry_sha256})
    ins.bind(i++, *v);
  if (ins.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "custody event"));
  return {};
}

Result<void> SqliteRegistry::put_token_locked(const std::string& sha256, Role role, const std::string& label,
                                              const std::string& created) {
  Stmt s(db_, "INSERT INTO tokens VALUES (?,?,?,?)");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare token"));
  s.bind(1, sha256);
  s.bind(2, static_cast<std::int64_t>(role));
  s.bind(3, label);
  s.bind(4, created);
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "insert token"));
  return {};
}

/// The last entry of a hash chain (ledger, custody_events): its seq and hash; 0 and 64 zeros
/// for an empty chain.
Result<std::pair<std::uint64_t, std::string>> SqliteRegistry::chain_tip_locked(const char* table) {
  Stmt last(db_, fmt::format("SELECT seq, entry_sha256 FROM {} ORDER BY seq DESC LIMIT 1", table).c_str());
  if (!last.ok()) return tl::unexpected(db_error(db_, std::string("prepare ") + table));
  if (last.step() != SQLITE_ROW) return std::make_pair(std::uint64_t{0}, std::string(64, '0'));
  return std::make_pair(static_cast<std::uint64_t>(last.integer(0)), last.text(1));
}

Result<std::optional<RegistryLedgerEntry>> SqliteRegistry::insert_with_ledger(const CertificateRow& c) {
  using Out = Result<std::optional<RegistryLedgerEntry>>;
  std::lock_guard lock(mutex_);
  // The certificate and its ledger entry commit together: the ledger never names a certificate
  // the registry did not accept, and no accepted certificate lacks an entry.
  WP_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  auto rollback = [&](Error e) -> Out {
    (void)exec("ROLLBACK");
    return tl::unexpected(std::move(e));
  };
  auto inserted = put_certificate_locked(c, true);
  if (!inserted) return rollback(inserted.error());
  if (!*inserted) {
    WP_RETURN_IF_ERROR(exec("COMMIT"));
    return std::optional<RegistryLedgerEntry>{};
  }
  auto entry = append_ledger_locked(c.id, c.sha256);
  if (!entry) return rollback(entry.error());
  WP_RETURN_IF_ERROR(exec("COMMIT"));
  return std::optional<RegistryLedgerEntry>{*entry};
}

Result<RegistryLedgerEntry> SqliteRegistry::append_ledger_locked(const std::string& id, const std::string& cert_sha256) {
  RegistryLedgerEntry e;
  e.certificate_id = id;
  e.cert_sha256 = cert_sha256;
  e.at = now_utc();
  WP_ASSIGN_OR_RETURN(auto tip, chain_tip_locked("ledger"));
  e.seq = tip.first + 1;
  e.prev_sha256 = tip.second;
  e.entry_sha256 = ledger_entry_hash(e);
  WP_RETURN_IF_ERROR(put_ledger_locked(e));
  return e;
}

Result<std::vector<RegistryLedgerEntry>> SqliteRegistry::ledger_entries() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT seq, certificate_id, cert_sha256, at, prev_sha256, entry_sha256 FROM ledger ORDER BY seq");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare ledger read"));
  std::vector<RegistryLedgerEntry> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({static_cast<std::uint64_t>(s.integer(0)), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  return out;
}

Result<std::vector<std::string>> SqliteRegistry::certificate_ids() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT id FROM certificates ORDER BY id");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare ids"));
  std::vector<std::string> out;
  while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
  return out;
}

Result<void> SqliteRegistry::backfill_ledger() {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> missing;
  {
    Stmt s(db_, "SELECT id, sha256 FROM certificates WHERE id NOT IN (SELECT certificate_id FROM ledger) "
                "ORDER BY received_at, id");
    if (!s.ok()) return tl::unexpected(db_error(db_, "prepare backfill"));
    while (s.step() == SQLITE_ROW) missing.emplace_back(s.text(0), s.text(1));
  }
  if (missing.empty()) return {};
  WP_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  for (const auto& [id, sha] : missing)
    if (auto e = append_ledger_locked(id, sha); !e) {
      (void)exec("ROLLBACK");
      return tl::unexpected(e.error());
    }
  return exec("COMMIT");
}

Result<void> SqliteRegistry::save_job(const std::string& id, const std::string& device, const std::string& status,
                                const std::string& state_json) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT INTO jobs VALUES (?1,?2,?3,?4,?5) ON CONFLICT(id) DO UPDATE SET status=?3, state=?4, updated_at=?5");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare job"));
  s.bind(1, id);
  s.bind(2, device);
  s.bind(3, status);
  s.bind(4, state_json);
  s.bind(5, now_utc());
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "save job"));
  return {};
}

Result<std::vector<std::string>> SqliteRegistry::job_states(std::size_t last) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT state FROM (SELECT state, rowid FROM jobs ORDER BY rowid DESC LIMIT ?1) ORDER BY rowid");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare jobs"));
  s.bind(1, static_cast<std::int64_t>(last));
  std::vector<std::string> out;
  while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
  return out;
}

Result<std::vector<CertificateRow>> SqliteRegistry::find_certificates(const CertificateFilter& f, bool with_files) {
  std::lock_guard lock(mutex_);
  // Empty filters match everything; dates compare as text (RFC 3339 sorts chronologically). A
  // plain date as `to` includes that whole day.
  Stmt s(db_,
         "SELECT id, serial, model, result, level, method, operator, organisation, issued_at, sha256, json, p7s, pdf, "
         "received_at, source FROM certificates WHERE (?1 = '' OR serial = ?1) AND (?2 = '' OR result = ?2) "
         "AND (?3 = '' OR issued_at >= ?3) AND (?4 = '' OR issued_at <= ?4) AND (?6 = '' OR operator = ?6) "
         "ORDER BY issued_at, id LIMIT ?5");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare search"));
  s.bind(1, f.serial);
  s.bind(2, f.result);
  s.bind(3, f.from);
  s.bind(4, f.to.size() == 10 ? f.to + "T23:59:59.999Z" : f.to);
  s.bind(5, static_cast<std::int64_t>(f.limit));
  s.bind(6, f.operator_name);
  std::vector<CertificateRow> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    CertificateRow r;
    r.id = s.text(0);
    r.serial = s.text(1);
    r.model = s.text(2);
    r.result = s.text(3);
    r.level = s.text(4);
    r.method = s.text(5);
    r.operator_name = s.text(6);
    r.organisation = s.text(7);
    r.issued_at = s.text(8);
    r.sha256 = s.text(9);
    if (with_files) {
      r.json = s.text(10);
      r.p7s = s.text(11);
      r.pdf = s.text(12);
    }
    r.received_at = s.text(13);
    r.source = s.text(14);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_error(db_, "search"));
  return out;
}

Result<std::optional<CertificateRow>> SqliteRegistry::get_certificate(const std::string& id) {
  std::vector<CertificateRow> rows;
  {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "SELECT id, json, p7s, pdf, serial, result FROM certificates WHERE id = ?1");
    if (!s.ok()) return tl::unexpected(db_error(db_, "prepare get"));
    s.bind(1, id);
    if (s.step() == SQLITE_ROW) {
      CertificateRow r;
      r.id = s.text(0);
      r.json = s.text(1);
      r.p7s = s.text(2);
      r.pdf = s.text(3);
      r.serial = s.text(4);
      r.result = s.text(5);
      rows.push_back(std::move(r));
    }
  }
  if (rows.empty()) return std::optional<CertificateRow>{};
  return std::optional<CertificateRow>{std::move(rows.front())};
}

Result<void> SqliteRegistry::insert_token(const std::string& sha256, Role role, const std::string& label) {
  std::lock_guard lock(mutex_);
  return put_token_locked(sha256, role, label, now_utc());
}

Result<std::optional<Role>> SqliteRegistry::token_role(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT role FROM tokens WHERE sha256 = ?1");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare role"));
  s.bind(1, sha256);
  if (s.step() != SQLITE_ROW) return std::optional<Role>{};
  return std::optional<Role>{static_cast<Role>(s.integer(0))};
}

Result<void> SqliteRegistry::create_user(const UserRow& u) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT OR IGNORE INTO users (name, role, salt, password_sha256, iterations, totp_secret, created_at) "
              "VALUES (?,?,?,?,?,?,?)");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare user"));
  s.bind(1, u.name);
  s.bind(2, static_cast<std::int64_t>(u.role));
  s.bind(3, u.salt);
  s.bind(4, u.password_hash);
  s.bind(5, static_cast<std::int64_t>(u.iterations));
  s.bind(6, u.totp_secret);
  s.bind(7, now_utc());
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "insert user"));
  if (sqlite3_changes(db_) != 1) return make_error(ErrorKind::refused, "user " + u.name + " already exists");
  return {};
}

Result<std::optional<UserRow>> SqliteRegistry::get_user(const std::string& name) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT name, role, salt, password_sha256, iterations, totp_secret, failures, locked_until FROM users "
              "WHERE name = ?1");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare user read"));
  s.bind(1, name);
  if (s.step() != SQLITE_ROW) return std::optional<UserRow>{};
  UserRow u{s.text(0), static_cast<Role>(s.integer(1)), s.text(2), s.text(3), static_cast<int>(s.integer(4)),
            s.text(5), static_cast<int>(s.integer(6)), s.text(7)};
  return std::optional<UserRow>{u};
}

Result<void> SqliteRegistry::set_login_state(const std::string& name, int failures, const std::string& locked_until) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE users SET failures = ?2, locked_until = ?3 WHERE name = ?1");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare login state"));
  s.bind(1, name);
  s.bind(2, static_cast<std::int64_t>(failures));
  s.bind(3, locked_until);
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "login state"));
  return {};
}

Result<void> SqliteRegistry::insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                                          const std::string& detail) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare audit"));
  s.bind(1, at);
  s.bind(2, actor);
  s.bind(3, action);
  s.bind(4, detail);
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "audit"));
  return {};
}

Result<std::vector<std::string>> SqliteRegistry::audit_lines(std::size_t last) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT seq, at, actor, action, detail FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?1) ORDER BY seq");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare audit read"));
  s.bind(1, static_cast<std::int64_t>(last));
  std::vector<std::string> out;
  while (s.step() == SQLITE_ROW)
    out.push_back(fmt::format("{} {} {} {} {}", s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)));
  return out;
}

Result<void> SqliteRegistry::create_custody(const CustodyDrive& d) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT OR IGNORE INTO custody VALUES (?,?,?,?,?,?,?)");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare custody"));
  int i = 1;
  for (const std::string* v : {&d.custody_id, &d.serial, &d.model, &d.wwn, &d.identity_source, &d.asset})
    s.bind(i++, *v);
  s.bind(i, d.created_at.empty() ? now_utc() : d.created_at);
  if (s.step() != SQLITE_DONE) return tl::unexpected(db_error(db_, "insert custody"));
  if (sqlite3_changes(db_) != 1) return make_error(ErrorKind::refused, "custody id " + d.custody_id + " exists");
  return {};
}

namespace {
std::vector<CustodyDrive> custody_rows(Stmt& s) {
  std::vector<CustodyDrive> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
  return out;
}
}  // namespace

Result<std::vector<CustodyDrive>> SqliteRegistry::find_custody(const std::string& key) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT custody_id, serial, model, wwn, identity_source, asset, created_at FROM custody "
              "WHERE custody_id = ?1 OR serial = ?1 ORDER BY created_at DESC, rowid DESC");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare custody read"));
  s.bind(1, key);
  return custody_rows(s);
}

Result<std::vector<CustodyDrive>> SqliteRegistry::list_custody() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT custody_id, serial, model, wwn, identity_source, asset, created_at FROM custody ORDER BY rowid");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare custody list"));
  return custody_rows(s);
}

Result<CustodyEvent> SqliteRegistry::append_custody_event(const std::string& custody_id, const std::string& type,
                                                          const std::string& actor, const std::string& detail) {
  std::lock_guard lock(mutex_);
  WP_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  CustodyEvent e{0, custody_id, type, now_utc(), actor, detail, "", ""};
  auto appended = [&]() -> Result<void> {
    WP_ASSIGN_OR_RETURN(auto tip, chain_tip_locked("custody_events"));
    e.seq = tip.first + 1;
    e.prev_sha256 = tip.second;
    e.entry_sha256 = custody_event_hash(e);
    return put_custody_event_locked(e);
  }();
  if (!appended) {
    (void)exec("ROLLBACK");
    return tl::unexpected(appended.error());
  }
  WP_RETURN_IF_ERROR(exec("COMMIT"));
  return e;
}

Result<std::vector<CustodyEvent>> SqliteRegistry::custody_events(const std::string& custody_id) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT seq, custody_id, type, at, actor, detail, prev_sha256, entry_sha256 FROM custody_events "
              "WHERE ?1 = '' OR custody_id = ?1 ORDER BY seq");
  if (!s.ok()) return tl::unexpected(db_error(db_, "prepare custody events"));
  s.bind(1, custody_id);
  std::vector<CustodyEvent> out;
  while (s.step() == SQLITE_ROW)
    out.push_back({static_cast<std::uint64_t>(s.integer(0)), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
                   s.text(6), s.text(7)});
  return out;
}

Result<void> SqliteRegistry::import_ledger_entry(const RegistryLedgerEntry& e) {
  std::lock_guard lock(mutex_);
  return put_ledger_locked(e);
}

Result<void> SqliteRegistry::import_certificate(const CertificateRow& c) {
  std::lock_guard lock(mutex_);
  return put_certificate_locked(c, false).map([](bool) {});
}

Result<void> SqliteRegistry::import_audit(const std::string& at, const std::string& actor, const std::string& action,
                                          const std::string& detail) {
  return insert_audit(at, actor, action, detail);
}

Result<void> SqliteRegistry::import_token(const std::string& sha256, Role role, const std::string& label,
                                          const std::string& created) {
  std::lock_guard lock(mutex_);
  return put_token_locked(sha256, role, label, created);
}

Result<void> SqliteRegistry::import_custody_event(const CustodyEvent& e) {
  std::lock_guard lock(mutex_);
  return put_custody_event_locked(e);
}

Result<void> SqliteRegistry::import_user(const UserRow& u) {
  WP_RETURN_IF_ERROR(create_user(u));
  return set_login_state(u.name, u.failures, u.locked_until);
}

Result<std::size_t> SqliteRegistry::backup_to(const std::string& path) {
  std::string tmp = path + ".partial";
  sqlite3* out = nullptr;
  if (sqlite3_open_v2(tmp.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    Error e = db_error(out, "create " + tmp);
    sqlite3_close_v2(out);
    return tl::unexpected(e);
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> guard(out, sqlite3_close_v2);
  {
    std::lock_guard lock(mutex_);
    sqlite3_backup* b = sqlite3_backup_init(out, "main", db_, "main");
    if (!b) return tl::unexpected(db_error(out, "backup"));
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return tl::unexpected(db_error(out, "backup step"));
  }
  // The copy is a plain rollback-journal database: one self-contained file.
  char* msg = nullptr;
  if (sqlite3_exec(out, "PRAGMA journal_mode=DELETE", nullptr, nullptr, &msg) != SQLITE_OK) sqlite3_free(msg);
  Stmt ic(out, "PRAGMA integrity_check");
  if (!ic.ok() || ic.step() != SQLITE_ROW || ic.text(0) != "ok")
    return make_error(ErrorKind::sys, "registry backup failed its integrity check");
  std::size_t count = 0;
  {
    Stmt n(out, "SELECT count(*) FROM certificates");
    if (n.ok() && n.step() == SQLITE_ROW) count = static_cast<std::size_t>(n.integer(0));
  }
  guard.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return sys_error("rename " + tmp, errno);
  return count;
}

}  // namespace wipeproof::station
