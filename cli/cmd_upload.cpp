// `wipeproof upload`: certificates to a rack station / registry over HTTPS with a pinned server
// certificate (certs/upload.hpp). Already-accepted ones are remembered in DIR/uploaded.txt so a
// later run (the next boot of the stick) sends only the rest.
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "certs/upload.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "core/sys.hpp"

namespace wipeproof::cli {
namespace {

struct UploadOptions {
  std::string station;
  std::string station_cert;
  std::vector<std::string> paths;
  bool again = false;
  bool json = false;
};

std::string ledger_of(const std::string& json_path) {
  return (std::filesystem::path(json_path).parent_path() / "uploaded.txt").string();
}

int run_upload(const UploadOptions& o) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  auto files = certs::certificate_files(o.paths);
  if (!files) return fail(files.error());
  auto pin = certs::certificate_fingerprint(o.station_cert);
  if (!pin) return fail(pin.error());
  std::vector<std::string> todo;
  for (const auto& f : *files) {
    std::string id = std::filesystem::path(f).stem().string();
    std::set<std::string> done;
    if (auto t = read_text_file(ledger_of(f)); t) {
      std::istringstream in(*t);
      for (std::string line; std::getline(in, line);) done.insert(line);
    }
    if (o.again || !done.count(id)) todo.push_back(f);
  }
  if (todo.empty()) {
    if (o.json) fmt::print("{}\n", nlohmann::json{{"event", "done"}, {"uploaded", 0}, {"pin_sha256", *pin}}.dump());
    else fmt::print("nothing to upload ({} certificates already accepted)\n", files->size());
    return kExitOk;
  }
  auto results = certs::upload_certificates({o.station, o.station_cert}, todo);
  if (!results) return fail(results.error());
  int accepted = 0, rejected = 0, unsent = static_cast<int>(todo.size() - results->size());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : *results) {
    if (r.accepted) {
      ++accepted;
      std::ofstream(ledger_of(r.json_path), std::ios::app) << std::filesystem::path(r.json_path).stem().string() << "\n";
    } else {
      ++rejected;
    }
    list.push_back({{"file", r.json_path}, {"accepted", r.accepted}, {"duplicate", r.duplicate},
                    {"http_status", r.http_status}, {"reason", r.reason}});
    if (!o.json)
      fmt::print("{}: {}\n", std::filesystem::path(r.json_path).filename().string(),
                 r.accepted ? (r.duplicate ? "already held" : "accepted") : "NOT accepted: " + r.reason);
  }
  if (o.json)
    fmt::print("{}\n", nlohmann::json{{"event", "done"}, {"accepted", accepted}, {"rejected", rejected},
                                      {"unsent", unsent}, {"pin_sha256", *pin}, {"results", list}}.dump());
  else
    fmt::print("{} accepted, {} not accepted, {} not sent (server pinned by SHA-256 {})\n", accepted, rejected,
               unsent, *pin);
  return rejected == 0 && unsent == 0 ? kExitOk : kExitIo;
}

}  // namespace

void register_upload(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UploadOptions>();
  CLI::App* cmd = app.add_subcommand("upload", "send certificates to a rack station or registry (HTTPS, pinned server certificate)");
  cmd->footer("Only https. The server must present exactly --station-cert (its self-signed certificate), and its\n"
              "name must match. No credentials are sent: the station accepts a certificate because its signature\n"
              "verifies. Accepted ids go to DIR/uploaded.txt and are not sent again (unless --again).\n"
              "Exit codes: 0 all accepted, 2 bad input, 4 some not accepted or not sent.");
  cmd->add_option("paths", o->paths, "certificate files (<id>.json, .p7s beside) or directories")->required();
  cmd->add_option("--station", o->station, "https://HOST[:PORT][/BASE]")->required();
  cmd->add_option("--station-cert", o->station_cert, "the station's TLS certificate (PEM) to pin")->required();
  cmd->add_flag("--again", o->again, "also send certificates already accepted");
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->callback([o, &exit_code] { exit_code = run_upload(*o); });
}

}  // namespace wipeproof::cli
