#pragma once
// The certificate registry: SQLite (WAL, versioned schema migrations) holding every accepted
// certificate with its signature and PDF, API tokens (stored as SHA-256, never in clear) with
// their roles, and an append-only audit log. One Registry per process; calls are serialised.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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

enum class Role { read = 1, operator_ = 2, admin = 3 };
const char* role_name(Role r);
std::optional<Role> parse_role(const std::string& s);

class Registry {
 public:
  static Result<std::unique_ptr<Registry>> open(const std::string& path);
  ~Registry();
  int schema_version() const { return version_; }

  /// false when a certificate with this id is already held (nothing changes).
  Result<bool> insert_certificate(const CertificateRow& row);
  Result<std::vector<CertificateRow>> find_certificates(const CertificateFilter& filter, bool with_files = false);
  Result<std::optional<CertificateRow>> get_certificate(const std::string& id);

  /// Creates a token with `role`; returns it (shown once, stored only as its SHA-256).
  Result<std::string> create_token(Role role, const std::string& label);
  Result<std::optional<Role>> role_of(const std::string& token);

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
  sqlite3* db_ = nullptr;
  int version_ = 0;
  std::mutex mutex_;
};

}  // namespace wipeproof::station
