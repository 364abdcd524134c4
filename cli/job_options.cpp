#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "certs/record_json.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "verify/sample_plan.hpp"

namespace wipeproof::cli {

void add_job_options(CLI::App& cmd, JobOptions& o, bool with_method) {
  if (with_method) {
    cmd.add_option("-m,--method", o.method, "overwrite method (see `wipeproof methods`)")->capture_default_str();
    cmd.add_option("--pattern", o.pattern_hex, "byte pattern in hex for --method pattern, e.g. 5aa5");
    cmd.add_option("--rounds", o.rounds, "repeat the method's pass list N times")->capture_default_str();
    cmd.add_flag("--blank", o.blank, "add a final 0x00 pass (verification then checks zeros)");
  }
  cmd.add_option("--verify", o.verify, "read-back verification: full, sample or none")->capture_default_str();
  cmd.add_option("--coverage", o.coverage, "percent of the device a sampled verification reads, in (0,100]")
      ->capture_default_str();
  cmd.add_option("--seed", o.seed_hex, "64 hex digits: reproduce a recorded sample plan");
  cmd.add_option("--confidence", o.confidence,
                 "with --residue: sample enough that a residue of that size is found with this probability (%)");
  cmd.add_option("--search", o.search, "text to look for in blocks that fail verification (e.g. a patient-ID prefix)");
  cmd.add_option("--residue", o.residue, "percent of the device a residue is assumed to cover (with --confidence)");
  cmd.add_option("--block-size", o.block_size_kib, "I/O block size in KiB")->capture_default_str();
}

Result<job::JobSpec> make_job_spec(const JobOptions& o) {
  job::JobSpec spec;
  spec.method = wipe::find_method(o.method);
  if (spec.method == nullptr)
    return make_error(ErrorKind::usage, fmt::format("unknown method '{}' (see `wipeproof methods`)", o.method));
  if (!o.pattern_hex.empty()) {
    auto bytes = from_hex(o.pattern_hex);
    if (!bytes) return make_error(ErrorKind::usage, fmt::format("--pattern '{}' is not hex (e.g. 5aa5)", o.pattern_hex));
    if (bytes->size() > 512) return make_error(ErrorKind::usage, "--pattern is longer than 512 bytes");
    spec.pass_options.user_pattern = *bytes;
    if (!spec.method->needs_user_pattern)
      return make_error(ErrorKind::usage, "--pattern needs --method pattern");
  }
  if (spec.method->needs_user_pattern && !spec.pass_options.user_pattern)
    return make_error(ErrorKind::usage, "--method pattern needs --pattern HEX");
  if (o.rounds < 1 || o.rounds > 100)
    return make_error(ErrorKind::usage, fmt::format("--rounds must be between 1 and 100, got {}", o.rounds));
  spec.pass_options.rounds = o.rounds;
  spec.pass_options.final_blank = o.blank;
  if (o.verify == "full") spec.verify_mode = VerifyMode::full;
  else if (o.verify == "sample") spec.verify_mode = VerifyMode::sample;
  else if (o.verify == "none") spec.verify_mode = VerifyMode::none;
  else return make_error(ErrorKind::usage, fmt::format("--verify must be full, sample or none, got '{}'", o.verify));
  WP_ASSIGN_OR_RETURN(spec.coverage_ppm, verify::coverage_ppm_from_percent(o.coverage));
  if (!o.seed_hex.empty()) {
    auto seed = from_hex(o.seed_hex);
    if (!seed || seed->size() != verify::kSeedBytes)
      return make_error(ErrorKind::usage, "--seed must be 64 hex digits (32 bytes)");
    spec.seed = *seed;
  }
  if ((o.confidence != 0) != (o.residue != 0))
    return make_error(ErrorKind::usage, "--confidence and --residue go together (e.g. --confidence 99.9 --residue 0.1)");
  if (o.confidence != 0) {
    WP_ASSIGN_OR_RETURN(spec.min_samples, verify::samples_for_confidence(o.confidence / 100.0, o.residue / 100.0));
    if (spec.verify_mode == VerifyMode::full)
      return make_error(ErrorKind::usage, "--confidence sizes a sampled verification: add --verify sample");
  }
  if (o.block_size_kib == 0 || o.block_size_kib > 256 * 1024)
    return make_error(ErrorKind::usage, fmt::format("--block-size must be 1..262144 KiB, got {}", o.block_size_kib));
  spec.block_size = o.block_size_kib * 1024;
  for (const auto& s : o.search)
    if (s.size() < 4) return make_error(ErrorKind::usage, "--search strings need at least 4 characters, got '" + s + "'");
  spec.search = o.search;
  return spec;
}

namespace {
CancelToken g_cancel;
extern "C" void on_cancel_signal(int) { g_cancel.cancel(); }
}  // namespace

CancelToken& install_cancel_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_cancel_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_cancel;
}

