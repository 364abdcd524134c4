// `wipeproof destroy prepare | record | check | batch`: drives that cannot be wiped go to physical
// destruction, recorded and certified like a wipe (docs/destruction.md): prepare reads the
// identity and SMART while the drive still works and prints its label; record issues the signed
// destruction certificate with the evidence digests; check confirms a degaussed drive no longer
// identifies or reads; batch hands a set of drives to a contractor with a manifest and records
// the contractor's confirmation.
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/destruction.hpp"
#include "certs/evidence.hpp"
#include "certs/issuer.hpp"
#include "certs/label_render.hpp"
#include "cli/commands.hpp"
#include "cli/custody_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/signing.hpp"
#include "core/clock.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"
#include "core/sys.hpp"
#include "job/target_session.hpp"
#include "station/handover.hpp"

namespace wipeproof::cli {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct DestroyCli {
  std::string registry, device, serial, model, reason, by, label, label_text;
  std::string method, din_level, witness, witness_title, contractor, device_name, place, time, out = "./certs";
  double particle_mm = 0;
  std::vector<std::string> evidence, keys_for_batch;
  std::string batch, file;
  bool json = false;
  SignOptions sign;
};

int fail(const Error& e, bool as_json) {
  print_error(e, as_json);
  return exit_code_for(e);
}

std::string reason_of(const std::vector<station::CustodyEvent>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->type == "queued_for_destruction") {
      auto d = json::parse(it->detail, nullptr, false);
      if (d.is_object()) return d.value("reason", "");
    }
  return "";
}

int run_prepare(const DestroyCli& c) {
  if (c.reason != "wipe_failed" && c.reason != "policy" && c.reason != "drive_dead")
    return fail(Error{ErrorKind::usage, 0, "--reason must be wipe_failed, policy or drive_dead"}, c.json);
  if (c.label.empty()) return fail(Error{ErrorKind::usage, 0, "--label FILE.png|FILE.pdf is required"}, c.json);
  std::string ext = fs::path(c.label).extension().string();
  if (ext != ".png" && ext != ".pdf") return fail(Error{ErrorKind::usage, 0, "--label must end in .png or .pdf"}, c.json);
  station::IntakeIdentity id;
  std::string smart;
  if (!c.device.empty()) {
    if (!c.serial.empty()) return fail(Error{ErrorKind::usage, 0, "give DEV or --serial, not both"}, c.json);
    auto r = read_identity(c.device);
    if (!r) return fail(r.error(), c.json);
    id = r->identity;
    smart = r->smart;
  } else {
    if (c.serial.empty()) return fail(Error{ErrorKind::usage, 0, "give DEV (read while it still works) or --serial (typed)"}, c.json);
    id.serial = c.serial;
    id.model = c.model;
    id.identity_source = "typed";
  }
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto chain = station::open_chain(**reg, id.serial);
  if (!chain) return fail(chain.error(), c.json);
  station::CustodyDrive drive;
  if (*chain) {
    drive = (*chain)->first;
  } else {
    // Sent straight to destruction (policy, dead drive): this is its intake.
    auto d = station::receive_drive(**reg, id, "destroy prepare", c.by, "received at destroy prepare");
    if (!d) return fail(d.error(), c.json);
    drive = *d;
  }
  // Recorded also when a failed wipe already queued it: the preparation (identity, SMART read
  // while the drive still works, label printed) is part of the chain.
  json detail = {{"reason", c.reason}, {"identity_source", id.identity_source}, {"smart", smart}, {"label", true}};
  if (auto e = station::record_custody_event(**reg, drive.custody_id, "queued_for_destruction", c.by, detail); !e)
    return fail(e.error(), c.json);
  certs::LabelContent label{station::custody_label_payload(drive.custody_id, drive.serial),
                            {drive.custody_id, "S/N " + drive.serial + (id.identity_source == "typed" ? " (typed)" : ""),
                             drive.model.empty() ? "model unknown" : drive.model, "DESTROY: " + c.reason}};
  if (auto r = certs::render_label(label, c.label); !r) return fail(r.error(), c.json);
  if (c.json)
    fmt::print("{}\n", json{{"custody_id", drive.custody_id}, {"serial", drive.serial}, {"identity_source", id.identity_source},
                            {"smart", smart}, {"label", c.label}, {"qr", label.qr_payload}}.dump());
  else
    fmt::print("{} serial {} queued for destruction ({}); identity {}{}\nlabel: {}\n", drive.custody_id, drive.serial,
               c.reason, id.identity_source == "typed" ? "typed, not read" : "read from the drive",
               smart.empty() ? "" : "; SMART: " + smart, c.label);
  return kExitOk;
}

