#pragma once
// The registry on SQLite: one file, WAL (readers never block the ingest writer), synchronous=FULL
// (an accepted certificate survives a power cut), schema versioned with PRAGMA user_version.
#include <mutex>

#include "station/registry.hpp"

struct sqlite3;

namespace wipeproof::station {

class SqliteRegistry final : public Registry {
 public:
  static Result<std::unique_ptr<Registry>> open(const std::string& path, const std::string& ledger_mirror);
  ~SqliteRegistry() override;
  int schema_version() const override { return version_; }
  const char* backend() const override { return "sqlite"; }

  Result<std::vector<RegistryLedgerEntry>> ledger_entries() override;
  Result<std::vector<std::string>> certificate_ids() override;
  Result<std::vector<CertificateRow>> find_certificates(const CertificateFilter& filter, bool with_files) override;
  Result<std::optional<CertificateRow>> get_certificate(const std::string& id) override;
  Result<void> save_job(const std::string& id, const std::string& device, const std::string& status,
                        const std::string& state_json) override;
  Result<std::vector<std::string>> job_states(std::size_t last) override;
  Result<void> create_user(const UserRow& user) override;
  Result<std::optional<UserRow>> get_user(const std::string& name) override;
  Result<void> set_login_state(const std::string& name, int failures, const std::string& locked_until) override;
  Result<std::vector<std::string>> audit_lines(std::size_t last) override;
  Result<void> create_custody(const CustodyDrive& drive) override;
  Result<std::vector<CustodyDrive>> find_custody(const std::string& key) override;
  Result<std::vector<CustodyDrive>> list_custody() override;
  Result<CustodyEvent> append_custody_event(const std::string& custody_id, const std::string& type,
                                            const std::string& actor, const std::string& detail_json) override;
  Result<std::vector<CustodyEvent>> custody_events(const std::string& custody_id) override;
  Result<std::size_t> backup_to(const std::string& path) override;

  /// For a PostgreSQL backup: rows copied as they are (ledger numbers and audit order kept).
  Result<void> import_ledger_entry(const RegistryLedgerEntry& e);
  Result<void> import_certificate(const CertificateRow& row);
  Result<void> import_audit(const std::string& at, const std::string& actor, const std::string& action,
                            const std::string& detail);
  Result<void> import_token(const std::string& sha256, Role role, const std::string& label, const std::string& created);
  Result<void> import_user(const UserRow& user);
  Result<void> import_custody_event(const CustodyEvent& e);
  Result<void> exec(const std::string& sql);

 protected:
  Result<std::optional<RegistryLedgerEntry>> insert_with_ledger(const CertificateRow& row) override;
  Result<void> insert_token(const std::string& sha256, Role role, const std::string& label) override;
  Result<std::optional<Role>> token_role(const std::string& sha256) override;
  Result<void> insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                            const std::string& detail) override;

 private:
  SqliteRegistry() = default;
  Result<void> migrate();
  Result<void> backfill_ledger();  ///< entries for certificates stored before the ledger existed
  Result<RegistryLedgerEntry> append_ledger_locked(const std::string& id, const std::string& cert_sha256);
  Result<bool> put_certificate_locked(const CertificateRow& row, bool ignore_duplicate);
  Result<void> put_ledger_locked(const RegistryLedgerEntry& entry);
  Result<void> put_custody_event_locked(const CustodyEvent& event);
  Result<void> put_token_locked(const std::string& sha256, Role role, const std::string& label, const std::string& created);
  Result<std::pair<std::uint64_t, std::string>> chain_tip_locked(const char* table);
  sqlite3* db_ = nullptr;
  int version_ = 0;
  std::mutex mutex_;
};

}  // namespace wipeproof::station
