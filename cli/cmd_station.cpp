// `wipeproof station`: the rack station daemon (docs/station-api.md) and the registration of its
// administration subcommands (cmd_station_admin.cpp).
#include <csignal>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/station_cli.hpp"
#include "core/sys.hpp"
#include "station/config.hpp"
#include "station/server.hpp"

namespace wipeproof::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

/// Flags given on the command line win over station.toml; the file wins over the defaults.
Result<station::StationOptions> options_of(StationCli c, const CLI::App& cmd) {
  std::vector<station::BaySpec> bays;
  if (!c.config.empty()) {
    WP_ASSIGN_OR_RETURN(station::StationConfig f, station::load_station_config(c.config));
    if (!cmd.count("--data") && !f.data_dir.empty()) c.data = f.data_dir;
    if (!cmd.count("--listen") && !f.listen.empty()) c.listen = f.listen;
    if (!cmd.count("--keys") && !f.keys.empty()) c.keys = f.keys;
    if (!cmd.count("--site") && !f.site.empty()) c.site = f.site;
    if (!cmd.count("--ca") && !f.ca.empty()) c.ca = f.ca;
    if (!cmd.count("--no-tls") && f.tls) c.no_tls = !*f.tls;
    if (!cmd.count("--poll-ms")) c.poll_ms = f.poll_ms;
    if (!cmd.count("--registry") && !f.registry.empty()) c.registry = f.registry;
    bays = f.bays;
  }
  station::StationOptions o;
  o.data_dir = c.data;
  o.tls = !c.no_tls;
  o.bays = bays;
  o.registry = registry_of(c);
  if (o.registry == registry_path(c.data)) o.registry.clear();
  if (c.poll_ms < 100 || c.poll_ms > 10000) return make_error(ErrorKind::usage, "--poll-ms must be 100-10000");
  o.poll_ms = c.poll_ms;
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
  if (!o.site.empty() && !std::filesystem::exists(o.site))
    return make_error(ErrorKind::usage, "site file " + o.site + " not found");
  return o;
}

int run_station(const StationCli& c, const CLI::App& cmd) {
  auto o = options_of(c, cmd);
  if (!o) return fail_with(o.error());
  auto token = station::prepare_station(*o);
  if (!token) return fail_with(token.error());
  auto reg = station::Registry::open(station::registry_location(*o), (std::filesystem::path(o->data_dir) / "ledger.jsonl").string());
  if (!reg) return fail_with(reg.error());
  // Structured log: every audit entry as one JSON line on stderr (journald keeps it).
  (*reg)->set_audit_sink([](const std::string& at, const std::string& actor, const std::string& action, const std::string& detail) {
    fmt::print(stderr, "{}\n", nlohmann::json{{"ts", at}, {"actor", actor}, {"action", action}, {"detail", detail}}.dump());
  });
  if (!token->empty()) fmt::print("first start: admin token written to {}/admin.token (0600)\n", o->data_dir);
  if (o->trusted_ca.empty())
    fmt::print(stderr, "{}\n", nlohmann::json{{"ts", ""}, {"action", "warning"},
                                              {"detail", "no --ca/--keys: every ingested certificate will be rejected"}}.dump());
  fmt::print("wipeproof station: {}://{}:{} data {}{}, {} bay(s), registry {}\n", o->tls ? "https" : "http", o->host,
             o->port, o->data_dir, o->tls ? fmt::format(" (clients pin {}/tls.pem)", o->data_dir) : "", o->bays.size(),
             (*reg)->backend());
  std::fflush(stdout);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto served = station::serve(*o, **reg, g_stop);
  if (!served) return fail_with(served.error());
  return kExitOk;
}

}  // namespace