int run_record(DestroyCli c) {
  // The drive: from a label's QR text, or by serial.
  std::string custody_key = c.serial;
  if (!c.label_text.empty()) {
    auto parsed = station::parse_custody_label(c.label_text);
    if (!parsed) return fail(Error{ErrorKind::usage, 0, "--label-text is not a wipeproof custody label"}, c.json);
    if (!c.serial.empty() && c.serial != parsed->second)
      return fail(Error{ErrorKind::usage, 0, "--serial differs from the label's serial " + parsed->second}, c.json);
    custody_key = parsed->first;
    c.serial = parsed->second;
  }
  if (c.serial.empty()) return fail(Error{ErrorKind::usage, 0, "--serial or --label-text is required"}, c.json);
  if (c.contractor.empty() == c.device_name.empty())
    return fail(Error{ErrorKind::usage, 0, "give exactly one of --device NAME (own equipment) or --contractor NAME"}, c.json);
  certs::DestructionFacts f;
  f.media.serial = c.serial;
  f.media.model = c.model;
  f.method = c.method;
  if (c.particle_mm > 0 || std::signbit(c.particle_mm) || c.particle_mm < 0) f.particle_mm = c.particle_mm;
  f.din_level = c.din_level;
  f.performed_by_kind = c.contractor.empty() ? "device" : "contractor";
  f.performed_by = c.contractor.empty() ? c.device_name : c.contractor;
  f.place = c.place;
  f.time = c.time.empty() ? now_utc() : c.time;
  f.witness.name = c.witness;
  f.witness.title = c.witness_title;
  f.reason = c.reason;
  // Everything is checked before anything is recorded: evidence, signer, site, custody.
  auto evidence = certs::hash_evidence(c.evidence);
  if (!evidence) return fail(evidence.error(), c.json);
  f.evidence = *evidence;
  std::unique_ptr<station::Registry> reg;
  station::CustodyDrive drive;
  if (!c.registry.empty() || std::getenv("WIPEPROOF_REGISTRY")) {
    auto r = open_custody_registry(c.registry);
    if (!r) return fail(r.error(), c.json);
    reg = std::move(*r);
    auto d = station::custody_of(*reg, custody_key);
    if (!d) return fail(Error{ErrorKind::refused, 0, "serial " + c.serial + " was never received into custody: nothing recorded"}, c.json);
    drive = *d;
    auto events = reg->custody_events(drive.custody_id);
    if (!events) return fail(events.error(), c.json);
    if (station::custody_state(*events) == "certificate_issued" || station::custody_state(*events) == "destroyed")
      return fail(Error{ErrorKind::refused, 0, drive.custody_id + " is already destroyed and certified"}, c.json);
    if (f.reason.empty()) f.reason = reason_of(*events);
    f.media.model = drive.model;
    f.media.wwn = drive.wwn;
    f.media.identity_source = drive.identity_source;
    for (const auto& e : *events) {
      auto d2 = json::parse(e.detail, nullptr, false);
      if (!d2.is_object()) continue;
      if (e.type == "queued_for_destruction" && !d2.value("smart", "").empty()) f.media.smart_summary = d2.value("smart", "");
      if (e.type == "received") {  // what was read from the drive at intake
        f.media.bus = d2.value("bus", "");
        f.media.media_type = d2.value("media_type", "unknown").empty() ? "unknown" : d2.value("media_type", "unknown");
        f.media.firmware = d2.value("firmware", "");
        f.media.capacity_bytes = d2.value("size_bytes", std::uint64_t{0});
      }
    }
    // The chain as it will stand once this destruction is recorded.
    auto with_this = *events;
    with_this.push_back({0, drive.custody_id, "destroyed", "", "", json{{"performed_by_kind", f.performed_by_kind},
                                                                          {"performed_by", f.performed_by}}.dump(), "", ""});
    f.custody.registry = reg->backend();
    f.custody.custody_id = drive.custody_id;
    f.custody.events = with_this.size();
    f.custody.gaps = station::custody_gaps(with_this);
  } else {
    f.media.identity_source = "typed";
  }
  auto signing = prepare_signing(c.sign, c.out);
  if (!signing) return fail(signing.error(), c.json);
  if (!*signing) return fail(Error{ErrorKind::usage, 0, "a destruction certificate is always signed (drop --no-sign)"}, c.json);
  auto cid = make_uuid_v4();
  if (!cid) return fail(cid.error(), c.json);
  f.certificate_id = *cid;
  f.issued_at = now_utc();
  f.tool_version = tool_version();
  auto exe = sha256_file(self_executable_path());
  f.tool_binary_sha256 = exe ? *exe : "unknown";
  f.hostname = host_name();
  if (auto v = certs::validate_destruction(f, (*signing)->site); !v) return fail(v.error(), c.json);
  auto issued = certs::issue_destruction_certificate(f, (*signing)->site, (*signing)->signer, (*signing)->issue);
  if (!issued) return fail(issued.error(), c.json);
  std::string evidence_dir = (fs::path(c.out) / (f.certificate_id + ".evidence")).string();
  if (auto s = certs::store_evidence(c.evidence, f.evidence, evidence_dir); !s) return fail(s.error(), c.json);
  if (reg) {
    json detail = {{"method", f.method}, {"performed_by_kind", f.performed_by_kind}, {"performed_by", f.performed_by},
                   {"place", f.place}, {"time", f.time}, {"witness", f.witness.name}};
    auto e1 = station::record_custody_event(*reg, drive.custody_id, "destroyed", (*signing)->site.operator_.name, detail);
    auto e2 = e1 ? station::record_custody_event(*reg, drive.custody_id, "certificate_issued", (*signing)->site.operator_.name,
                                                 {{"certificate_id", f.certificate_id}, {"sha256", issued->cert_sha256}})
                 : e1;
    if (!e2) return fail(Error{ErrorKind::sys, 0, "certificate issued (" + issued->json_path + ") but the custody events "
                                                    "could not be recorded: " + e2.error().context}, c.json);
  }
  if (c.json) {
    fmt::print("{}\n", json{{"event", "done"}, {"certificate", {{"json", issued->json_path}, {"p7s", issued->p7s_path},
                            {"pdf", issued->pdf_path}, {"sha256", issued->cert_sha256}}}, {"evidence_dir", evidence_dir},
                            {"custody", f.custody.registry == "none" ? "not checked" : f.custody.gaps.empty() ? "complete" : "gaps"},
                            {"gaps", f.custody.gaps}}.dump());
  } else {
    fmt::print("destruction certificate: {}\nsignature:   {}\n", issued->json_path, issued->p7s_path);
    if (!issued->pdf_path.empty()) fmt::print("pdf:         {}\n", issued->pdf_path);
    fmt::print("evidence:    {} ({} files)\n", evidence_dir, f.evidence.size());
    if (f.custody.registry == "none") fmt::print("custody:     not checked (no --registry); the certificate says so\n");
    else if (f.custody.gaps.empty()) fmt::print("custody:     {} complete\n", drive.custody_id);
    else for (const auto& g : f.custody.gaps) fmt::print("custody GAP: {}\n", g);
    for (const auto& w : issued->warnings) fmt::print("warning: {}\n", w);
  }
  return kExitOk;
}

