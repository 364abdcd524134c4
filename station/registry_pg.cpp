#include "station/registry_pg.hpp"

#include <filesystem>
#include <tuple>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "station/registry_sqlite.hpp"

namespace wipeproof::station {
namespace {

// Schema migrations, applied in order under an advisory lock; wipeproof_schema holds the version.
// Same tables as SQLite (registry_sqlite.cpp); append-only tables refuse UPDATE, DELETE, TRUNCATE.
const char* const kMigrations[] = {
    R"(CREATE TABLE certificates (
         id TEXT PRIMARY KEY, serial TEXT, model TEXT, result TEXT, level TEXT, method TEXT,
         operator TEXT, organisation TEXT, issued_at TEXT, sha256 TEXT NOT NULL,
         json BYTEA NOT NULL, p7s BYTEA NOT NULL, pdf BYTEA, received_at TEXT NOT NULL, source TEXT NOT NULL);
       CREATE INDEX certificates_serial ON certificates(serial);
       CREATE INDEX certificates_issued ON certificates(issued_at);
       CREATE TABLE tokens (sha256 TEXT PRIMARY KEY, role INTEGER NOT NULL, label TEXT, created_at TEXT NOT NULL);
       CREATE TABLE audit (seq BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
         action TEXT NOT NULL, detail TEXT NOT NULL);
       CREATE FUNCTION wipeproof_append_only() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
       CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
         FOR EACH ROW EXECUTE FUNCTION wipeproof_append_only();
       CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
         FOR EACH STATEMENT EXECUTE FUNCTION wipeproof_append_only();)",
    R"(CREATE TABLE ledger (seq BIGINT PRIMARY KEY, certificate_id TEXT NOT NULL UNIQUE,
         cert_sha256 TEXT NOT NULL, at TEXT NOT NULL, prev_sha256 TEXT NOT NULL, entry_sha256 TEXT NOT NULL);
       CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
         FOR EACH ROW EXECUTE FUNCTION wipeproof_append_only();
       CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
         FOR EACH STATEMENT EXECUTE FUNCTION wipeproof_append_only();
       CREATE TABLE jobs (id TEXT PRIMARY KEY, device TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL,
         updated_at TEXT NOT NULL, created BIGSERIAL);
       CREATE TABLE users (name TEXT PRIMARY KEY, role INTEGER NOT NULL, salt TEXT NOT NULL,
         password_sha256 TEXT NOT NULL, iterations INTEGER NOT NULL, totp_secret TEXT NOT NULL,
         created_at TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT NOT NULL DEFAULT '');)",
    R"(CREATE TABLE custody (custody_id TEXT PRIMARY KEY, serial TEXT NOT NULL, model TEXT, wwn TEXT,
         identity_source TEXT NOT NULL, asset TEXT, created_at TEXT NOT NULL, created BIGSERIAL);
       CREATE INDEX custody_serial ON custody(serial);
       CREATE TABLE custody_events (seq BIGINT PRIMARY KEY, custody_id TEXT NOT NULL, type TEXT NOT NULL,
         at TEXT NOT NULL, actor TEXT NOT NULL, detail TEXT NOT NULL, prev_sha256 TEXT NOT NULL, entry_sha256 TEXT NOT NULL);
       CREATE INDEX custody_events_id ON custody_events(custody_id);
       CREATE TRIGGER custody_events_append_only BEFORE UPDATE OR DELETE ON custody_events
         FOR EACH ROW EXECUTE FUNCTION wipeproof_append_only();
       CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
         FOR EACH STATEMENT EXECUTE FUNCTION wipeproof_append_only();)",
};
constexpr long kMigrationLock = 0x77697065;  // "wipe"

std::string bytea(const std::string& raw) {
  return "\\x" + to_hex(std::as_bytes(std::span(raw.data(), raw.size())));
}

