#pragma once
// The station's REST API, versioned under /api/v1 (docs/station-api.md), over HTTPS by default:
//   POST /api/v1/certificates                ingest (no token: the signature is the credential)
//   GET  /api/v1/certificates?serial=&result=&from=&to=    read
//   GET  /api/v1/certificates/{id}.json|.p7s|.pdf           read
//   GET  /api/v1/export.csv                                  read
//   GET  /api/v1/audit                                       admin
//   GET  /api/v1/drives, /api/v1/bays                        read
//   POST /api/v1/jobs {"device","level"|"method","confirm","operator"}   operator
//   GET  /api/v1/jobs, /api/v1/jobs/{id}                     read
//   DELETE /api/v1/jobs/{id}  (abort), POST /api/v1/jobs/{id}/restart    operator
//   GET  /api/v1/events  (server-sent events)                read
//   POST /api/v1/login, /api/v1/logout; GET /api/v1/me       (dashboard sessions)
//   GET  /  /app.js  /style.css                              the dashboard (no data in it)
// Authorization: Bearer TOKEN or the dashboard's session cookie; every request is audited.
#include <atomic>
#include <string>

#include "core/result.hpp"
#include "station/config.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

struct StationOptions {
  std::string data_dir;
  std::string host = "127.0.0.1";
  int port = 8443;
  bool tls = true;
  std::string trusted_ca;  ///< organisation CA(s) that ingested certificates must chain to
  std::string wipeproof;   ///< the binary jobs run (this one)
  std::string keys, site;  ///< signing for jobs started here; no keys: unsigned records
  std::string registry;     ///< "" = DATA/registry.db (SQLite), or postgresql://…
  std::vector<BaySpec> bays;
  int poll_ms = 500;
  int shutdown_grace_ms = 15000;
};

/// Where the registry is: options.registry, or DATA/registry.db.
std::string registry_location(const StationOptions& options);

/// Prepares DATA (0700): registry, admin.token on first start, TLS identity. Returns the admin
/// token when it was just created (printed once), else "".
Result<std::string> prepare_station(const StationOptions& options);

/// Serves until `stop` is set (SIGINT/SIGTERM in the CLI). Writes DATA/port once listening.
Result<void> serve(const StationOptions& options, Registry& registry, std::atomic<bool>& stop);

}  // namespace wipeproof::station
