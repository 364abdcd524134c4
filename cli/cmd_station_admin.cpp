// `wipeproof station token create | user add | backup | restore | ledger check`: the station's
// administration, done on the station host with direct access to DATA (no API).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "certs/cms_signature.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/station_cli.hpp"
#include "core/sha256.hpp"
#include "core/sys.hpp"
#include "station/auth.hpp"
#include "station/ledger_check.hpp"
#include "station/qr.hpp"
#include "station/registry.hpp"

namespace wipeproof::cli {

std::string registry_path(const std::string& dir) { return (std::filesystem::path(dir) / "registry.db").string(); }

std::string registry_of(const StationCli& c) {
  if (!c.registry.empty()) return c.registry;
  if (const char* env = std::getenv("WIPEPROOF_REGISTRY"); env && *env) return env;
  return registry_path(c.data);
}

int fail_with(const Error& e) {
  print_error(e, false);
  return exit_code_for(e);
}

namespace {

Result<std::unique_ptr<station::Registry>> open_existing(const StationCli& c) {
  std::string where = registry_of(c);
  if (!station::Registry::is_postgresql(where) && !std::filesystem::exists(where))
    return make_error(ErrorKind::usage, c.data + " holds no registry: start the station once first");
  return station::Registry::open(where, (std::filesystem::path(c.data) / "ledger.jsonl").string());
}

}  // namespace

int run_token_create(const StationCli& c) {
  auto role = station::parse_role(c.role);
  if (!role) return fail_with(Error{ErrorKind::usage, 0, "--role must be read, operator or admin"});
  auto reg = open_existing(c);
  if (!reg) return fail_with(reg.error());
  auto t = (*reg)->create_token(*role, c.label);
  if (!t) return fail_with(t.error());
  (void)(*reg)->audit("cli", "token", fmt::format("{} token created ({})", c.role, c.label));
  fmt::print("{}\n", *t);
  return kExitOk;
}

/// A dashboard account: password (asked twice on a terminal, or one line on stdin with
/// --password-stdin) and a TOTP secret shown once as text, otpauth URI and QR code.
int run_user_add(const StationCli& c) {
  auto role = station::parse_role(c.role);
  if (!role) return fail_with(Error{ErrorKind::usage, 0, "--role must be read, operator or admin"});
  auto reg = open_existing(c);
  if (!reg) return fail_with(reg.error());
  std::string password;
  if (c.password_stdin || !::isatty(STDIN_FILENO)) {
    std::getline(std::cin, password);
  } else {
    const char* a = ::getpass("password (12+ characters): ");
    password = a ? a : "";
    const char* b = ::getpass("again: ");
    if (!b || password != b) return fail_with(Error{ErrorKind::usage, 0, "the passwords differ"});
  }
  auto user = station::new_user(c.user, *role, password);
  if (!user) return fail_with(user.error());
  if (auto r = (*reg)->create_user(*user); !r) return fail_with(r.error());
  (void)(*reg)->audit("cli", "user", fmt::format("user {} created with role {}", c.user, c.role));
  std::string uri = station::otpauth_uri("wipeproof", c.user, user->totp_secret);
  if (!c.qr_svg.empty()) {
    auto svg = station::qr_svg(uri);
    if (!svg) return fail_with(svg.error());
    if (auto w = write_file_atomic(c.qr_svg, *svg, 0600); !w) return fail_with(w.error());
  }
  auto qr = station::qr_terminal(uri);
  fmt::print("user {} ({}) created. Enrol the second factor now; it is not shown again.\n"
             "totp secret: {}\notpauth uri: {}\n{}",
             c.user, c.role, user->totp_secret, uri, qr ? *qr : "");
  return kExitOk;
}

/// A consistent copy of the registry (safe while the station runs) and FILE.sha256 beside it.
int run_backup(const StationCli& c) {
  auto reg = open_existing(c);
  if (!reg) return fail_with(reg.error());
  auto copied = (*reg)->backup_to(c.to);
  if (!copied) return fail_with(copied.error());
  std::size_t count = *copied;
  // Hash the file as written: opening it as a registry would change it (WAL mode).
  auto sum = sha256_file(c.to);
  if (!sum) return fail_with(sum.error());
  if (auto w = write_file_atomic(c.to + ".sha256", fmt::format("{}  {}\n", *sum, std::filesystem::path(c.to).filename().string()));
      !w)
    return fail_with(w.error());
  (void)(*reg)->audit("cli", "backup", fmt::format("to {} ({} certificates, sha256 {})", c.to, count, *sum));
  fmt::print("backup: {} ({} certificates)\nsha256: {}\n", c.to, count, *sum);
  return kExitOk;
}

/// Restores a backup after checking its SHA-256, SQLite's integrity check, and every
/// certificate's signature against the trusted CA.
int run_restore(const StationCli& c) {
  auto listed = read_text_file(c.from + ".sha256");
  if (!listed) return fail_with(Error{ErrorKind::usage, 0, "no " + c.from + ".sha256 beside the backup"});
  auto sum = sha256_file(c.from);
  if (!sum) return fail_with(sum.error());
  if (listed->substr(0, 64) != *sum)
    return fail_with(Error{ErrorKind::refused, 0, c.from + ": SHA-256 does not match " + c.from + ".sha256 (damaged or altered)"});
  std::string ca = !c.ca.empty() ? c.ca : !c.keys.empty() ? (std::filesystem::path(c.keys) / "org-ca.pem").string() : "";
  if (ca.empty()) return fail_with(Error{ErrorKind::usage, 0, "restore needs --ca or --keys to re-verify the certificates"});
  std::string target = registry_path(c.data);
  if (std::filesystem::exists(target) && !c.replace)
    return fail_with(Error{ErrorKind::refused, 0, target + " exists: stop the station and pass --replace (it is kept as registry.db.replaced)"});
  std::error_code ec;
  std::filesystem::create_directories(c.data, ec);
  std::string staged = target + ".restoring";
  std::filesystem::copy_file(c.from, staged, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return fail_with(Error{ErrorKind::sys, ec.value(), "copy " + c.from});
  std::size_t good = 0;
  std::vector<std::string> bad;
  {
    auto reg = station::Registry::open(staged);  // also migrates an older schema
    if (!reg) return fail_with(reg.error());
    station::CertificateFilter all;
    all.limit = 100000000;
    auto rows = (*reg)->find_certificates(all, true);
    if (!rows) return fail_with(rows.error());
    for (const auto& r : *rows) {
      auto ok = certs::verify_detached(r.json, r.p7s, ca);
      if (ok.status == certs::SignatureStatus::valid) ++good;
      else bad.push_back(r.id);
    }
  }
  if (!bad.empty()) {
    std::filesystem::remove(staged, ec);
    return fail_with(Error{ErrorKind::refused, 0, fmt::format("{} certificate(s) in the backup do not verify (first {}): not restored", bad.size(), bad.front())});
  }
  if (std::filesystem::exists(target)) std::filesystem::rename(target, target + ".replaced", ec);
  std::filesystem::rename(staged, target, ec);
  if (ec) return fail_with(Error{ErrorKind::sys, ec.value(), "rename into " + target});
  fmt::print("restored {} certificates into {}; every one verifies against {}\n", good, target, ca);
  return kExitOk;
}


/// The registry's ledger (and DATA/ledger.jsonl, or --ledger FILE) against the certificates the
/// registry holds: names every missing range. Exit 6 when anything is missing or altered.
int run_ledger_check(const StationCli& c) {
  std::string db = !c.db.empty() ? c.db : registry_of(c);
  if (!station::Registry::is_postgresql(db) && !std::filesystem::exists(db))
    return fail_with(Error{ErrorKind::usage, 0, "no registry at " + db});
  auto reg = station::Registry::open(db);
  if (!reg) return fail_with(reg.error());
  auto entries = (*reg)->ledger_entries();
  auto ids = (*reg)->certificate_ids();
  if (!entries) return fail_with(entries.error());
  if (!ids) return fail_with(ids.error());
  std::set<std::string> held(ids->begin(), ids->end());
  std::vector<station::LedgerCheckReport> reports{station::check_registry_ledger(*entries, held)};
  std::string file = !c.ledger.empty() ? c.ledger : (std::filesystem::path(c.data) / "ledger.jsonl").string();
  if (!c.ledger.empty() || std::filesystem::exists(file)) {
    auto r = station::check_ledger_file(file, held);
    if (!r) return fail_with(r.error());
    reports.push_back(*r);
  }
  bool intact = true;
  fmt::print("registry {}: {} certificates\n", station::Registry::is_postgresql(db) ? "(postgresql)" : db, held.size());
  for (const auto& r : reports) {
    intact = intact && r.intact();
    fmt::print("ledger {}: {} entries, {}\n", r.source, r.entries, r.intact() ? "intact" : "NOT intact");
    for (const auto& m : r.missing) {
      fmt::print("  missing certificates: ledger entries {} ({} certificate(s))\n", station::range_text(m), m.certificate_ids.size());
      for (const auto& id : m.certificate_ids) fmt::print("    {}\n", id);
    }
    for (const auto& h : r.holes) fmt::print("  missing ledger entries: {}\n", station::range_text(h));
    for (const auto& p : r.problems) fmt::print("  {}\n", p);
  }
  return intact ? kExitOk : kExitTampered;
}

}  // namespace wipeproof::cli
