// `plan DEV` and `devices --detail DEV`: what the drive can do and what wipeproof would use.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "job/drive_probe.hpp"
#include "job/target_session.hpp"

namespace wipeproof::cli {
using nlohmann::json;

Result<wipe::Level> parse_level(const std::string& s) {
  if (s == "purge") return wipe::Level::purge;
  if (s == "clear") return wipe::Level::clear;
  return make_error(ErrorKind::usage, "--level must be clear or purge, got '" + s + "'");
}

json plan_json(const wipe::Plan& p) {
  json fb = json::array();
  for (const auto& f : p.fallbacks) fb.push_back({{"method", sanitize_method_name(f.method)}, {"level", wipe::level_name(f.level)}, {"why", f.why}});
  return {{"requested", wipe::level_name(p.requested)},
          {"chosen", {{"method", sanitize_method_name(p.chosen.method)}, {"level", wipe::level_name(p.chosen.level)}, {"why", p.chosen.why}}},
          {"fallbacks", fb},
          {"rejected", p.rejected},
          {"meets_request", p.meets_request()},
          {"shortfall", p.shortfall}};
}

std::string plan_text(const wipe::Plan& p) {
  std::string out = fmt::format("requested: {}\nchosen:    {} ({}) — {}\n", wipe::level_name(p.requested), sanitize_method_name(p.chosen.method),
                                wipe::level_name(p.chosen.level), p.chosen.why);
  if (!p.shortfall.empty()) out += "shortfall: " + p.shortfall + "\n";
  for (const auto& f : p.fallbacks) out += fmt::format("fallback:  {} ({})\n", sanitize_method_name(f.method), wipe::level_name(f.level));
  for (const auto& r : p.rejected) out += "not used:  " + r + "\n";
  return out;
}

json drive_json(const job::ProbedDrive& d) {
  json j = {{"bus", d.caps.bus}, {"rotational", d.caps.rotational}, {"notes", d.notes}, {"smart", d.smart}};
  if (d.caps.ata) {
    const ata::AtaIdentify& a = *d.caps.ata;
    j["ata"] = {{"model", a.model}, {"serial", a.serial}, {"firmware", a.firmware}, {"sectors", a.sectors},
                {"security", {{"supported", a.security_supported}, {"enabled", a.security_enabled},
                              {"locked", a.security_locked}, {"frozen", a.security_frozen},
                              {"count_expired", a.security_count_expired},
                              {"enhanced_erase_supported", a.enhanced_erase_supported},
                              {"normal_erase_minutes", a.normal_erase_minutes},
                              {"enhanced_erase_minutes", a.enhanced_erase_minutes}}},
                {"sanitize", {{"supported", a.sanitize_supported}, {"crypto_scramble", a.crypto_scramble_supported},
                              {"block_erase", a.block_erase_supported}, {"overwrite", a.overwrite_supported}}},
                {"hpa_supported", a.hpa_supported}, {"dco_supported", a.dco_supported},
                {"amac_supported", a.amac_supported}, {"smart_supported", a.smart_supported}};
  }
  if (d.hidden) {
    j["hidden_areas"] = {{"current_sectors", d.hidden->current_sectors},
                         {"native_sectors", d.hidden->native_sectors ? json(*d.hidden->native_sectors) : json(nullptr)},
                         {"dco_sectors", d.hidden->dco_sectors ? json(*d.hidden->dco_sectors) : json(nullptr)},
                         {"hpa", d.hidden->hpa()}, {"dco", d.hidden->dco()}};
  }
  if (d.caps.nvme) {
    const nvme::IdController& n = *d.caps.nvme;
    j["nvme"] = {{"model", n.model}, {"serial", n.serial}, {"firmware", n.firmware}, {"oacs", n.oacs},
                 {"sanicap", n.sanicap}, {"fna", n.fna}, {"format_supported", n.format_supported()},
                 {"sanitize", {{"crypto", n.sanitize_crypto()}, {"block", n.sanitize_block()},
                               {"overwrite", n.sanitize_overwrite()}}},
                 {"format_crypto_erase", n.format_crypto_erase()}, {"nsid", d.nsid}};
    if (d.ns) j["nvme"]["namespace"] = {{"blocks", d.ns->nsze}, {"lba_size", d.ns->lba_size}, {"dlfeat", d.ns->dlfeat}};
    if (d.nvme_smart)
      j["nvme"]["smart"] = {{"critical_warning", d.nvme_smart->critical_warning},
                            {"percent_used", d.nvme_smart->percent_used},
                            {"temperature_k", d.nvme_smart->temperature_k}};
  }
  return j;
}

namespace {

struct PlanOptions {
  std::string target;
  std::string level = "purge";
  bool json = false;
};

int run_plan(const PlanOptions& o, bool detail) {
  auto level = parse_level(o.level);
  if (!level) {
    print_error(level.error(), o.json);
    return kExitUsage;
  }
  auto session = job::TargetSession::open(o.target);
  if (!session) {
    print_error(session.error(), o.json);
    return exit_code_for(session.error());
  }
  job::ProbedDrive d = session->probe();
  wipe::Plan p = wipe::plan_sanitization(d.caps, *level);
  if (o.json) {
    json j = {{"device", o.target}, {"plan", plan_json(p)}};
    if (detail) j["drive"] = drive_json(d);
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  if (detail) fmt::print("{}\n", drive_json(d).dump(2));
  for (const auto& n : d.notes) fmt::print("note:      {}\n", n);
  fmt::print("{}", plan_text(p));
  return kExitOk;
}

}  // namespace

void register_plan(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "show which sanitize method wipeproof would use on a drive, and why");
  cmd->footer("Read-only: sends only IDENTIFY-type commands. See docs/methods.md (How wipeproof chooses).");
  cmd->add_option("target", o->target, "block device (whole drive), image, or sim:KIND?... (docs/testing.md)")->required();
  cmd->add_option("--level", o->level, "clear or purge")->capture_default_str();
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->callback([o, &exit_code] { exit_code = run_plan(*o, false); });
}

int run_device_detail(const std::string& path, bool as_json) {
  PlanOptions o;
  o.target = path;
  o.json = as_json;
  return run_plan(o, true);
}

}  // namespace wipeproof::cli
