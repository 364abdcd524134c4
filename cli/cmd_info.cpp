// `devices` and `methods`: read-only listings.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "device/device_inventory.hpp"

namespace wipeproof::cli {

void register_devices(CLI::App& app, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  auto detail = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("devices", "list block devices and whether each is in use");
  cmd->add_flag("--json", *json, "JSON output");
  cmd->add_option("--detail", *detail, "one drive: ATA/NVMe identity, security/sanitize state, hidden areas, plan");
  cmd->callback([json, detail, &exit_code] {
    if (!detail->empty()) {
      exit_code = run_device_detail(*detail, *json);
      return;
    }
    auto devs = device::list_block_devices();
    if (!devs) {
      print_error(devs.error(), *json);
      exit_code = exit_code_for(devs.error());
      return;
    }
    fmt::print("{}", *json ? devices_to_json(*devs).dump(2) + "\n" : render_devices_text(*devs));
    exit_code = kExitOk;
  });
}

void register_methods(CLI::App& app, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("methods", "list overwrite methods, their passes and sources");
  cmd->add_flag("--json", *json, "JSON output");
  cmd->callback([json, &exit_code] {
    fmt::print("{}", *json ? methods_to_json().dump(2) + "\n" : render_methods_text());
    exit_code = kExitOk;
  });
}

}  // namespace wipeproof::cli
