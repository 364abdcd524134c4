// wipeproof: parse, dispatch, map errors to exit codes. Everything else lives in the modules.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
  using namespace wipeproof::cli;
  CLI::App app{"wipeproof: sanitize storage media, verify the result, and record the proof"};
  app.set_version_flag("--version", std::string("wipeproof ") + wipeproof::tool_version());
  app.require_subcommand(1);
  app.footer("Run `wipeproof COMMAND --help` for each command. Start with `wipeproof demo`.");
  int exit_code = kExitInternal;
  register_wipe(app, exit_code);
  register_resume(app, exit_code);
  register_verify(app, exit_code);
  register_devices(app, exit_code);
  register_methods(app, exit_code);
  register_demo(app, exit_code);
  register_cert(app, exit_code);
  register_keys(app, exit_code);
  register_ledger(app, exit_code);
  register_plan(app, exit_code);
  register_ata_unlock(app, exit_code);
  register_tui(app, exit_code);
  register_upload(app, exit_code);
  register_station(app, exit_code);
  register_custody(app, exit_code);
  register_destroy(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