/// After degaussing (or any destruction of a re-attachable drive): it must neither identify nor
/// read. Exit 0 when it does neither, 5 when it still does.
int run_check(const DestroyCli& c) {
  json seen = {{"device", c.device}, {"at", now_utc()}, {"identifies", false}, {"readable", false}};
  auto session = job::TargetSession::open(c.device);
  if (session) {
    const DeviceIdentity& d = session->target().identity;
    seen["identifies"] = !d.serial.empty() || !d.model.empty();
    seen["model"] = d.model;
    seen["serial"] = d.serial;
    if (auto dev = session->open_read_only(); dev) {
      std::vector<std::byte> buf(4096);
      auto n = (*dev)->read_at(0, buf);
      seen["readable"] = n.has_value();
    }
  } else {
    seen["open_error"] = session.error().context;
  }
  bool pass = !seen["identifies"].get<bool>() && !seen["readable"].get<bool>();
  seen["result"] = pass ? "no identity, no data: destroyed" : "STILL RESPONDS: not destroyed";
  if (!c.registry.empty() && !c.serial.empty()) {
    auto reg = open_custody_registry(c.registry);
    if (!reg) return fail(reg.error(), c.json);
    auto d = station::custody_of(**reg, c.serial);
    if (!d) return fail(d.error(), c.json);
    if (auto e = station::record_custody_event(**reg, d->custody_id, "destroy_check", c.by.empty() ? "wipeproof" : c.by, seen); !e)
      return fail(e.error(), c.json);
    seen["custody_id"] = d->custody_id;
  }
  if (c.json) fmt::print("{}\n", seen.dump());
  else fmt::print("{}: identifies {}, readable {}: {}\n", c.device, seen["identifies"].get<bool>(), seen["readable"].get<bool>(),
                  seen["result"].get<std::string>());
  return pass ? kExitOk : kExitVerifyFailed;
}

