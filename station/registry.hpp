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
  std::string operator_name;            ///< exact, empty = any
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

/// A drive in the chain of custody, by the identity read from it (or typed, said so).
struct CustodyDrive {
  std::string custody_id;   ///< "WPC-" + 10 hex digits: printed on labels
  std::string serial, model, wwn;
  std::string identity_source = "read";  ///< read | typed
  std::string asset;
  std::string created_at;
};

/// One custody event. Events of all drives form one hash chain (seq from 1, no gaps):
/// entry_sha256 = SHA-256("seq\ncustody_id\ntype\nat\nactor\ndetail\nprev_sha256").
struct CustodyEvent {
  std::uint64_t seq = 0;
  std::string custody_id, type, at, actor;
  std::string detail;  ///< JSON object
  std::string prev_sha256, entry_sha256;
};
std::string custody_event_hash(const CustodyEvent& e);

/// SHA-256 of "seq\nid\ncert_sha256\nat\nprev_sha256": the registry ledger's entry hash.
std::string ledger_entry_hash(const RegistryLedgerEntry& e);

/// The registry, on SQLite (a file path: the embedded default) or PostgreSQL (a
/// postgresql:// URL, so several stations share one registry). Both keep the same schema, the
/// same append-only rules (enforced in the database by triggers) and the same ledger.
class Registry {
 public:
  /// `where`: a file path or postgresql://…; `ledger_mirror`: a ledger.jsonl (certs/ledger.hpp)
  /// that receives a copy of every ledger entry.
  static Result<std::unique_ptr<Registry>> open(const std::string& where, const std::string& ledger_mirror = "");
  static bool is_postgresql(const std::string& where);
  virtual ~Registry() = default;
  virtual int schema_version() const = 0;
  virtual const char* backend() const = 0;  ///< "sqlite" or "postgresql"

  /// false when a certificate with this id is already held (nothing changes). An accepted
  /// certificate gets the next ledger entry in the same transaction.
  Result<bool> insert_certificate(const CertificateRow& row);
  virtual Result<std::vector<RegistryLedgerEntry>> ledger_entries() = 0;
  virtual Result<std::vector<std::string>> certificate_ids() = 0;
  virtual Result<std::vector<CertificateRow>> find_certificates(const CertificateFilter& filter, bool with_files = false) = 0;
  virtual Result<std::optional<CertificateRow>> get_certificate(const std::string& id) = 0;

  /// Jobs survive a restart: their last state (JSON) by id.
  virtual Result<void> save_job(const std::string& id, const std::string& device, const std::string& status,
                                const std::string& state_json) = 0;
  virtual Result<std::vector<std::string>> job_states(std::size_t last) = 0;

  /// Creates a token with `role`; returns it (shown once, stored only as its SHA-256).
  Result<std::string> create_token(Role role, const std::string& label);
  Result<std::optional<Role>> role_of(const std::string& token);

  /// Refused when the name exists.
  virtual Result<void> create_user(const UserRow& user) = 0;
  virtual Result<std::optional<UserRow>> get_user(const std::string& name) = 0;
  virtual Result<void> set_login_state(const std::string& name, int failures, const std::string& locked_until) = 0;

  /// Chain of custody (station/custody.hpp has the rules). Refused when the id exists.
  virtual Result<void> create_custody(const CustodyDrive& drive) = 0;
  /// Drives whose custody id or serial is `key`, newest first.
  virtual Result<std::vector<CustodyDrive>> find_custody(const std::string& key) = 0;
  virtual Result<std::vector<CustodyDrive>> list_custody() = 0;
  /// Appends the next event of the one chain (numbered under a lock, like the ledger).
  virtual Result<CustodyEvent> append_custody_event(const std::string& custody_id, const std::string& type,
                                                    const std::string& actor, const std::string& detail_json) = 0;
  /// The events of one drive, or of all drives when `custody_id` is empty, in chain order.
  virtual Result<std::vector<CustodyEvent>> custody_events(const std::string& custody_id) = 0;

  /// Called with every audit entry after it is stored (the station logs them as JSON lines).
  using AuditSink = std::function<void(const std::string& at, const std::string& actor, const std::string& action,
                                       const std::string& detail)>;
  void set_audit_sink(AuditSink sink) { sink_ = std::move(sink); }

  /// Appends to the audit log (never updated or deleted: triggers refuse it).
  Result<void> audit(const std::string& actor, const std::string& action, const std::string& detail);
  virtual Result<std::vector<std::string>> audit_lines(std::size_t last) = 0;

  /// A consistent copy while the station runs, checked before it is renamed into place: a SQLite
  /// file in both cases (a PostgreSQL registry is exported table by table in one snapshot).
  /// Returns the certificates it holds.
  virtual Result<std::size_t> backup_to(const std::string& path) = 0;

 protected:
  Registry() = default;
  /// Inserts the certificate and, if it was new, its ledger entry (returned) in one transaction.
  virtual Result<std::optional<RegistryLedgerEntry>> insert_with_ledger(const CertificateRow& row) = 0;
  virtual Result<void> insert_token(const std::string& sha256, Role role, const std::string& label) = 0;
  virtual Result<std::optional<Role>> token_role(const std::string& sha256) = 0;
  virtual Result<void> insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                                    const std::string& detail) = 0;
  std::string ledger_mirror_;

 private:
  AuditSink sink_;
};

}  // namespace wipeproof::station
