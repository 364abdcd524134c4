#include "station/registry.hpp"

#include <fmt/format.h>

#include "certs/ledger.hpp"
#include "certs/openssl_util.hpp"
#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "station/registry_pg.hpp"
#include "station/registry_sqlite.hpp"

namespace wipeproof::station {

const char* role_name(Role r) {
  switch (r) {
    case Role::read: return "read";
    case Role::operator_: return "operator";
    case Role::admin: return "admin";
  }
  return "?";
}

std::optional<Role> parse_role(const std::string& s) {
  if (s == "read") return Role::read;
  if (s == "operator") return Role::operator_;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

std::string ledger_entry_hash(const RegistryLedgerEntry& e) {
  std::string canonical = fmt::format("{}\n{}\n{}\n{}\n{}", e.seq, e.certificate_id, e.cert_sha256, e.at, e.prev_sha256);
  return certs::sha256_hex(canonical.data(), canonical.size());
}

std::string custody_event_hash(const CustodyEvent& e) {
  std::string canonical = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", e.seq, e.custody_id, e.type, e.at, e.actor, e.detail,
                                      e.prev_sha256);
  return certs::sha256_hex(canonical.data(), canonical.size());
}

bool Registry::is_postgresql(const std::string& where) {
  return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Registry>> Registry::open(const std::string& where, const std::string& ledger_mirror) {
  if (is_postgresql(where)) return PgRegistry::open(where, ledger_mirror);
  return SqliteRegistry::open(where, ledger_mirror);
}

Result<bool> Registry::insert_certificate(const CertificateRow& row) {
  WP_ASSIGN_OR_RETURN(auto entry, insert_with_ledger(row));
  if (!entry) return false;
  if (!ledger_mirror_.empty()) {
    // The mirror is a second, independent copy (DATA/ledger.jsonl): rows deleted from the
    // database, even the newest ones, are still named by it.
    WP_RETURN_IF_ERROR(certs::ledger_append(ledger_mirror_, row.id, row.sha256, entry->at));
  }
  return true;
}

Result<std::string> Registry::create_token(Role role, const std::string& label) {
  std::vector<std::byte> raw(32);
  WP_RETURN_IF_ERROR(random_bytes(raw));
  std::string token = "wpt_" + to_hex(raw);
  WP_RETURN_IF_ERROR(insert_token(certs::sha256_hex(token.data(), token.size()), role, label));
  return token;
}

Result<std::optional<Role>> Registry::role_of(const std::string& token) {
  return token_role(certs::sha256_hex(token.data(), token.size()));
}

Result<void> Registry::audit(const std::string& actor, const std::string& action, const std::string& detail) {
  std::string at = now_utc();
  WP_RETURN_IF_ERROR(insert_audit(at, actor, action, detail));
  if (sink_) sink_(at, actor, action, detail);
  return {};
}

}  // namespace wipeproof::station
