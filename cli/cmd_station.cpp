// `wipeproof station`: the registry and REST API (docs/station-api.md), and `station token create`.
#include <csignal>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "certs/cms_signature.hpp"
#include "core/sha256.hpp"
#include "core/sys.hpp"
#include "station/server.hpp"

namespace wipeproof::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

struct StationCli {
  std::string data = "/var/lib/wipeproof/station";
  std::string listen = "127.0.0.1:8443";
  bool no_tls = false;
  std::string ca, keys, site;
  std::string role = "read", label;
  std::string to, from;
  bool replace = false;
};

Result<station::StationOptions> options_of(const StationCli& c) {
  station::StationOptions o;
  o.data_dir = c.data;
  o.tls = !c.no_tls;
  auto colon = c.listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(ErrorKind::usage, "--listen takes HOST:PORT, got '" + c.listen + "'");
  o.host = c.listen.substr(0, colon);
  std::string port = c.listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)  // 0: the kernel picks one, written to DATA/port
    return make_error(ErrorKind::usage, "--listen: bad port '" + port + "'");
  o.port = std::stoi(port);
  o.wipeproof = self_executable_path();
  o.keys = c.keys;
  o.site = c.site;
  o.trusted_ca = !c.ca.empty() ? c.ca : !c.keys.empty() ? (std::filesystem::path(c.keys) / "org-ca.pem").string() : "";
  if (!o.trusted_ca.empty() && !std::filesystem::exists(o.trusted_ca))
    return make_error(ErrorKind::usage, "trusted CA " + o.trusted_ca + " not found");
  return o;
}

int run_station(const StationCli& c) {
  auto o = options_of(c);
  if (!o) {
    print_error(o.error(), false);
    return exit_code_for(o.error());
  }
  auto token = station::prepare_station(*o);
  if (!token) {
    print_error(token.error(), false);
    return exit_code_for(token.error());
  }
  auto reg = station::Registry::open((std::filesystem::path(o->data_dir) / "registry.db").string());
  if (!reg) {
    print_error(reg.error(), false);
    return exit_code_for(reg.error());
  }
  if (!token->empty())
    fmt::print("first start: admin token written to {}/admin.token (0600)\n", o->data_dir);
  if (o->trusted_ca.empty())
    fmt::print(stderr, "warning: no --ca/--keys: every ingested certificate will be rejected (no trusted CA)\n");
  fmt::print("wipeproof station: {}://{}:{} data {}{}\n", o->tls ? "https" : "http", o->host, o->port, o->data_dir,
             o->tls ? fmt::format(" (clients pin {}/tls.pem)", o->data_dir) : "");
  std::fflush(stdout);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto served = station::serve(*o, **reg, g_stop);
  if (!served) {
    print_error(served.error(), false);
    return exit_code_for(served.error());
  }
  return kExitOk;
}

int run_token_create(const StationCli& c) {
  auto role = station::parse_role(c.role);
  if (!role) {
    print_error(Error{ErrorKind::usage, 0, "--role must be read, operator or admin"}, false);
    return kExitUsage;
  }
  if (!std::filesystem::exists(std::filesystem::path(c.data) / "registry.db")) {
    print_error(Error{ErrorKind::usage, 0, c.data + " holds no registry: start the station once first"}, false);
    return kExitUsage;
  }
  auto reg = station::Registry::open((std::filesystem::path(c.data) / "registry.db").string());
  if (!reg) {
    print_error(reg.error(), false);
    return exit_code_for(reg.error());
  }
  auto t = (*reg)->create_token(*role, c.label);
  if (!t) {
    print_error(t.error(), false);
    return exit_code_for(t.error());
  }
  (void)(*reg)->audit("cli", "token", fmt::format("{} token created ({})", c.role, c.label));
  fmt::print("{}\n", *t);
  return kExitOk;
}

std::string registry_path(const std::string& dir) { return (std::filesystem::path(dir) / "registry.db").string(); }

int fail_with(const Error& e) {
  print_error(e, false);
  return exit_code_for(e);
}

/// A consistent copy of the registry (safe while the station runs) and FILE.sha256 beside it.
int run_backup(const StationCli& c) {
  if (!std::filesystem::exists(registry_path(c.data))) return fail_with(Error{ErrorKind::usage, 0, c.data + " holds no registry"});
  auto reg = station::Registry::open(registry_path(c.data));
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
    auto rows = (*reg)->find_certificates({"", "", "", "", 100000000}, true);
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

}  // namespace

void register_station(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<StationCli>();
  CLI::App* cmd = app.add_subcommand("station", "rack station: certificate registry and REST API (docs/station-api.md)");
  cmd->footer("The first start creates DATA (0700), DATA/registry.db (SQLite, WAL), DATA/admin.token (0600) and a\n"
              "self-signed TLS certificate DATA/tls.pem that clients pin. Loopback by default; --no-tls only\n"
              "behind a reverse proxy. Certificates sent to POST /api/v1/certificates are stored only when they\n"
              "verify against --ca (or --keys DIR/org-ca.pem).");
  cmd->add_option("--data", c->data, "data directory")->capture_default_str();
  cmd->add_option("--listen", c->listen, "HOST:PORT")->capture_default_str();
  cmd->add_flag("--no-tls", c->no_tls, "plain HTTP (only behind a TLS-terminating reverse proxy)");
  cmd->add_option("--ca", c->ca, "organisation CA certificate(s) ingested certificates must chain to");
  cmd->add_option("--keys", c->keys, "key directory: its org-ca.pem is the trusted CA, its signer signs jobs run here");
  cmd->add_option("--site", c->site, "site file for certificates of jobs run here");
  CLI::App* token = cmd->add_subcommand("token", "API tokens");
  CLI::App* create = token->add_subcommand("create", "print a new token (stored only as its SHA-256)");
  create->add_option("--role", c->role, "read, operator or admin")->capture_default_str();
  create->add_option("--label", c->label, "who or what the token is for");
  create->add_option("--data", c->data, "data directory")->capture_default_str();
  token->require_subcommand(1);
  CLI::App* backup = cmd->add_subcommand("backup", "consistent, integrity-checked copy of the registry (safe while running)");
  backup->add_option("--to", c->to, "backup file (FILE.sha256 is written beside it)")->required();
  backup->add_option("--data", c->data, "data directory")->capture_default_str();
  backup->callback([c, &exit_code] { exit_code = run_backup(*c); });
  CLI::App* restore = cmd->add_subcommand("restore", "restore a backup after checking its hash, integrity and every signature");
  restore->add_option("--from", c->from, "backup file (with FILE.sha256)")->required();
  restore->add_option("--data", c->data, "data directory")->capture_default_str();
  restore->add_option("--ca", c->ca, "trusted organisation CA");
  restore->add_option("--keys", c->keys, "key directory whose org-ca.pem is trusted");
  restore->add_flag("--replace", c->replace, "replace an existing registry (kept as registry.db.replaced)");
  restore->callback([c, &exit_code] { exit_code = run_restore(*c); });
  create->callback([c, &exit_code] { exit_code = run_token_create(*c); });
  cmd->callback([c, cmd, &exit_code] {
    if (cmd->got_subcommand("token") || cmd->got_subcommand("backup") || cmd->got_subcommand("restore")) return;
    exit_code = run_station(*c);
  });
}

}  // namespace wipeproof::cli
