#include <fstream>

#include <fmt/format.h>

#include "certs/canonical_json.hpp"
#include "certs/cms_signature.hpp"
#include "certs/openssl_util.hpp"
#include "certs/record_json.hpp"
#include "cli/signing.hpp"
#include "job/wipe_job.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "device/target.hpp"
#include "job/outcome.hpp"
#include "job/target_session.hpp"
#include "job/wipe_request.hpp"

namespace wipeproof::cli {
namespace {

struct VerifyOptions {
  std::string target;
  std::string record_path;
  std::string expect;
  JobOptions job;
  std::string out_dir;
  bool json = false;
  bool certify = false;          ///< issue a "verification only" certificate
  std::string claimed_method;    ///< what the owner says erased it (nwipe, hdparm, a vendor tool)
  SignOptions sign;
};

Result<PassPattern> expected_pattern(const VerifyOptions& o, std::optional<WipeRecord>& record) {
  if (!o.record_path.empty()) {
    std::ifstream in(o.record_path);
    if (!in) return sys_error("cannot read record " + o.record_path, errno ? errno : ENOENT);
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) return make_error(ErrorKind::usage, o.record_path + ": not valid JSON");
    WP_ASSIGN_OR_RETURN(record, certs::record_from_json(j));
    return record->verification.expected;
  }
  PassPattern p;
  p.kind = PatternKind::fixed;
  p.origin = "--expect";
  if (o.expect == "zero") {
    p.bytes = {std::byte{0}};
  } else if (o.expect == "one") {
    p.bytes = {std::byte{0xFF}};
  } else if (o.expect == "uniform") {
    p.kind = PatternKind::uniform;
    p.origin = "--expect uniform: every block one repeated byte (a block erase's zeroes, ones or vendor byte)";
  } else if (o.expect == "random") {
    p.kind = PatternKind::looks_random;
    p.origin = "--expect random: noise in every block (a random overwrite without its key, or a crypto erase)";
  } else if (o.expect == "any") {
    p.kind = PatternKind::any;
    p.origin = "--expect any: no recognisable content (file signatures, medical and office formats, --search)";
  } else if (o.expect.rfind("pattern:", 0) == 0 || (!o.expect.empty() && from_hex(o.expect))) {
    std::string hex = o.expect.rfind("pattern:", 0) == 0 ? o.expect.substr(8) : o.expect;
    auto b = from_hex(hex);
    if (!b || b->empty())
      return make_error(ErrorKind::usage, "--expect pattern:HEX needs hex bytes, e.g. pattern:00ff, got '" + hex + "'");
    p.bytes = *b;
  } else {
    return make_error(ErrorKind::usage,
                      "give --record FILE or --expect zero|one|pattern:HEX|uniform|random|any (got '" + o.expect + "')");
  }
  return p;
}

int run_verify(VerifyOptions o, const std::vector<std::string>& explicit_options) {
  auto fail = [&](const Error& e) {
    print_error(e, o.json);
    return exit_code_for(e);
  };
  std::optional<WipeRecord> record;
  auto expected = expected_pattern(o, record);
  if (!expected) return fail(expected.error());
  bool seed_given = std::find(explicit_options.begin(), explicit_options.end(), "--seed") != explicit_options.end();
  bool coverage_given = std::find(explicit_options.begin(), explicit_options.end(), "--coverage") != explicit_options.end();
  // Re-running a recorded sample: same seed and requested coverage give the same LBA list.
  if (record && record->verification.plan && o.job.verify == "sample") {
    if (!seed_given) o.job.seed_hex = record->verification.plan->seed_hex;
    if (!coverage_given && record->verification.plan->requested_coverage_ppm > 0)
      o.job.coverage = record->verification.plan->requested_coverage_ppm / 10000.0;
  }
  if (record && record->block_size_bytes > 0 && record->block_size_bytes % 1024 == 0 &&
      std::find(explicit_options.begin(), explicit_options.end(), "--block-size") == explicit_options.end())
    o.job.block_size_kib = record->block_size_bytes / 1024;
  // A certificate says the data is gone: only a criterion that live data fails can show that.
  if (o.certify && !job::positive_criterion(*expected))
    return fail(Error{ErrorKind::usage, 0,
                      "--certify needs a positive criterion: --expect zero|one|pattern:HEX|uniform or --record; '" +
                          o.expect + "' can only report that no known content was found, which is no proof of "
                          "erasure (unknown formats, ciphertext)"});
  auto spec = make_job_spec(o.job);
  if (!spec) return fail(spec.error());
  if (spec->verify_mode == VerifyMode::none) return fail(Error{ErrorKind::usage, 0, "verify needs --verify full or sample"});
  auto session = job::TargetSession::open(o.target);
  if (!session) return fail(session.error());
  const device::Target* target = &session->target();
  spec->signature_scan = session->scanner();
  std::optional<SigningContext> certify;
  if (o.certify) {
    auto prepared = prepare_signing(o.sign, o.out_dir.empty() ? std::string("certs") : o.out_dir);
    if (!prepared) return fail(prepared.error());
    if (!*prepared) return fail(Error{ErrorKind::usage, 0, "--certify needs signing keys (not --no-sign)"});
    certify = std::move(*prepared);
  }
  // A second person's re-verification can be signed with their own key (NIST SP 800-88 §4.7).
  std::optional<certs::Signer> signer;
  if (!o.certify && !o.sign.keys_dir.empty()) {
    if (o.out_dir.empty()) return fail(Error{ErrorKind::usage, 0, "--keys needs --out DIR for the signed report"});
    auto pass = load_passphrase(o.sign.passphrase_file);
    if (!pass) return fail(pass.error());
    auto loaded = certs::load_signer(o.sign.keys_dir, *pass);
    if (!loaded) return fail(loaded.error());
    signer = std::move(*loaded);
  }
  auto dev = session->open_read_only();
  if (!dev) return fail(dev.error());
  if (record && record->device.size_bytes != 0 && record->device.size_bytes != (*dev)->geometry().size_bytes)
    return fail(Error{ErrorKind::usage, 0,
                      fmt::format("{} is {} bytes but the record describes a {}-byte device", o.target,
                                  (*dev)->geometry().size_bytes, record->device.size_bytes)});
  // A record names one drive: refuse to "verify" a different one against it.
  if (record && (target->is_block || target->simulated) && !record->device.serial.empty() &&
      record->device.serial != target->identity.serial)
    return fail(Error{ErrorKind::usage, 0,
                      fmt::format("{} has serial '{}' but the record is for serial '{}'", o.target,
                                  target->identity.serial, record->device.serial)});
  auto plan = job::plan_job((*dev)->geometry(), *spec);
  if (!plan) return fail(plan.error());

  CancelToken& cancel = install_cancel_handlers();
  if (certify) {
    job::JobResult r = job::run_verification_only(*session, **dev, *spec, *plan, *expected, o.claimed_method,
                                                  make_progress_view(o.json), cancel);
    finish_progress_view(o.json);
    return finish_job(r.record, certify, certify->issue.out_dir, o.json);
  }
  VerifyReport rep = job::run_verification(**dev, *expected, *spec, plan->sample_plan, make_progress_view(o.json), cancel);
  finish_progress_view(o.json);
  // Without a positive criterion a clean read shows only that nothing known was found.
  const bool inconclusive = rep.passed && !job::positive_criterion(*expected);
  if (inconclusive) rep.passed = false;
  std::string saved;
  if (!o.out_dir.empty()) {
    auto id = make_uuid_v4();
    std::string vid = id ? *id : std::string("unknown");
    nlohmann::json doc = {{"schema", "wipeproof-verification-v1"},
                          {"verification_id", vid},
                          {"issued_at", now_utc()},
                          {"of_record", record ? record->record_id : ""},
                          {"target", o.target},
                          {"device_serial", target->is_block || target->simulated ? target->identity.serial : ""},
                          {"verified_by", signer ? signer->subject : ""},
                          {"verification", certs::verify_report_to_json(rep)}};
    auto canon = certs::canonicalize(doc);
    if (!canon) return fail(canon.error());
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    saved = (std::filesystem::path(o.out_dir) / ("verify-" + vid + ".json")).string();
    if (auto w = write_file_atomic(saved, *canon); !w) return fail(w.error());
    if (signer) {
      auto der = certs::sign_detached(*canon, *signer);
      if (!der) return fail(der.error());
      std::string p7s = saved.substr(0, saved.size() - 5) + ".p7s";
      if (auto w = write_file_atomic(p7s, *der, 0644); !w) return fail(w.error());
      saved += " (signed: " + p7s + ")";
    }
  }
  if (o.json) {
    nlohmann::json j = {{"event", "done"},
                        {"passed", rep.passed},
                        {"conclusive", !inconclusive},
                        {"verification", certs::verify_report_to_json(rep)}};
    if (!saved.empty()) j["report_path"] = saved;
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("{}", render_verify_text(rep, !inconclusive));
    if (inconclusive)
      fmt::print("result: INCONCLUSIVE: no recognisable content found, but --expect {} has no positive criterion, so "
                 "this is no proof of erasure (unknown formats and ciphertext pass it)\n",
                 o.expect);
    if (!saved.empty()) fmt::print("report: {}\n", saved);
  }
  if (rep.status == RunStatus::interrupted) return kExitInterrupted;
  if (inconclusive) return kExitInconclusive;
  if (rep.passed) return kExitOk;
  if (rep.mismatched_blocks > 0 || !rep.signature_scan.clean) return kExitVerifyFailed;
  return kExitIo;
}

}  // namespace

