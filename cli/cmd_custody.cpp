// `wipeproof custody receive | event | show | list | check`: the chain of custody in a registry
// (a SQLite file, or the station's PostgreSQL), from intake to a certificate (station/custody.hpp).
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/custody_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "job/target_session.hpp"

namespace wipeproof::cli {
using nlohmann::json;

Result<std::unique_ptr<station::Registry>> open_custody_registry(const std::string& registry) {
  std::string where = registry;
  if (where.empty())
    if (const char* env = std::getenv("WIPEPROOF_REGISTRY"); env && *env) where = env;
  if (where.empty()) return make_error(ErrorKind::usage, "--registry FILE|postgresql://… is required (or WIPEPROOF_REGISTRY)");
  return station::Registry::open(where);
}

Result<ReadIdentity> read_identity(const std::string& device) {
  auto session = job::TargetSession::open(device);
  if (!session)
    return make_error(session.error().kind, session.error().context +
                                                " (a drive that no longer identifies: give --serial and it is recorded as typed)");
  const DeviceIdentity& d = session->target().identity;
  if (d.serial.empty()) return make_error(ErrorKind::usage, device + " reports no serial: give --serial (recorded as typed)");
  ReadIdentity r;
  r.identity.serial = d.serial;
  r.identity.model = d.model;
  r.identity.wwn = d.wwn;
  r.identity.identity_source = "read";
  r.bus = d.transport;
  r.firmware = d.firmware;
  r.size_bytes = d.size_bytes;
  r.media_type = !d.rotational ? "unknown" : *d.rotational ? "magnetic" : "flash";
  r.identity.bus = r.bus;
  r.identity.firmware = r.firmware;
  r.identity.size_bytes = r.size_bytes;
  r.identity.media_type = r.media_type;
  r.smart = session->probe().smart;
  return r;
}

Result<std::string> record_wipe_in_custody(station::Registry& reg, const WipeRecord& rec, bool certified,
                                           const std::string& by) {
  const DeviceIdentity& d = rec.device;
  station::WipeOutcomeFacts w;
  w.identity = {d.serial, d.model, d.wwn, "read", "", d.transport,
                !d.rotational ? "unknown" : *d.rotational ? "magnetic" : "flash", d.firmware, d.size_bytes};
  w.from = d.path;
  w.outcome = outcome_name(rec.outcome);
  w.record_id = rec.record_id;
  w.method = rec.method.name;
  w.smart = rec.choice.smart_after;
  w.exceptions = rec.exceptions;
  w.certified = certified;
  return station::record_wipe_outcome(reg, w, by);
}

Result<std::unique_ptr<station::Registry>> open_wipe_custody(const std::string& registry) {
  if (registry.empty()) return std::unique_ptr<station::Registry>{};
  return open_custody_registry(registry);
}

void report_wipe_custody(station::Registry* reg, const WipeRecord& rec, bool certified, const std::string& by,
                         bool as_json) {
  if (reg == nullptr) return;
  auto id = record_wipe_in_custody(*reg, rec, certified, by);
  if (!id) fmt::print(stderr, "warning: custody: {}\n", id.error().context);
  else if (!id->empty() && !as_json)
    fmt::print("custody: {} ({})\n", *id, rec.outcome == Outcome::erased ? "wiped" : "wipe failed: queued for destruction");
}

namespace {

struct CustodyCli {
  std::string registry, device, serial, model, asset, from, by, key, type, to, contractor, note;
  bool json = false, awaiting = false, open_only = false;
};

int fail(const Error& e, bool as_json) {
  print_error(e, as_json);
  return exit_code_for(e);
}

int run_receive(const CustodyCli& c) {
  station::IntakeIdentity id;
  if (!c.device.empty()) {
    if (!c.serial.empty()) return fail(Error{ErrorKind::usage, 0, "give DEV or --serial, not both"}, c.json);
    auto r = read_identity(c.device);
    if (!r) return fail(r.error(), c.json);
    id = r->identity;
  } else {
    if (c.serial.empty()) return fail(Error{ErrorKind::usage, 0, "give DEV (identity read from the drive) or --serial"}, c.json);
    id.serial = c.serial;
    id.model = c.model;
    id.identity_source = "typed";
  }
  id.asset = c.asset;
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto d = station::receive_drive(**reg, id, c.from, c.by);
  if (!d) return fail(d.error(), c.json);
  if (c.json) fmt::print("{}\n", json{{"custody_id", d->custody_id}, {"serial", d->serial}, {"identity_source", d->identity_source}}.dump());
  else fmt::print("received {} serial {} ({}) as {}\n", d->model.empty() ? "drive" : d->model, d->serial,
                  d->identity_source == "typed" ? "typed, not read" : "read from the drive", d->custody_id);
  return kExitOk;
}

int run_event(const CustodyCli& c) {
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto d = station::custody_of(**reg, c.key);
  if (!d) return fail(d.error(), c.json);
  json detail = json::object();
  if (!c.to.empty()) detail["to"] = c.to;
  if (!c.contractor.empty()) detail["contractor"] = c.contractor;
  if (!c.note.empty()) detail["note"] = c.note;
  auto e = station::record_custody_event(**reg, d->custody_id, c.type, c.by, detail);
  if (!e) return fail(e.error(), c.json);
  if (c.json) fmt::print("{}\n", json{{"custody_id", d->custody_id}, {"seq", e->seq}, {"type", e->type}}.dump());
  else fmt::print("{} {}: event {} {}\n", d->custody_id, d->serial, e->seq, e->type);
  return kExitOk;
}

void print_chain(const json& j) {
  fmt::print("{}  serial {}  {}  identity {}  state {}\n", j["custody_id"].get<std::string>(), j["serial"].get<std::string>(),
             j["model"].get<std::string>(), j["identity_source"].get<std::string>(), j["state"].get<std::string>());
  for (const auto& e : j["events"])
    fmt::print("  {:>4} {} {:<22} by {} {}\n", e["seq"].get<std::uint64_t>(), e["at"].get<std::string>(),
               e["type"].get<std::string>(), e["by"].get<std::string>(), e["detail"].dump());
  for (const auto& g : j["gaps"]) fmt::print("  GAP: {}\n", g.get<std::string>());
}

int run_show(const CustodyCli& c) {
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto d = station::custody_of(**reg, c.key);
  if (!d) return fail(d.error(), c.json);
  auto events = (*reg)->custody_events(d->custody_id);
  if (!events) return fail(events.error(), c.json);
  json j = station::custody_json(*d, *events);
  if (c.json) fmt::print("{}\n", j.dump());
  else print_chain(j);
  return j["gaps"].empty() ? kExitOk : kExitTampered;
}

/// Every drive (or those awaiting destruction, or with open chains), gaps flagged; `check`
/// also verifies the hash chain of all events. Exit 6 when a gap or break is found.
int run_list(const CustodyCli& c, bool check) {
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto drives = (*reg)->list_custody();
  if (!drives) return fail(drives.error(), c.json);
  auto all = (*reg)->custody_events("");
  if (!all) return fail(all.error(), c.json);
  json out = json::array();
  bool gaps = false;
  for (const auto& d : *drives) {
    std::vector<station::CustodyEvent> mine;
    for (const auto& e : *all)
      if (e.custody_id == d.custody_id) mine.push_back(e);
    json j = station::custody_json(d, mine);
    if (c.awaiting && !j["awaiting_destruction"].get<bool>()) continue;
    if (c.open_only && j["state"] == "certificate_issued") continue;
    gaps = gaps || !j["gaps"].empty();
    out.push_back(j);
  }
  std::vector<std::string> chain = check ? station::custody_chain_problems(*all) : std::vector<std::string>{};
  if (c.json) {
    fmt::print("{}\n", json{{"drives", out}, {"chain_problems", chain}}.dump());
  } else {
    for (const auto& j : out) {
      fmt::print("{}  {:<20} {:<24} {}{}\n", j["custody_id"].get<std::string>(), j["serial"].get<std::string>(),
                 j["state"].get<std::string>(), j["model"].get<std::string>(),
                 j["gaps"].empty() ? "" : fmt::format("  GAPS: {}", j["gaps"].size()));
      for (const auto& g : j["gaps"]) fmt::print("    {}\n", g.get<std::string>());
    }
    if (check) {
      for (const auto& p : chain) fmt::print("chain: {}\n", p);
      fmt::print("{} drive(s), {} event(s): {}\n", out.size(), all->size(),
                 gaps || !chain.empty() ? "GAPS FOUND" : "every chain complete, hash chain intact");
    }
  }
  return gaps || !chain.empty() ? kExitTampered : kExitOk;
}

}  // namespace

void register_custody(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<CustodyCli>();
  CLI::App* cmd = app.add_subcommand("custody", "chain of custody: every drive from intake to its certificate");
  cmd->footer("Events: received, wiped, wipe_failed, queued_for_destruction, handed_over, contractor_returned,\n"
              "destroy_check, destroyed, certificate_issued. Each is hash-chained and append-only. Exit 6 when a\n"
              "chain has a gap (show, list, check). See docs/destruction.md.");
  cmd->require_subcommand(1);
  auto reg_opt = [&](CLI::App* s) {
    s->add_option("--registry", c->registry, "registry: SQLite file (created if absent) or postgresql://… (or WIPEPROOF_REGISTRY)");
    s->add_flag("--json", c->json, "JSON output");
  };
  CLI::App* rcv = cmd->add_subcommand("receive", "take a drive into custody (identity read from DEV, or typed with --serial)");
  rcv->add_option("device", c->device, "the drive: its identity is read electronically");
  rcv->add_option("--serial", c->serial, "a drive that no longer identifies: its serial, recorded as typed");
  rcv->add_option("--model", c->model, "with --serial: the model from the label");
  rcv->add_option("--asset", c->asset, "asset number");
  rcv->add_option("--from", c->from, "where it came from (host, department, asset list)");
  rcv->add_option("--by", c->by, "who received it")->required();
  reg_opt(rcv);
  rcv->callback([c, &exit_code] { exit_code = run_receive(*c); });
  CLI::App* ev = cmd->add_subcommand("event", "record an event for a drive (by custody id or serial)");
  ev->add_option("key", c->key, "custody id or serial")->required();
  ev->add_option("--type", c->type, "event type")->required();
  ev->add_option("--by", c->by, "who did it")->required();
  ev->add_option("--to", c->to, "handed over to whom");
  ev->add_option("--contractor", c->contractor, "the contractor (company)");
  ev->add_option("--note", c->note, "free text");
  reg_opt(ev);
  ev->callback([c, &exit_code] { exit_code = run_event(*c); });
  CLI::App* show = cmd->add_subcommand("show", "a drive's chain with its gaps");
  show->add_option("key", c->key, "custody id or serial")->required();
  reg_opt(show);
  show->callback([c, &exit_code] { exit_code = run_show(*c); });
  CLI::App* list = cmd->add_subcommand("list", "drives in custody");
  list->add_flag("--awaiting-destruction", c->awaiting, "only drives queued or handed over for destruction");
  list->add_flag("--open", c->open_only, "only chains without a certificate yet");
  reg_opt(list);
  list->callback([c, &exit_code] { exit_code = run_list(*c, false); });
  CLI::App* check = cmd->add_subcommand("check", "every chain's gaps, and the hash chain of all events (exit 6 if any)");
  reg_opt(check);
  check->callback([c, &exit_code] { exit_code = run_list(*c, true); });
}

}  // namespace wipeproof::cli
