#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "certs/record_json.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"
#include "device/target.hpp"

namespace wipeproof::cli {
namespace {

struct WipeOptions {
  std::string target;
  JobOptions job;
  std::string out_dir = "certs";
  std::optional<std::string> confirm;
  bool dry_run = false;
  bool json = false;
  SignOptions sign;
};

/// The interactive confirmation: the operator types the serial (or kernel name).
std::optional<std::string> prompt_confirmation(const device::Target& t) {
  std::string token = device::confirmation_token(t);
  if (token.empty() || !::isatty(0)) return std::nullopt;
  fmt::print(stderr, "About to ERASE {} ({}, {}). Type {} '{}' to confirm: ", t.path, t.identity.model,
             human_bytes(t.identity.size_bytes), t.info->serial.empty() ? "its name" : "its serial", token);
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  return line;
}

int run_wipe(const WipeOptions& o) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  auto spec = make_job_spec(o.job);
  if (!spec) return fail(spec.error());
  auto target = device::inspect_target(o.target);
  if (!target) return fail(target.error());
  spec->scan_path = target->path;

  // Refusals come first: a refused device is never even opened (some are not openable at all).
  auto in_use = device::check_not_in_use(*target);
  if (!in_use && !o.dry_run) return fail(in_use.error());
  device::DeviceGeometry geometry;
  geometry.size_bytes = target->identity.size_bytes;
  geometry.logical_sector_size = target->identity.logical_sector_size;
  geometry.physical_sector_size = target->identity.physical_sector_size;
  if (in_use) {
    auto ro = device::open_block_device(target->path, device::OpenMode::read_only);
    if (!ro) return fail(ro.error());
    geometry = (*ro)->geometry();
  }
  auto plan = job::plan_job(geometry, *spec);
  if (!plan) return fail(plan.error());
  DeviceIdentity identity = target->identity;
  identity.size_bytes = geometry.size_bytes;

  if (o.dry_run) {
    std::string safety = in_use ? (target->is_block ? "would need --confirm " + device::confirmation_token(*target)
                                                    : "image file: no confirmation needed")
                                : "REFUSED: " + in_use.error().context;
    if (o.json)
      fmt::print("{}\n", plan_to_json(identity, *spec, *plan, safety).dump());
    else
      fmt::print("{}", render_plan_text(identity, *spec, *plan, safety));
    return in_use ? kExitOk : kExitRefused;
  }

  // Site facts and signing keys are checked before anything is written.
  auto signing = prepare_signing(o.sign, o.out_dir);
  if (!signing) return fail(signing.error());

  std::optional<std::string> confirm = o.confirm;
  if (!confirm && target->is_block && !o.json) confirm = prompt_confirmation(*target);
  auto auth = device::authorize_wipe(*target, confirm);
  if (!auth) return fail(auth.error());
  auto dev = device::open_for_wipe(*auth);
  if (!dev) return fail(dev.error());

  CancelToken& cancel = install_cancel_handlers();
  WipeRecord rec = job::run_job(**dev, identity, *spec, *plan, make_progress_view(o.json), cancel);
  finish_progress_view(o.json);
  return finish_job(rec, *signing, o.out_dir, o.json);
}

}  // namespace

void register_wipe(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WipeOptions>();
  CLI::App* cmd = app.add_subcommand("wipe", "overwrite a device or image, verify it, and write the record");
  cmd->footer(
      "Refuses mounted devices, swap, dm/md/LVM members and the disk holding / or /boot.\n"
      "A block device needs --confirm SERIAL (or its kernel name, e.g. loop3, when it has no serial);\n"
      "image files need none. Exit codes: 0 erased, 2 bad input, 3 refused, 4 I/O failure or\n"
      "erased_with_exceptions, 5 not_erased (verification failed), 130 interrupted.");
  cmd->add_option("target", o->target, "block device (/dev/sdX) or image file")->required();
  add_job_options(*cmd, o->job, true);
  cmd->add_option("--out", o->out_dir, "directory for the record (DIR/<record-id>.json)")->capture_default_str();
  cmd->add_option("--confirm", o->confirm, "the drive's serial (or kernel name) confirming the wipe");
  cmd->add_flag("--dry-run", o->dry_run, "print the plan and safety verdict; write nothing");
  cmd->add_flag("--json", o->json, "JSON lines on stdout: progress, then a final 'done' event");
  add_sign_options(*cmd, o->sign);
  cmd->callback([o, &exit_code] { exit_code = run_wipe(*o); });
}

}  // namespace wipeproof::cli
