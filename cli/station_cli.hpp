#pragma once
// Shared by cmd_station.cpp (the daemon) and cmd_station_admin.cpp (tokens, users, backup,
// restore, ledger check): the options of `wipeproof station …`.
#include <string>

#include "core/result.hpp"

namespace wipeproof::cli {

struct StationCli {
  std::string config;
  std::string data = "/var/lib/wipeproof/station";
  std::string listen = "127.0.0.1:8443";
  bool no_tls = false;
  int poll_ms = 500;
  std::string ca, keys, site;
  std::string role = "read", label;
  std::string to, from;
  bool replace = false;
  std::string user, qr_svg;
  bool password_stdin = false;
  std::string db, ledger;
  std::string registry;  ///< postgresql://… (shared registry); "" = DATA/registry.db
};

std::string registry_path(const std::string& data_dir);
/// The registry the station uses: --registry (or WIPEPROOF_REGISTRY), else DATA/registry.db.
std::string registry_of(const StationCli& c);
int fail_with(const Error& e);

int run_token_create(const StationCli& c);
int run_user_add(const StationCli& c);
int run_backup(const StationCli& c);
int run_restore(const StationCli& c);
int run_ledger_check(const StationCli& c);

}  // namespace wipeproof::cli
