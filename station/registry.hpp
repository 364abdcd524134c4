#pragma once
// The certificate registry: SQLite (WAL, versioned schema migrations) holding every accepted
// certificate with its signature and PDF, API tokens (stored as SHA-256, never in clear) with
// their roles, and an append-only audit log. One Registry per process; calls are serialised.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <cstdint>
#include <vector>

#include "core/result.hpp"

struct sqlite3;

namespace wipeproof::station {

struct CertificateRow {
  std::string id;              ///< record_id
  std::string serial, model, result, level, method, operator_name, organisation;
  std::string issued_at;       ///< sanitization.finished (RFC 3339)
  std::string sha256;          ///< of the certificate bytes
  std::string json, p7s, pdf;  ///< the files as received (pdf may be empty)
  std::string received_at;
  std::string source;          ///< "ingest" or "station"
};

struct CertificateFilter {
  std::string serial, result, from, to;  ///< empty = any; from/to compare issued_at (dates or RFC 3339)
  std::size_t limit = 1000;
};

/// One entry of the registry's own ledger: seq counts accepted certificates from 1 without gaps;
/// entry_sha256 = SHA-256 of "seq\nid\ncert_sha256\nat\nprev_sha256", chained by prev_sha256.
struct RegistryLedgerEntry {
  std::uint64_t seq = 0;
  std::string certificate_id, cert_sha256, at, prev_sha256, entry_sha256;
};

enum class Role { read = 1, operator_ = 2, admin = 3 };
const char* role_name(Role r);
std::optional<Role> parse_role(const std::string& s);

/// A dashboard account (one per person, MHLW 6.5): password as PBKDF2-HMAC-SHA256 and a TOTP
/// secret (RFC 6238, base32) — both factors are required at login.
struct UserRow {
  std::string name;
  Role role = Role::read;
  std::string salt, password_hash;  ///< hex
  int iterations = 0;
  std::string totp_secret;          ///< base32
  int failures = 0;                 ///< consecutive failed logins
  std::string locked_until;         ///< RFC 3339, "" when not locked
};

class Registry {
 public:
  /// `ledger_mirror`: a ledger.jsonl (certs/ledger.hpp) that receives a copy of every entry.
  static Result<std::unique_ptr<Registry>> open(const std::string& path, const std::string& ledger_mirror = "");
  ~Registry();
  int schema_version() const { return version_; }

  /// false when a certificate with this id is already held (nothing changes). An accepted
  /// certificate gets the next ledger entry in the same transaction.
  Result<bool> insert_certificate(const CertificateRow& row);
  Result<std::vector<RegistryLedgerEntry>> ledger_entries();
  Result<std::vector<std::string>> certificate_ids();

  /// Jobs survive a restart: their last state (JSON) by id.
  Result<void> save_job(const std::string& id, const std::string& device, const std::string& status,
                        const std::string& state_json);
  Result<std::vector<std::string>> job_states(std::size_t last);
  Result<std::vector<CertificateRow>> find_certificates(const CertificateFilter& filter, bool with_files = false);
  Result<std::optional<CertificateRow>> get_certificate(const std::string& id);

  /// Creates a token with `role`; returns it (shown once, stored only as its SHA-256).
  Result<std::string> create_token(Role role, const std::string& label);
  Result<std::optional<Role>> role_of(const std::string& token);

  /// Refused when the name exists.
  Result<void> create_user(const UserRow& user);
  Result<std::optional<UserRow>> get_user(const std::string& name);
  Result<void> set_login_state(const std::string& name, int failures, const std::string& locked_until);

  /// Called with every audit entry after it is stored (the station logs them as JSON lines).
  using AuditSink = std::function<void(const std::string& at, const std::string& actor, const std::string& action,
                                       const std::string& detail)>;
  void set_audit_sink(AuditSink sink) { sink_ = std::move(sink); }

  /// Appends to the audit log (never updated or deleted: triggers refuse it).
  Result<void> audit(const std::string& actor, const std::string& action, const std::string& detail);
  Result<std::vector<std::string>> audit_lines(std::size_t last);

  /// A consistent copy while the station runs (SQLite online backup), checked with
  /// PRAGMA integrity_check before it is renamed into place. Returns the certificates it holds.
  Result<std::size_t> backup_to(const std::string& path);

 private:
  Registry() = default;
  Result<void> exec(const std::string& sql);
  Result<void> migrate();
  Result<void> backfill_ledger();  ///< entries for certificates stored before the ledger existed
  Result<RegistryLedgerEntry> append_ledger_locked(const std::string& id, const std::string& cert_sha256);
  std::string ledger_mirror_;
  AuditSink sink_;
  sqlite3* db_ = nullptr;
  int version_ = 0;
  std::mutex mutex_;
};

}  // namespace wipeproof::station
