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

int run_resume(const ResumeOptions& o) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  auto session = job::TargetSession::open(o.target);
  if (!session) return fail(session.error());
  const device::Target& target = session->target();
  if (auto in_use = device::check_not_in_use(target); !in_use) return fail(in_use.error());
  auto ro = session->open_read_only();
  if (!ro) return fail(ro.error());
  const device::DeviceGeometry geometry = (*ro)->geometry();

  // The journal: named, or the one unfinished job in OUT for this drive.
  Result<job::JournalState> state = o.journal.empty() ? job::find_unfinished_journal(o.out_dir, target, geometry)
                                                      : job::read_journal(o.journal);
  if (!state) return fail(state.error());
  if (auto same = job::check_same_drive(state->start, target, geometry); !same) return fail(same.error());
  if (state->busy)
    return fail(Error{ErrorKind::refused, 0, state->path + ": another wipeproof process is working on this job"});
  auto point = job::resume_point(*state);
  if (!point) return fail(point.error());
  auto rebuilt = job::rebuild_job(state->start, geometry);
  if (!rebuilt) return fail(rebuilt.error());
  rebuilt->spec.signature_scan = session->scanner();
  if (auto content = job::check_resume_content(**ro, *state, *point); !content) return fail(content.error());
  ro->reset();

  auto signing = prepare_signing(o.sign, o.out_dir);
  if (!signing) return fail(signing.error());
  auto custody = open_wipe_custody(o.registry);
  if (!custody) return fail(custody.error());
  auto auth = device::authorize_wipe(target, o.confirm);
  if (!auth) return fail(auth.error());
  auto dev = session->open_for_wipe(*auth);
  if (!dev) return fail(dev.error());
  auto writer = job::JournalWriter::reopen(state->path);
  if (!writer) return fail(writer.error());

  Interruption in = point->interruption;
  in.resumed_at = now_utc();
  in.resumed_by = o.resumed_by;
  in.host = host_name();
  writer->resumed(in);
  if (!writer->failure().empty()) return fail(Error{ErrorKind::sys, EIO, writer->failure()});
  WipeRecord header = state->start.header;
  header.interruptions = state->interruptions;
  header.interruptions.push_back(in);
  if (!o.json)
    fmt::print("resuming job {} on {}: {} {}, from byte {} (last checkpoint {} at {})\n", header.record_id, target.path,
               in.phase, in.phase == "pass" ? fmt::format("{}/{}", in.pass, state->start.passes.size()) : "",
               in.resumed_offset, in.checkpoint_offset, in.last_checkpoint);

  CancelToken& cancel = install_cancel_handlers();
  WipeRecord rec = job::execute_job(**dev, std::move(header), rebuilt->spec, rebuilt->plan, make_progress_view(o.json),
                                    cancel, &*writer, &*point, std::chrono::milliseconds(o.checkpoint_ms));
  finish_progress_view(o.json);
  if (auto saved = session->finish(); !saved) rec.exceptions.push_back("simulated media not saved: " + saved.error().context);
  int code = finish_job(rec, *signing, o.out_dir, o.json, &*writer,
                        resume_command(o.target, o.out_dir));
  report_wipe_custody(custody->get(), rec, signing->has_value() && code != kExitIo, o.sign.flags.operator_.name, o.json);
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
  cmd->callback([o, &exit_code] { exit_code = run_resume(*o); });

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
