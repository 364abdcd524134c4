// `wipeproof resume DEV --out DIR` continues an interrupted wipe from its journal;
// `wipeproof jobs --out DIR` lists the journals there (docs/resume.md).
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/custody_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"
#include "core/clock.hpp"
#include "core/sys.hpp"
#include "job/resume.hpp"
#include "job/wipe_request.hpp"
#include "job/target_session.hpp"

namespace wipeproof::cli {
namespace {

struct ResumeOptions {
  std::string target;
  std::string out_dir = "certs";
  std::string journal;          ///< --journal: this one instead of searching OUT
  std::string registry;
  std::optional<std::string> confirm;
  std::string resumed_by = "wipeproof resume";
  int checkpoint_ms = 2000;
  bool json = false;
  SignOptions sign;
};

/// The signing options a resumed job uses: the journal's — the people, site and keys the job
/// started with — whoever resumes it (the interruption names them). Only a journal from before
/// the issuer was kept falls back to the flags given to resume.
Result<SignOptions> resume_signing(const job::JournalState& state, const ResumeOptions& o, bool sign_flags_given) {
  auto j = nlohmann::json::parse(state.start.issuer_json, nullptr, false);
  if (!j.is_object() || j.empty()) return o.sign;
  if (sign_flags_given && !o.json)
    fmt::print(stderr, "note: the certificate is issued for the people, site and keys recorded when the job started "
                       "({}); the certificate options given to resume are not used\n",
               state.path);
  return sign_options_from_json(j);
}

int run_resume(const ResumeOptions& o, bool sign_flags_given) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  auto session = job::TargetSession::open(o.target);
  if (!session) return fail(session.error());
  const device::Target& target = session->target();
  auto prepared = job::prepare_resume(*session, o.out_dir, o.journal);
  if (!prepared) return fail(prepared.error());
  auto sign = resume_signing(prepared->state, o, sign_flags_given);
  if (!sign) return fail(sign.error());
  auto signing = prepare_signing(*sign, o.out_dir);
  if (!signing) return fail(signing.error());
  auto custody = open_wipe_custody(o.registry);
  if (!custody) return fail(custody.error());
  std::optional<std::string> confirm = o.confirm;
  if (!confirm && (target.is_block || target.simulated) && !o.json) confirm = prompt_confirmation(target);
  auto auth = device::authorize_wipe(target, confirm);
  if (!auth) return fail(auth.error());
  auto dev = session->open_for_wipe(*auth);
  if (!dev) return fail(dev.error());

  const job::ResumePoint& point = prepared->point;
  if (!o.json)
    fmt::print("resuming job {} on {}: {} {}, from byte {} (last checkpoint {} at {})\n",
               prepared->state.start.header.record_id, target.path, point.interruption.phase,
               point.interruption.phase == "pass"
                   ? fmt::format("{}/{}", point.interruption.pass, prepared->state.start.passes.size())
                   : "",
               point.interruption.resumed_offset, point.interruption.checkpoint_offset,
               point.interruption.last_checkpoint);
  job::ResumeRequest request;
  request.resumed_by = o.resumed_by;
  request.checkpoint_interval = std::chrono::milliseconds(o.checkpoint_ms);
  CancelToken& cancel = install_cancel_handlers();
  auto run = job::run_resume(*session, **dev, std::move(*prepared), request, make_progress_view(o.json), cancel);
  finish_progress_view(o.json);
  if (!run) return fail(run.error());
  const WipeRecord& rec = run->record;
  int code = finish_job(rec, *signing, o.out_dir, o.json, &*run->journal, resume_command(o.target, o.out_dir));
  report_wipe_custody(custody->get(), rec, signing->has_value() && code != kExitIo, sign->flags.operator_.name, o.json);
  return code;
}

std::string job_progress(const job::JournalState& j) {
  std::size_t passes = j.start.passes.size();
  if (j.finished) return "finished: " + j.outcome;
  const std::uint64_t size = j.start.header.device.size_bytes;
  auto pct = [&](std::uint64_t off) { return size ? off * 100 / size : 0; };
  if (j.completed.size() < passes) {
    std::uint64_t off = j.checkpoints.empty() ? 0 : j.checkpoints.back().offset;
    return fmt::format("pass {}/{} at {}%", j.completed.size() + 1, passes, pct(off));
  }
  std::uint64_t off = j.checkpoints.empty() ? 0 : j.checkpoints.back().offset;
  return fmt::format("verifying, {} read", human_bytes(off));
}

nlohmann::json job_to_json(const job::JournalState& j) {
  const DeviceIdentity& d = j.start.header.device;
  nlohmann::json cps = nullptr;
  if (!j.checkpoints.empty()) {
    const auto& c = j.checkpoints.back();
    cps = {{"at", c.at}, {"phase", c.phase}, {"pass", c.pass}, {"offset", c.offset}};
  }
  return {{"journal", j.path},
          {"record_id", j.start.header.record_id},
          {"device", {{"path", d.path}, {"model", d.model}, {"serial", d.serial}, {"size_bytes", d.size_bytes}}},
          {"method", j.start.header.method.name},
          {"passes", j.start.passes.size()},
          {"passes_complete", j.completed.size()},
          {"last_checkpoint", cps},
          {"last_activity", j.last_activity},
          {"interruptions", j.interruptions.size()},
          {"state", j.finished ? "finished" : j.busy ? "running" : "unfinished"},
          {"outcome", j.finished ? nlohmann::json(j.outcome) : nlohmann::json(nullptr)},
          {"progress", job_progress(j)}};
}

int run_jobs(const std::string& out_dir, bool all, bool as_json) {
  job::JournalListing listing = job::list_journals(out_dir);
  std::vector<const job::JournalState*> shown;
  for (const auto& j : listing.journals)
    if (all || !j.finished) shown.push_back(&j);
  if (as_json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto* j : shown) a.push_back(job_to_json(*j));
    fmt::print("{}\n", nlohmann::json{{"jobs", a}, {"problems", listing.problems}}.dump());
  } else {
    if (shown.empty()) fmt::print("no {}jobs in {}\n", all ? "" : "unfinished ", out_dir);
    for (const auto* j : shown) {
      const DeviceIdentity& d = j->start.header.device;
      fmt::print("{}  {}  {} {} ({})  {}  {}, last activity {}{}\n", j->start.header.record_id,
                 j->finished ? "finished  " : j->busy ? "running   " : "unfinished", d.path,
                 d.serial.empty() ? d.model : d.serial, human_bytes(d.size_bytes), j->start.header.method.name,
                 job_progress(*j), j->last_activity,
                 j->interruptions.empty() ? "" : fmt::format(", resumed {} time(s)", j->interruptions.size()));
      if (!j->finished && !j->busy) fmt::print("    resume: {}\n", resume_command(d.path, out_dir));
    }
    for (const auto& p : listing.problems) fmt::print(stderr, "warning: {}\n", p);
  }
  return listing.problems.empty() ? kExitOk : kExitIo;
}

}  // namespace