std::string unhex(const pqxx::field& f) {
  if (f.is_null()) return "";
  auto b = from_hex(f.c_str());
  return b ? std::string(reinterpret_cast<const char*>(b->data()), b->size()) : "";
}

std::string text(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

/// The last entry of a hash chain (ledger, custody_events): seq and hash; 0 and 64 zeros when
/// empty. Callers hold the table's exclusive lock.
std::pair<std::uint64_t, std::string> chain_tip(pqxx::work& w, const char* table) {
  auto last = w.exec(std::string("SELECT seq, entry_sha256 FROM ") + table + " ORDER BY seq DESC LIMIT 1");
  if (last.empty()) return {0, std::string(64, '0')};
  return {last[0][0].as<std::uint64_t>(), text(last[0][1])};
}

}  // namespace

struct PgRegistry::Connection {
  explicit Connection(const std::string& url) : c(url) {}
  pqxx::connection c;
};

/// Runs one registry operation: serialised on the one connection, a lost connection re-opened
/// once (a shared registry may restart), every exception turned into an error value.
template <typename Fn>
auto PgRegistry::run(const char* what, Fn&& fn) -> decltype(fn()) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0;; ++attempt) {
    try {
      if (!conn_ || !conn_->c.is_open()) conn_ = std::make_unique<Connection>(url_);
      return fn();
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      if (attempt == 0) continue;
      return tl::unexpected(Error{ErrorKind::sys, 0, fmt::format("registry (postgresql): {}: connection lost: {}", what, e.what())});
    } catch (const std::exception& e) {
      return tl::unexpected(Error{ErrorKind::sys, 0, fmt::format("registry (postgresql): {}: {}", what, e.what())});
    }
  }
}

Result<std::unique_ptr<Registry>> PgRegistry::open(const std::string& url, const std::string& ledger_mirror) {
  std::unique_ptr<PgRegistry> r(new PgRegistry);
  r->url_ = url;
  r->ledger_mirror_ = ledger_mirror;
  WP_RETURN_IF_ERROR(r->migrate());
  return std::unique_ptr<Registry>(std::move(r));
}

PgRegistry::~PgRegistry() = default;

Result<void> PgRegistry::migrate() {
  const int latest = static_cast<int>(std::size(kMigrations));
  return run("migrate", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    w.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    w.exec0("CREATE TABLE IF NOT EXISTS wipeproof_schema (version INTEGER NOT NULL)");
    auto v = w.exec("SELECT version FROM wipeproof_schema");
    if (v.empty()) w.exec0("INSERT INTO wipeproof_schema VALUES (0)");
    version_ = v.empty() ? 0 : v[0][0].as<int>();
    if (version_ > latest)
      return make_error(ErrorKind::usage, fmt::format("registry schema {} is newer than this wipeproof ({})", version_, latest));
    for (int i = version_; i < latest; ++i) {
      w.exec0(kMigrations[i]);
      w.exec_params0("UPDATE wipeproof_schema SET version = $1", i + 1);
    }
    w.commit();
    version_ = latest;
    return {};
  });
}

Result<std::optional<RegistryLedgerEntry>> PgRegistry::insert_with_ledger(const CertificateRow& c) {
  return run("insert certificate", [&]() -> Result<std::optional<RegistryLedgerEntry>> {
    pqxx::work w(conn_->c);
    auto ins = w.exec_params(
        "INSERT INTO certificates (id, serial, model, result, level, method, operator, organisation, issued_at, sha256, "
        "json, p7s, pdf, received_at, source) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::bytea,$12::bytea,$13::bytea,$14,$15) "
        "ON CONFLICT (id) DO NOTHING",
        c.id, c.serial, c.model, c.result, c.level, c.method, c.operator_name, c.organisation, c.issued_at, c.sha256,
        bytea(c.json), bytea(c.p7s), bytea(c.pdf), c.received_at.empty() ? now_utc() : c.received_at, c.source);
    if (ins.affected_rows() != 1) {
      w.commit();
      return std::optional<RegistryLedgerEntry>{};
    }
    // One chain for every station sharing this registry: numbering is serialised.
    w.exec0("LOCK TABLE ledger IN EXCLUSIVE MODE");
    RegistryLedgerEntry e;
    e.certificate_id = c.id;
    e.cert_sha256 = c.sha256;
    e.at = now_utc();
    std::tie(e.seq, e.prev_sha256) = chain_tip(w, "ledger");
    ++e.seq;
    e.entry_sha256 = ledger_entry_hash(e);
    w.exec_params0("INSERT INTO ledger VALUES ($1,$2,$3,$4,$5,$6)", e.seq, e.certificate_id, e.cert_sha256, e.at,
                   e.prev_sha256, e.entry_sha256);
    w.commit();
    return std::optional<RegistryLedgerEntry>{e};
  });
}

