#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "certs/record_json.hpp"
#include "cli/commands.hpp"
#include "cli/custody_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"
#include "device/target.hpp"
#include "core/subprocess.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "job/firmware_job.hpp"
#include "job/target_session.hpp"
#include "job/wipe_request.hpp"

namespace wipeproof::cli {
namespace {

struct WipeOptions {
  std::string target;
  JobOptions job;
  std::string out_dir = "certs";
  std::string registry;  ///< custody registry (--registry)
  std::optional<std::string> confirm;
  bool dry_run = false;
  bool json = false;
  SignOptions sign;
  std::string level;           ///< clear|purge: let the planner choose (firmware methods allowed)
  bool method_given = false;   ///< --method was on the command line: overwrite with it, no planner
  bool restore_hidden = false;
  std::string psid;            ///< TCG Opal PSID from the drive label
  bool unfreeze = false;       ///< try suspend-to-RAM to unfreeze ATA security
  int checkpoint_ms = 2000;    ///< journal checkpoint interval
};

Result<wipe::Level> level_of(const std::string& s) {
  if (s == "purge") return wipe::Level::purge;
  if (s == "clear") return wipe::Level::clear;
  return make_error(ErrorKind::usage, "--level must be clear or purge, got '" + s + "'");
}

int run_wipe(const WipeOptions& o) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  auto spec = make_job_spec(o.job);
  if (!spec) return fail(spec.error());
  std::optional<wipe::Level> level;
  if (!o.level.empty()) {
    auto l = level_of(o.level);
    if (!l) return fail(l.error());
    if (o.method_given) return fail(Error{ErrorKind::usage, 0, "give --level (the planner chooses) or --method, not both"});
    level = *l;
  }
  auto session = job::TargetSession::open(o.target);
  if (!session) return fail(session.error());
  const device::Target* target = &session->target();
  spec->signature_scan = session->scanner();

  // Refusals come first: a refused device is never even opened (some are not openable at all).
  auto in_use = device::check_not_in_use(*target);
  if (!in_use && !o.dry_run) return fail(in_use.error());
  device::DeviceGeometry geometry;
  geometry.size_bytes = target->identity.size_bytes;
  geometry.logical_sector_size = target->identity.logical_sector_size;
  geometry.physical_sector_size = target->identity.physical_sector_size;
  if (in_use) {
    auto ro = session->open_read_only();
    if (!ro) return fail(ro.error());
    geometry = (*ro)->geometry();
  }
  DeviceIdentity identity = target->identity;
  identity.size_bytes = geometry.size_bytes;
  job::WipeIntent intent;
  intent.spec = *spec;
  intent.level = level;
  intent.psid = o.psid;
  intent.unfreeze = o.unfreeze;
  intent.dry_run = o.dry_run;
  intent.restore_hidden = o.restore_hidden;
  intent.out_dir = o.out_dir;
  intent.checkpoint_interval = std::chrono::milliseconds(o.checkpoint_ms);
  SignOptions issuer = o.sign;
  if (issuer.keys_dir.empty() && !issuer.no_sign) issuer.keys_dir = default_keys_dir();
  intent.issuer_json = issuer_to_json(issuer).dump();
  intent.probe = in_use.has_value();  // a refused drive is never asked anything
  auto request = job::plan_wipe(*session, geometry, std::move(intent));
  if (!request) return fail(request.error());
  if (o.dry_run) {
    if (request->firmware_plan && !o.json) fmt::print("{}", plan_text(*request->firmware_plan));
    std::string token = device::confirmation_token(*target);
    std::string safety = in_use ? (!token.empty() ? "would need --confirm " + token : "image file: no confirmation needed")
                                : "REFUSED: " + in_use.error().context;
    if (o.json)
      fmt::print("{}\n", plan_to_json(identity, *spec, request->overwrite_plan, safety).dump());
    else
      fmt::print("{}", render_plan_text(identity, *spec, request->overwrite_plan, safety));
    return in_use ? kExitOk : kExitRefused;
  }

  // Site facts, signing keys and the output directory are checked before anything is written to
  // the drive: an ATA security erase needs the directory for its password recovery file.
  auto signing = prepare_signing(o.sign, o.out_dir);
  if (!signing) return fail(signing.error());
  auto custody = open_wipe_custody(o.registry);
  if (!custody) return fail(custody.error());
  if (auto out = job::prepare_out_dir(o.out_dir); !out) return fail(out.error());