int run_batch(const DestroyCli& c) {
  if (fs::path(c.out).extension() != ".pdf") return fail(Error{ErrorKind::usage, 0, "--manifest FILE.pdf is required"}, c.json);
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto h = station::hand_over(**reg, c.keys_for_batch, c.contractor, c.by);
  if (!h) return fail(h.error(), c.json);
  if (auto r = station::render_batch_manifest(**reg, h->batch, c.out); !r) return fail(r.error(), c.json);
  if (c.json) fmt::print("{}\n", json{{"batch", h->batch}, {"drives", h->drives.size()}, {"manifest", c.out}}.dump());
  else fmt::print("batch {}: {} drive(s) handed over to {}; manifest {}\n", h->batch, h->drives.size(), c.contractor, c.out);
  return kExitOk;
}

int run_batch_confirm(const DestroyCli& c) {
  auto reg = open_custody_registry(c.registry);
  if (!reg) return fail(reg.error(), c.json);
  auto sum = sha256_file(c.file);
  if (!sum) return fail(Error{ErrorKind::usage, 0, "--file " + c.file + ": cannot be read"}, c.json);
  auto n = station::confirm_batch(**reg, c.batch, fs::path(c.file).filename().string(), *sum, c.by);
  if (!n) return fail(n.error(), c.json);
  if (c.json) fmt::print("{}\n", json{{"batch", c.batch}, {"drives", *n}, {"sha256", *sum}}.dump());
  else fmt::print("batch {}: the contractor's confirmation ({}) recorded for {} drive(s)\n", c.batch, *sum, *n);
  return kExitOk;
}

}  // namespace