Result<std::vector<RegistryLedgerEntry>> PgRegistry::ledger_entries() {
  return run("ledger", [&]() -> Result<std::vector<RegistryLedgerEntry>> {
    pqxx::read_transaction w(conn_->c);
    std::vector<RegistryLedgerEntry> out;
    for (const auto& r : w.exec("SELECT seq, certificate_id, cert_sha256, at, prev_sha256, entry_sha256 FROM ledger ORDER BY seq"))
      out.push_back({r[0].as<std::uint64_t>(), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5])});
    return out;
  });
}

Result<std::vector<std::string>> PgRegistry::certificate_ids() {
  return run("ids", [&]() -> Result<std::vector<std::string>> {
    pqxx::read_transaction w(conn_->c);
    std::vector<std::string> out;
    for (const auto& r : w.exec("SELECT id FROM certificates ORDER BY id")) out.push_back(text(r[0]));
    return out;
  });
}

Result<std::vector<CertificateRow>> PgRegistry::find_certificates(const CertificateFilter& f, bool with_files) {
  return run("search", [&]() -> Result<std::vector<CertificateRow>> {
    pqxx::read_transaction w(conn_->c);
    std::string files = with_files ? "encode(json, 'hex'), encode(p7s, 'hex'), encode(pdf, 'hex')" : "NULL, NULL, NULL";
    auto rows = w.exec_params(
        "SELECT id, serial, model, result, level, method, operator, organisation, issued_at, sha256, " + files +
            ", received_at, source FROM certificates WHERE ($1 = '' OR serial = $1) AND ($2 = '' OR result = $2) "
            "AND ($3 = '' OR issued_at >= $3) AND ($4 = '' OR issued_at <= $4) AND ($6 = '' OR operator = $6) "
            "ORDER BY issued_at, id LIMIT $5",
        f.serial, f.result, f.from, f.to.size() == 10 ? f.to + "T23:59:59.999Z" : f.to, static_cast<long long>(f.limit),
        f.operator_name);
    std::vector<CertificateRow> out;
    for (const auto& r : rows) {
      CertificateRow c;
      c.id = text(r[0]);
      c.serial = text(r[1]);
      c.model = text(r[2]);
      c.result = text(r[3]);
      c.level = text(r[4]);
      c.method = text(r[5]);
      c.operator_name = text(r[6]);
      c.organisation = text(r[7]);
      c.issued_at = text(r[8]);
      c.sha256 = text(r[9]);
      c.json = unhex(r[10]);
      c.p7s = unhex(r[11]);
      c.pdf = unhex(r[12]);
      c.received_at = text(r[13]);
      c.source = text(r[14]);
      out.push_back(std::move(c));
    }
    return out;
  });
}