  std::optional<std::string> confirm = o.confirm;
  if (!confirm && (target->is_block || target->simulated) && !o.json) confirm = prompt_confirmation(*target);
  auto auth = device::authorize_wipe(*target, confirm);
  if (!auth) return fail(auth.error());
  CancelToken& cancel = install_cancel_handlers();
  auto run = job::run_wipe(*session, *auth, std::move(*request), make_progress_view(o.json), cancel);
  finish_progress_view(o.json);
  if (!run) return fail(run.error());
  const WipeRecord& rec = run->record;
  int code = finish_job(rec, *signing, o.out_dir, o.json, run->journal ? &*run->journal : nullptr,
                        resume_command(o.target, o.out_dir));
  report_wipe_custody(custody->get(), rec, signing->has_value() && code != kExitIo, o.sign.flags.operator_.name, o.json);
  return code;
}

int run_ata_unlock(const std::string& path, const std::string& recovery) {
  auto target = device::inspect_target(path);
  if (!target) {
    print_error(target.error(), false);
    return exit_code_for(target.error());
  }
  if (!target->is_block) {
    print_error(Error{ErrorKind::usage, 0, path + ": ata-unlock needs an ATA block device"}, false);
    return kExitUsage;
  }
  auto t = device::open_scsi_transport(path);
  if (!t) {
    print_error(t.error(), false);
    return exit_code_for(t.error());
  }
  auto r = wipe::ata_unlock_from_recovery(**t, recovery);
  if (!r) {
    print_error(r.error(), false);
    return exit_code_for(r.error());
  }
  fmt::print("{}: {}\n", path, *r);
  return kExitOk;
}

}  // namespace

void register_ata_unlock(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto recovery = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("ata-unlock", "recover a drive left locked by an interrupted ATA security erase");
  cmd->footer("Uses the password recovery file wipeproof wrote before ERASE UNIT (OUT/<record-id>.ata-password.json):\n"
              "SECURITY UNLOCK, then SECURITY DISABLE PASSWORD. If the drive is frozen, suspend/resume or power-cycle first.");
  cmd->add_option("device", *path, "the locked drive (/dev/sdX)")->required();
  cmd->add_option("--recovery", *recovery, "the password recovery file")->required();
  cmd->callback([path, recovery, &exit_code] { exit_code = run_ata_unlock(*path, *recovery); });
}

void register_wipe(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WipeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "wipe", "sanitize a device or image (overwrite, or the drive's own sanitize with --level), verify it, issue the "
              "certificate");
  cmd->footer(
      "Refuses mounted devices, swap, dm/md/LVM members and the disk holding / or /boot.\n"
      "A block device needs --confirm SERIAL (or its kernel name, e.g. loop3, when it has no serial);\n"
      "image files need none. Exit codes: 0 erased, 2 bad input, 3 refused, 4 I/O failure or\n"
      "erased_with_exceptions, 5 not_erased (verification failed), 130 interrupted.");
  cmd->add_option("target", o->target,
                  "block device (/dev/sdX), image file, or simulated drive sim:KIND?... (WIPEPROOF_ALLOW_SIM=1, "
                  "docs/testing.md)")->required();
  add_job_options(*cmd, o->job, true);
  cmd->add_option("--out", o->out_dir, "directory for the record (DIR/<record-id>.json)")->capture_default_str();
  cmd->add_option("--registry", o->registry,
                  "record the drive's chain of custody here (SQLite file or postgresql://…): received, wiped, or "
                  "wipe_failed + queued_for_destruction");
  cmd->add_option("--confirm", o->confirm, "the drive's serial (or kernel name) confirming the wipe");
  cmd->add_flag("--dry-run", o->dry_run, "print the plan and safety verdict; write nothing");
  cmd->add_flag("--json", o->json, "JSON lines on stdout: progress, then a final 'done' event");
  cmd->add_option("--level", o->level,
                  "clear or purge: the planner picks the strongest method the drive supports (firmware sanitize "
                  "first); see `wipeproof plan`");
  cmd->add_option("--psid", o->psid, "TCG Opal PSID from the drive label: allows the Opal revert (crypto erase)");
  cmd->add_flag("--unfreeze", o->unfreeze, "ATA security frozen: suspend to RAM for 5 s (rtcwake) and re-check");
  cmd->add_flag("--restore-hidden", o->restore_hidden,
                "ATA: set the accessible max address back to native (HPA/DCO) before anything else, so every "
                "method (an overwrite too) covers and verifies the whole media; without it a hidden area left in "
                "place by an overwrite is an exception");
  cmd->add_option("--checkpoint-ms", o->checkpoint_ms,
                  "journal checkpoint interval: the most an interruption can cost is about twice this")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  add_sign_options(*cmd, o->sign);
  cmd->callback([o, cmd, &exit_code] {
    o->method_given = cmd->get_option("--method")->count() > 0;
    exit_code = run_wipe(*o);
  });
}

}  // namespace wipeproof::cli