void register_destroy(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<DestroyCli>();
  CLI::App* cmd = app.add_subcommand("destroy", "physical destruction: prepare, record and certify it (docs/destruction.md)");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* s) {
    s->add_option("--registry", c->registry, "custody registry: SQLite file or postgresql://… (or WIPEPROOF_REGISTRY)");
    s->add_flag("--json", c->json, "JSON output");
  };
  CLI::App* prep = cmd->add_subcommand("prepare", "read identity and SMART, queue for destruction, print the label");
  prep->add_option("device", c->device, "the drive, while it still answers");
  prep->add_option("--serial", c->serial, "a dead drive's serial from its label (recorded as typed, not read)");
  prep->add_option("--model", c->model, "with --serial: the model from the label");
  prep->add_option("--reason", c->reason, "wipe_failed, policy or drive_dead")->required();
  prep->add_option("--by", c->by, "who prepared it")->required();
  prep->add_option("--label", c->label, "label file: .png (label printer) or .pdf")->required();
  common(prep);
  prep->callback([c, &exit_code] { exit_code = run_prepare(*c); });

  CLI::App* rec = cmd->add_subcommand("record", "record the destruction and issue its signed certificate");
  rec->add_option("--serial", c->serial, "the drive's serial");
  rec->add_option("--label-text", c->label_text, "the label's QR text (scanned): links to the prepared drive");
  rec->add_option("--model", c->model, "model (without a registry)");
  rec->add_option("--method", c->method, "shred, disintegrate, pulverize, incinerate, melt, degauss or crush")->required();
  rec->add_option("--particle-mm", c->particle_mm, "shredder/disintegrator particle size in mm");
  rec->add_option("--din-level", c->din_level, "DIN 66399 security level, e.g. H-5 or E-4");
  rec->add_option("--reason", c->reason, "wipe_failed, policy or drive_dead (default: from the custody chain)");
  rec->add_option("--witness", c->witness, "who witnessed it (another person than the operator)");
  rec->add_option("--witness-title", c->witness_title, "the witness's title");
  rec->add_option("--device", c->device_name, "our own equipment that destroyed it (e.g. \"HSM Powerline HDS 230\")");
  rec->add_option("--contractor", c->contractor, "the contractor that destroyed it");
  rec->add_option("--place", c->place, "where it was destroyed");
  rec->add_option("--time", c->time, "when (RFC 3339; default now)");
  rec->add_option("--evidence", c->evidence, "photos, video, the contractor's certificate (SHA-256 in the certificate)");
  rec->add_option("--out", c->out, "where the certificate and <id>.evidence/ go")->capture_default_str();
  add_sign_options(*rec, c->sign);
  common(rec);
  rec->callback([c, &exit_code] { exit_code = run_record(*c); });

  CLI::App* chk = cmd->add_subcommand("check", "after degaussing: the drive must neither identify nor read (exit 5 if it does)");
  chk->add_option("device", c->device, "the re-attached drive")->required();
  chk->add_option("--serial", c->serial, "record the check in this drive's custody chain");
  chk->add_option("--by", c->by, "who checked");
  common(chk);
  chk->callback([c, &exit_code] { exit_code = run_check(*c); });

  CLI::App* batch = cmd->add_subcommand("batch", "hand drives queued for destruction to a contractor, with a manifest");
  batch->add_option("drives", c->keys_for_batch, "custody ids or serials");
  batch->add_option("--contractor", c->contractor, "who takes them");
  batch->add_option("--by", c->by, "who hands them over");
  batch->add_option("--manifest", c->out, "the manifest PDF (QR code per drive, signature lines)");
  common(batch);
  CLI::App* confirm = batch->add_subcommand("confirm", "record the contractor's returned confirmation for a batch");
  confirm->add_option("batch", c->batch, "batch id (WPB-…)")->required();
  confirm->add_option("--file", c->file, "the contractor's confirmation (PDF …): its SHA-256 is recorded")->required();
  confirm->add_option("--by", c->by, "who received it")->required();
  common(confirm);
  confirm->callback([c, &exit_code] { exit_code = run_batch_confirm(*c); });
  batch->callback([c, batch, &exit_code] {
    if (batch->got_subcommand("confirm")) return;
    exit_code = run_batch(*c);
  });
}

}  // namespace wipeproof::cli