Result<std::optional<CertificateRow>> PgRegistry::get_certificate(const std::string& id) {
  return run("get", [&]() -> Result<std::optional<CertificateRow>> {
    pqxx::read_transaction w(conn_->c);
    auto rows = w.exec_params("SELECT id, encode(json, 'hex'), encode(p7s, 'hex'), encode(pdf, 'hex'), serial, result "
                              "FROM certificates WHERE id = $1", id);
    if (rows.empty()) return std::optional<CertificateRow>{};
    CertificateRow c;
    c.id = text(rows[0][0]);
    c.json = unhex(rows[0][1]);
    c.p7s = unhex(rows[0][2]);
    c.pdf = unhex(rows[0][3]);
    c.serial = text(rows[0][4]);
    c.result = text(rows[0][5]);
    return std::optional<CertificateRow>{std::move(c)};
  });
}

Result<void> PgRegistry::save_job(const std::string& id, const std::string& device, const std::string& status,
                                  const std::string& state_json) {
  return run("save job", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    w.exec_params0("INSERT INTO jobs (id, device, status, state, updated_at) VALUES ($1,$2,$3,$4,$5) "
                   "ON CONFLICT (id) DO UPDATE SET status = $3, state = $4, updated_at = $5",
                   id, device, status, state_json, now_utc());
    w.commit();
    return {};
  });
}

Result<std::vector<std::string>> PgRegistry::job_states(std::size_t last) {
  return run("jobs", [&]() -> Result<std::vector<std::string>> {
    pqxx::read_transaction w(conn_->c);
    std::vector<std::string> out;
    for (const auto& r : w.exec_params("SELECT state FROM (SELECT state, created FROM jobs ORDER BY created DESC LIMIT $1) j "
                                       "ORDER BY created", static_cast<long long>(last)))
      out.push_back(text(r[0]));
    return out;
  });
}

Result<void> PgRegistry::insert_token(const std::string& sha256, Role role, const std::string& label) {
  return run("token", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    w.exec_params0("INSERT INTO tokens VALUES ($1,$2,$3,$4)", sha256, static_cast<int>(role), label, now_utc());
    w.commit();
    return {};
  });
}

Result<std::optional<Role>> PgRegistry::token_role(const std::string& sha256) {
  return run("role", [&]() -> Result<std::optional<Role>> {
    pqxx::read_transaction w(conn_->c);
    auto r = w.exec_params("SELECT role FROM tokens WHERE sha256 = $1", sha256);
    if (r.empty()) return std::optional<Role>{};
    return std::optional<Role>{static_cast<Role>(r[0][0].as<int>())};
  });
}

Result<void> PgRegistry::create_user(const UserRow& u) {
  return run("user", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    auto r = w.exec_params("INSERT INTO users (name, role, salt, password_sha256, iterations, totp_secret, created_at) "
                           "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (name) DO NOTHING",
                           u.name, static_cast<int>(u.role), u.salt, u.password_hash, u.iterations, u.totp_secret, now_utc());
    w.commit();
    if (r.affected_rows() != 1) return make_error(ErrorKind::refused, "user " + u.name + " already exists");
    return {};
  });
}

Result<std::optional<UserRow>> PgRegistry::get_user(const std::string& name) {
  return run("user read", [&]() -> Result<std::optional<UserRow>> {
    pqxx::read_transaction w(conn_->c);
    auto r = w.exec_params("SELECT name, role, salt, password_sha256, iterations, totp_secret, failures, locked_until "
                           "FROM users WHERE name = $1", name);
    if (r.empty()) return std::optional<UserRow>{};
    UserRow u{text(r[0][0]), static_cast<Role>(r[0][1].as<int>()), text(r[0][2]), text(r[0][3]), r[0][4].as<int>(),
              text(r[0][5]), r[0][6].as<int>(), text(r[0][7])};
    return std::optional<UserRow>{u};
  });
}

Result<void> PgRegistry::set_login_state(const std::string& name, int failures, const std::string& locked_until) {
  return run("login state", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    w.exec_params0("UPDATE users SET failures = $2, locked_until = $3 WHERE name = $1", name, failures, locked_until);
    w.commit();
    return {};
  });
}

