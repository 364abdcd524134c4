#pragma once
// The registry on PostgreSQL (libpqxx), so several stations share one registry: the same schema,
// append-only triggers and ledger as SQLite. Ledger entries are numbered under an exclusive table
// lock, so two stations ingesting at once still make one gap-free chain; migrations run under an
// advisory lock, so stations starting together migrate once.
#include <memory>
#include <mutex>

#include "station/registry.hpp"

namespace wipeproof::station {

class PgRegistry final : public Registry {
 public:
  static Result<std::unique_ptr<Registry>> open(const std::string& url, const std::string& ledger_mirror);
  ~PgRegistry() override;
  int schema_version() const override { return version_; }
  const char* backend() const override { return "postgresql"; }

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

 protected:
  Result<std::optional<RegistryLedgerEntry>> insert_with_ledger(const CertificateRow& row) override;
  Result<void> insert_token(const std::string& sha256, Role role, const std::string& label) override;
  Result<std::optional<Role>> token_role(const std::string& sha256) override;
  Result<void> insert_audit(const std::string& at, const std::string& actor, const std::string& action,
                            const std::string& detail) override;

 private:
  PgRegistry() = default;
  template <typename Fn>
  auto run(const char* what, Fn&& fn) -> decltype(fn());
  Result<void> migrate();
  std::string url_;
  struct Connection;  ///< wraps pqxx::connection (a typedef, so not forward-declarable)
  std::unique_ptr<Connection> conn_;
  int version_ = 0;
  std::mutex mutex_;
};

}  // namespace wipeproof::station
