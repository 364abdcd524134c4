// `wipeproof station`: the registry and REST API (docs/station-api.md), and `station token create`.
#include <csignal>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
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
  create->callback([c, &exit_code] { exit_code = run_token_create(*c); });
  cmd->callback([c, cmd, &exit_code] {
    if (cmd->got_subcommand("token")) return;
    exit_code = run_station(*c);
  });
}

}  // namespace wipeproof::cli