Result<void> PgRegistry::insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                                      const std::string& detail) {
  return run("audit", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    w.exec_params0("INSERT INTO audit (at, actor, action, detail) VALUES ($1,$2,$3,$4)", at, actor, action, detail);
    w.commit();
    return {};
  });
}

Result<std::vector<std::string>> PgRegistry::audit_lines(std::size_t last) {
  return run("audit read", [&]() -> Result<std::vector<std::string>> {
    pqxx::read_transaction w(conn_->c);
    std::vector<std::string> out;
    for (const auto& r : w.exec_params("SELECT seq, at, actor, action, detail FROM (SELECT * FROM audit ORDER BY seq DESC "
                                       "LIMIT $1) a ORDER BY seq", static_cast<long long>(last)))
      out.push_back(fmt::format("{} {} {} {} {}", text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4])));
    return out;
  });
}

Result<void> PgRegistry::create_custody(const CustodyDrive& d) {
  return run("custody", [&]() -> Result<void> {
    pqxx::work w(conn_->c);
    auto r = w.exec_params("INSERT INTO custody (custody_id, serial, model, wwn, identity_source, asset, created_at) "
                           "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (custody_id) DO NOTHING",
                           d.custody_id, d.serial, d.model, d.wwn, d.identity_source, d.asset,
                           d.created_at.empty() ? now_utc() : d.created_at);
    w.commit();
    if (r.affected_rows() != 1) return make_error(ErrorKind::refused, "custody id " + d.custody_id + " exists");
    return {};
  });
}

namespace {
std::vector<CustodyDrive> custody_rows(const pqxx::result& rows) {
  std::vector<CustodyDrive> out;
  for (const auto& r : rows) out.push_back({text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), text(r[6])});
  return out;
}
}  // namespace

Result<std::vector<CustodyDrive>> PgRegistry::find_custody(const std::string& key) {
  return run("custody read", [&]() -> Result<std::vector<CustodyDrive>> {
    pqxx::read_transaction w(conn_->c);
    return custody_rows(w.exec_params("SELECT custody_id, serial, model, wwn, identity_source, asset, created_at FROM custody "
                                      "WHERE custody_id = $1 OR serial = $1 ORDER BY created DESC", key));
  });
}

Result<std::vector<CustodyDrive>> PgRegistry::list_custody() {
  return run("custody list", [&]() -> Result<std::vector<CustodyDrive>> {
    pqxx::read_transaction w(conn_->c);
    return custody_rows(w.exec("SELECT custody_id, serial, model, wwn, identity_source, asset, created_at FROM custody ORDER BY created"));
  });
}

Result<CustodyEvent> PgRegistry::append_custody_event(const std::string& custody_id, const std::string& type,
                                                      const std::string& actor, const std::string& detail) {
  return run("custody event", [&]() -> Result<CustodyEvent> {
    pqxx::work w(conn_->c);
    w.exec0("LOCK TABLE custody_events IN EXCLUSIVE MODE");
    CustodyEvent e{0, custody_id, type, now_utc(), actor, detail, "", ""};
    std::tie(e.seq, e.prev_sha256) = chain_tip(w, "custody_events");
    ++e.seq;
    e.entry_sha256 = custody_event_hash(e);
    w.exec_params0("INSERT INTO custody_events VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", e.seq, e.custody_id, e.type, e.at,
                   e.actor, e.detail, e.prev_sha256, e.entry_sha256);
    w.commit();
    return e;
  });
}

Result<std::vector<CustodyEvent>> PgRegistry::custody_events(const std::string& custody_id) {
  return run("custody events", [&]() -> Result<std::vector<CustodyEvent>> {
    pqxx::read_transaction w(conn_->c);
    std::vector<CustodyEvent> out;
    for (const auto& r : w.exec_params("SELECT seq, custody_id, type, at, actor, detail, prev_sha256, entry_sha256 "
                                       "FROM custody_events WHERE $1 = '' OR custody_id = $1 ORDER BY seq", custody_id))
      out.push_back({r[0].as<std::uint64_t>(), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), text(r[6]),
                     text(r[7])});
    return out;
  });
}