void register_station(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<StationCli>();
  CLI::App* cmd = app.add_subcommand("station", "rack station: bays, wipe jobs, dashboard, certificate registry and REST API");
  cmd->footer(
      "The first start creates DATA (0700), DATA/registry.db (SQLite, WAL), DATA/admin.token (0600), DATA/ledger.jsonl\n"
      "and a self-signed TLS certificate DATA/tls.pem that clients pin. Loopback by default; --no-tls only behind a\n"
      "TLS-terminating reverse proxy. The dashboard is at https://HOST:PORT/ (accounts: `station user add`).\n"
      "Bays and their policies (manual, or auto = unattended wipe on insertion) come from --config station.toml\n"
      "(docs/station-api.md). Certificates sent to POST /api/v1/certificates are stored only when they verify\n"
      "against --ca (or --keys DIR/org-ca.pem). Logs: JSON lines on stderr.");
  cmd->add_option("--config", c->config, "station.toml: data, listen, keys, site, ca, tls, poll_ms and [[bay]] tables");
  cmd->add_option("--data", c->data, "data directory")->capture_default_str();
  cmd->add_option("--listen", c->listen, "HOST:PORT (PORT 0: any free port, written to DATA/port)")->capture_default_str();
  cmd->add_flag("--no-tls", c->no_tls, "plain HTTP (only behind a TLS-terminating reverse proxy)");
  cmd->add_option("--registry", c->registry,
                  "shared registry: postgresql://USER@HOST/DB (password via ~/.pgpass or PGPASSWORD; also "
                  "WIPEPROOF_REGISTRY); default DATA/registry.db");
  cmd->add_option("--poll-ms", c->poll_ms, "hot-plug scan period in ms")->capture_default_str();
  cmd->add_option("--ca", c->ca, "organisation CA certificate(s) ingested certificates must chain to");
  cmd->add_option("--keys", c->keys, "key directory: its org-ca.pem is the trusted CA, its signer signs jobs run here");
  cmd->add_option("--site", c->site, "site file for certificates of jobs run here (organisation is required to sign)");

  CLI::App* token = cmd->add_subcommand("token", "API tokens");
  CLI::App* create = token->add_subcommand("create", "print a new token (stored only as its SHA-256)");
  create->add_option("--role", c->role, "read, operator or admin")->capture_default_str();
  create->add_option("--label", c->label, "who or what the token is for");
  create->add_option("--data", c->data, "data directory")->capture_default_str();
  create->add_option("--registry", c->registry, "postgresql://… when the station uses a shared registry");
  create->callback([c, &exit_code] { exit_code = run_token_create(*c); });
  token->require_subcommand(1);

  CLI::App* user = cmd->add_subcommand("user", "dashboard accounts (one per person; password + TOTP)");
  CLI::App* add = user->add_subcommand("add", "create an account; prints its TOTP secret and QR code once");
  add->add_option("name", c->user, "user name")->required();
  add->add_option("--role", c->role, "read, operator or admin")->capture_default_str();
  add->add_option("--data", c->data, "data directory")->capture_default_str();
  add->add_option("--registry", c->registry, "postgresql://… when the station uses a shared registry");
  add->add_flag("--password-stdin", c->password_stdin, "read the password as one line from stdin (scripts)");
  add->add_option("--qr-svg", c->qr_svg, "also write the enrolment QR code as an SVG file (0600)");
  add->callback([c, &exit_code] { exit_code = run_user_add(*c); });
  user->require_subcommand(1);

  CLI::App* backup = cmd->add_subcommand("backup", "consistent, integrity-checked copy of the registry (safe while running)");
  backup->add_option("--to", c->to, "backup file (FILE.sha256 is written beside it)")->required();
  backup->add_option("--data", c->data, "data directory")->capture_default_str();
  backup->add_option("--registry", c->registry, "postgresql://… when the station uses a shared registry");
  backup->callback([c, &exit_code] { exit_code = run_backup(*c); });

  CLI::App* restore = cmd->add_subcommand("restore", "restore a backup after checking its hash, integrity and every signature");
  restore->add_option("--from", c->from, "backup file (with FILE.sha256)")->required();
  restore->add_option("--data", c->data, "data directory")->capture_default_str();
  restore->add_option("--ca", c->ca, "trusted organisation CA");
  restore->add_option("--keys", c->keys, "key directory whose org-ca.pem is trusted");
  restore->add_flag("--replace", c->replace, "replace an existing registry (kept as registry.db.replaced)");
  restore->callback([c, &exit_code] { exit_code = run_restore(*c); });

  CLI::App* ledger = cmd->add_subcommand("ledger", "the certificate ledger");
  CLI::App* check = ledger->add_subcommand(
      "check", "name every certificate the ledger lists that the registry no longer holds (exit 6 if any)");
  check->add_option("--data", c->data, "data directory")->capture_default_str();
  check->add_option("--registry", c->registry, "postgresql://… when the station uses a shared registry");
  check->add_option("--db", c->db, "check this registry file instead of DATA/registry.db (e.g. a restored copy)");
  check->add_option("--ledger", c->ledger, "ledger.jsonl to check against (default DATA/ledger.jsonl if present)");
  check->callback([c, &exit_code] { exit_code = run_ledger_check(*c); });
  ledger->require_subcommand(1);

  cmd->callback([c, cmd, &exit_code] {
    for (const char* sub : {"token", "user", "backup", "restore", "ledger"})
      if (cmd->got_subcommand(sub)) return;
    exit_code = run_station(*c, *cmd);
  });
}

}  // namespace wipeproof::cli