void register_verify(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "read a device back and check it holds what the last pass wrote");
  cmd->footer(
      "With --record, the expected content comes from the record (random passes are regenerated\n"
      "from the recorded AES key and IV); with --verify sample the recorded seed is reused, so the\n"
      "same LBAs are read again. Read-only: never writes to the target. Exit codes: 0 passed,\n"
      "2 bad input, 4 read errors, 5 mismatches or signatures found, 10 inconclusive (--expect any or\n"
      "random found nothing known: no proof of erasure; --certify refuses them), 130 interrupted.");
  cmd->add_option("target", o->target, "block device, image file, or sim:KIND?... (WIPEPROOF_ALLOW_SIM=1)")->required();
  cmd->add_option("--record", o->record_path, "a record written by `wipeproof wipe`");
  cmd->add_option("--expect", o->expect,
                  "expected content without a record: zero, one, pattern:HEX, uniform (each block one byte value), "
                  "random (noise), any (no recognisable content)");
  add_job_options(*cmd, o->job, false);
  cmd->add_option("--out", o->out_dir, "also write the report to DIR/verify-<id>.json (canonical JSON)");
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->add_flag("--certify", o->certify,
                "issue a signed \"verification only\" certificate (drive erased by another tool), like wipe does");
  cmd->add_option("--claimed-method", o->claimed_method, "the prior method the owner claims (e.g. \"nwipe dod\")");
  add_sign_options(*cmd, o->sign);
  cmd->callback([o, cmd, &exit_code] {
    std::vector<std::string> given;
    for (const auto* opt : cmd->get_options())
      if (opt->count() > 0) given.push_back(opt->get_name());
    exit_code = run_verify(*o, given);
  });
}

}  // namespace wipeproof::cli
