#pragma once
// One function per subcommand; main.cpp only registers and dispatches.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "device/target.hpp"
#include "job/journal.hpp"
#include "job/wipe_job.hpp"
#include "wipe/planner.hpp"

namespace wipeproof::cli {

/// Options shared by `wipe`, `verify` and `demo`, as typed by the user.
struct JobOptions {
  std::string method = "random";
  std::string pattern_hex;
  int rounds = 1;
  bool blank = false;
  std::string verify = "full";
  double coverage = 10.0;
  std::string seed_hex;
  std::size_t block_size_kib = 1024;
  double confidence = 0;   ///< with residue: size the sample for this detection probability (percent)
  double residue = 0;      ///< percent of the device a residue covers
  std::vector<std::string> search;
};

void add_job_options(CLI::App& cmd, JobOptions& o, bool with_method);
/// Validates every option; nothing has touched a device yet.
Result<job::JobSpec> make_job_spec(const JobOptions& o);

/// Signal handling: SIGINT/SIGTERM cancel this token (the job stops after the current block).
CancelToken& install_cancel_handlers();

/// Writes the record to DIR/<record-id>.json (atomic); returns the path. On failure the record is
/// printed to stdout so nothing is lost.
Result<std::string> save_record(const WipeRecord& record, const std::string& dir);

struct SigningContext;
/// After a job: issue the certificate (json + p7s + pdf + ledger) or, unsigned, save the record;
/// print what was written; return the exit code for the outcome. With a journal: an interrupted
/// job is left resumable (record saved unsigned, `resume_hint` printed), any other end is written
/// to the journal as finished.
int finish_job(const WipeRecord& record, const std::optional<SigningContext>& signing, const std::string& out_dir,
               bool json, job::JournalWriter* journal = nullptr, const std::string& resume_hint = "");
/// The command line that continues an interrupted job on `target` (the resume hint).
std::string resume_command(const std::string& target, const std::string& out_dir);

/// Asks on the terminal for the word that confirms a wipe of `target`; nullopt without a terminal.
std::optional<std::string> prompt_confirmation(const device::Target& target);

void register_wipe(CLI::App& app, int& exit_code);
void register_resume(CLI::App& app, int& exit_code);
void register_plan(CLI::App& app, int& exit_code);
void register_ata_unlock(CLI::App& app, int& exit_code);
std::string plan_text(const wipe::Plan& plan);
/// `devices --detail DEV`: drive capabilities and the purge plan.
int run_device_detail(const std::string& path, bool as_json);
void register_cert(CLI::App& app, int& exit_code);
void register_keys(CLI::App& app, int& exit_code);
void register_ledger(CLI::App& app, int& exit_code);
void register_verify(CLI::App& app, int& exit_code);
void register_devices(CLI::App& app, int& exit_code);
void register_methods(CLI::App& app, int& exit_code);
void register_demo(CLI::App& app, int& exit_code);
void register_tui(CLI::App& app, int& exit_code);
void register_upload(CLI::App& app, int& exit_code);
void register_station(CLI::App& app, int& exit_code);
void register_custody(CLI::App& app, int& exit_code);
void register_destroy(CLI::App& app, int& exit_code);

}  // namespace wipeproof::cli