/// Exported into a SQLite file from one REPEATABLE READ snapshot, so the backup is consistent and
/// restores (and is checked) exactly like an embedded registry's.
Result<std::size_t> PgRegistry::backup_to(const std::string& path) {
  std::string staging = path + ".export";
  std::error_code ec;
  std::filesystem::remove(staging, ec);
  WP_ASSIGN_OR_RETURN(auto out_base, SqliteRegistry::open(staging, ""));
  auto* out = static_cast<SqliteRegistry*>(out_base.get());
  auto copied = run("backup", [&]() -> Result<void> {
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> w(conn_->c);
    WP_RETURN_IF_ERROR(out->exec("BEGIN"));
    for (const auto& r : w.exec("SELECT seq, certificate_id, cert_sha256, at, prev_sha256, entry_sha256 FROM ledger ORDER BY seq"))
      WP_RETURN_IF_ERROR(out->import_ledger_entry(
          {r[0].as<std::uint64_t>(), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5])}));
    for (const auto& r : w.exec("SELECT id, serial, model, result, level, method, operator, organisation, issued_at, sha256, "
                                "encode(json, 'hex'), encode(p7s, 'hex'), encode(pdf, 'hex'), received_at, source FROM certificates")) {
      CertificateRow c{text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), text(r[6]), text(r[7]),
                       text(r[8]), text(r[9]), unhex(r[10]), unhex(r[11]), unhex(r[12]), text(r[13]), text(r[14])};
      WP_RETURN_IF_ERROR(out->import_certificate(c));
    }
    for (const auto& r : w.exec("SELECT sha256, role, label, created_at FROM tokens"))
      WP_RETURN_IF_ERROR(out->import_token(text(r[0]), static_cast<Role>(r[1].as<int>()), text(r[2]), text(r[3])));
    for (const auto& r : w.exec("SELECT name, role, salt, password_sha256, iterations, totp_secret, failures, locked_until FROM users"))
      WP_RETURN_IF_ERROR(out->import_user({text(r[0]), static_cast<Role>(r[1].as<int>()), text(r[2]), text(r[3]),
                                           r[4].as<int>(), text(r[5]), r[6].as<int>(), text(r[7])}));
    for (const auto& r : w.exec("SELECT id, device, status, state FROM jobs ORDER BY created"))
      WP_RETURN_IF_ERROR(out->save_job(text(r[0]), text(r[1]), text(r[2]), text(r[3])));
    for (const auto& r : w.exec("SELECT custody_id, serial, model, wwn, identity_source, asset, created_at FROM custody ORDER BY created"))
      WP_RETURN_IF_ERROR(out->create_custody({text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), text(r[6])}));
    for (const auto& r : w.exec("SELECT seq, custody_id, type, at, actor, detail, prev_sha256, entry_sha256 FROM custody_events ORDER BY seq"))
      WP_RETURN_IF_ERROR(out->import_custody_event({r[0].as<std::uint64_t>(), text(r[1]), text(r[2]), text(r[3]), text(r[4]),
                                                    text(r[5]), text(r[6]), text(r[7])}));
    for (const auto& r : w.exec("SELECT at, actor, action, detail FROM audit ORDER BY seq"))
      WP_RETURN_IF_ERROR(out->import_audit(text(r[0]), text(r[1]), text(r[2]), text(r[3])));
    WP_RETURN_IF_ERROR(out->exec("COMMIT"));
    return {};
  });
  Result<std::size_t> count = copied ? out->backup_to(path) : Result<std::size_t>(tl::unexpected(copied.error()));
  out_base.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(staging + suffix, ec);
  return count;
}

}  // namespace wipeproof::station