Result<std::string> save_record(const WipeRecord& record, const std::string& dir) {
  std::string doc = certs::to_document(certs::record_to_json(record));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / (record.record_id + ".json")).string();
  Result<void> r = ec ? Result<void>(sys_error("create directory " + dir, ec.value())) : write_file_atomic(path, doc);
  if (!r) {
    fmt::print(stderr, "error: cannot save the record ({}); here it is in full:\n", r.error().context);
    fmt::print("{}", doc);
    return tl::unexpected(r.error());
  }
  return path;
}

}  // namespace wipeproof::cli

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"

namespace wipeproof::cli {

/// The interactive confirmation: the operator types the serial (or kernel name).
std::optional<std::string> prompt_confirmation(const device::Target& t) {
  std::string token = device::confirmation_token(t);
  if (token.empty() || !::isatty(0)) return std::nullopt;
  fmt::print(stderr, "About to ERASE {} ({}, {}). Type {} '{}' to confirm: ", t.path, t.identity.model,
             human_bytes(t.identity.size_bytes), t.info && t.info->serial.empty() ? "its name" : "its serial", token);
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  return line;
}

std::string resume_command(const std::string& target, const std::string& out_dir) {
  // Quoted for a POSIX shell: sim: targets hold '&' and '?'.
  auto quote = [](const std::string& s) {
    if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:=,+@") ==
        std::string::npos)
      return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  return fmt::format("wipeproof resume {} --out {}", quote(target), quote(out_dir));
}

int finish_job(const WipeRecord& rec, const std::optional<SigningContext>& signing, const std::string& out_dir,
               bool as_json, job::JournalWriter* journal, const std::string& resume_hint) {
  nlohmann::json done = {{"event", "done"},
                         {"outcome", outcome_name(rec.outcome)},
                         {"record_id", rec.record_id},
                         {"level", sanitize_level_name(rec.choice.level)},
                         {"exceptions", rec.exceptions},
                         {"limitations", rec.limitations}};
  std::string paths;
  bool saved_ok = true;
  // An interrupted job with a journal is not over: no record or certificate yet. The journal is
  // its record meanwhile; the resumed job gets the one certificate, listing the interruption.
  bool resumable = journal && journal->failure().empty() && rec.outcome == Outcome::interrupted;
  if (resumable) {
    done["record_path"] = "";
    done["journal"] = journal->path();
    done["resumable"] = true;
    paths = fmt::format("journal: {}\nresume with: {}\n", journal->path(), resume_hint);
  } else if (signing) {
    auto issued = certs::issue_certificate(rec, signing->site, signing->signer, signing->issue);
    if (issued) {
      done["certificate"] = {{"json", issued->json_path}, {"p7s", issued->p7s_path}, {"pdf", issued->pdf_path},
                             {"ledger", issued->ledger_path}, {"ledger_seq", issued->ledger_seq},
                             {"sha256", issued->cert_sha256}, {"timestamped", issued->timestamped},
                             {"warnings", issued->warnings}};
      done["record_path"] = issued->json_path;
      paths = fmt::format("certificate: {}\nsignature:   {}\n", issued->json_path, issued->p7s_path);
      if (!issued->pdf_path.empty()) paths += "pdf:         " + issued->pdf_path + "\n";
      paths += fmt::format("ledger:      {} (entry {})\n", issued->ledger_path, issued->ledger_seq);
      for (const auto& w : issued->warnings) paths += "warning: " + w + "\n";
    } else {
      // The job happened; its evidence must not be lost because signing failed.
      fmt::print(stderr, "error: cannot issue the certificate: {}\n", issued.error().context);
      auto saved = save_record(rec, out_dir);
      done["record_path"] = saved ? *saved : "";
      paths = saved ? "unsigned record: " + *saved + "\n" : "";
      saved_ok = false;
    }
  } else {
    auto saved = save_record(rec, out_dir);
    saved_ok = saved.has_value();
    done["record_path"] = saved ? *saved : "";
    if (saved) paths = "record: " + *saved + "\n";
  }
  if (journal && !resumable) {
    journal->finished(rec.outcome, done.value("record_path", ""));
    if (!journal->failure().empty()) paths += "warning: " + journal->failure() + "\n";
  }
  if (as_json) {
    fmt::print("{}\n", done.dump());
  } else {
    fmt::print("{}{}", render_record_text(rec, ""), paths);
  }
  if (!saved_ok) return kExitIo;
  return exit_code_for(rec.outcome);
}

}  // namespace wipeproof::cli