void register_resume(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ResumeOptions>();
  CLI::App* cmd = app.add_subcommand("resume", "continue an interrupted wipe from its journal (power cut, kill, reboot)");
  cmd->footer(
      "Finds the unfinished job for DEVICE in --out (OUT/<record-id>.journal), checks it is the same drive\n"
      "(serial, model, WWN, size; backing file for loop devices; and that the last sector written before\n"
      "the resume point holds what the job wrote there), then rewrites from the checkpoint before the last\n"
      "one (at most about two checkpoint intervals repeated), verifies, and issues the one certificate,\n"
      "which lists every interruption. The same safety rules and --confirm as `wipe` apply.\n"
      "Exit codes as `wipe`; 3 when the drive is not the journal's drive.");
  cmd->add_option("target", o->target, "the drive being wiped (/dev/sdX), or its image file")->required();
  cmd->add_option("--out", o->out_dir, "where the interrupted wipe wrote its journal and record")->capture_default_str();
  cmd->add_option("--journal", o->journal, "resume this journal instead of searching --out");
  cmd->add_option("--confirm", o->confirm, "the drive's serial (or kernel name) confirming the wipe");
  cmd->add_option("--registry", o->registry, "chain-of-custody registry, as for `wipe`");
  cmd->add_option("--resumed-by", o->resumed_by, "who resumes, recorded in the interruption")->capture_default_str();
  cmd->add_option("--checkpoint-ms", o->checkpoint_ms, "journal checkpoint interval")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "JSON lines on stdout: progress, then a final 'done' event");
  add_sign_options(*cmd, o->sign);
  cmd->footer(std::string(cmd->get_footer()) +
              "\nThe certificate names the people, site and keys the job started with (kept in the journal);\n"
              "the interruption names who resumed it and when.");
  cmd->callback([o, cmd, &exit_code] {
    bool sign_flags = false;
    for (const auto* opt : cmd->get_options())
      if (opt->get_group() == "Certificate" && opt->count() > 0) sign_flags = true;
    exit_code = run_resume(*o, sign_flags);
  });

  auto out = std::make_shared<std::string>("certs");
  auto all = std::make_shared<bool>(false);
  auto as_json = std::make_shared<bool>(false);
  CLI::App* jobs = app.add_subcommand("jobs", "list wipe jobs that can be resumed (their journals in --out)");
  jobs->footer("Exit code 4 when a journal cannot be read (it is named).");
  jobs->add_option("--out", *out, "the output directory of the wipes")->capture_default_str();
  jobs->add_flag("--all", *all, "list finished jobs too");
  jobs->add_flag("--json", *as_json, "one JSON document");
  jobs->callback([out, all, as_json, &exit_code] { exit_code = run_jobs(*out, *all, *as_json); });
}

}  // namespace wipeproof::cli
