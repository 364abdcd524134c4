#include "certs/record_json.hpp"

#include "core/hex.hpp"

namespace wipeproof::certs {
using nlohmann::json;

namespace {

json faults_to_json(const std::vector<IoFault>& faults) {
  json a = json::array();
  for (const auto& f : faults)
    a.push_back({{"op", f.op}, {"lba_first", f.lba_first}, {"lba_count", f.lba_count}, {"errno", f.sys_errno},
                 {"message", f.message}});
  return a;
}

}  // namespace

json pattern_to_json(const PassPattern& p) {
  if (p.kind == PatternKind::fixed && p.bytes.empty())
    return {{"kind", "changed"}, {"origin", "no known post-state: each sampled block must differ from before the erase, or be uniform"}};
  if (p.kind == PatternKind::uniform)
    return {{"kind", "uniform"}, {"origin", p.origin}};
  if (p.kind == PatternKind::looks_random)
    return {{"kind", "looks_random"}, {"origin", p.origin}};
  if (p.kind == PatternKind::any)
    return {{"kind", "any"}, {"origin", p.origin}};
  if (p.kind == PatternKind::random_stream)
    return {{"kind", "random"}, {"prng", "AES-128-CTR"}, {"key_hex", p.key_hex}, {"iv_hex", p.iv_hex},
            {"origin", p.origin}};
  return {{"kind", "fixed"}, {"bytes_hex", to_hex(p.bytes)}, {"origin", p.origin}};
}

json verify_report_to_json(const VerifyReport& v) {
  json j = {{"mode", verify_mode_name(v.mode)},
            {"expected", pattern_to_json(v.expected)},
            {"status", run_status_name(v.status)},
            {"passed", v.passed},
            {"started", v.started},
            {"finished", v.finished},
            {"blocks_read", v.blocks_read},
            {"bytes_read", v.bytes_read},
            {"throughput_bytes_per_s", v.throughput_bytes_per_s},
            {"mismatched_blocks", v.mismatched_blocks},
            {"first_mismatch_lbas", v.first_mismatch_lbas},
            {"read_errors", faults_to_json(v.read_errors)},
            {"miss_probability", {{"residue_1_percent", v.miss_probability_1pct},
                                  {"residue_0_1_percent", v.miss_probability_0_1pct},
                                  {"residue_0_01_percent", v.miss_probability_0_01pct}}}};
  json residue = json::array();
  for (const auto& h : v.residue) residue.push_back({{"lba", h.lba}, {"type", h.type}});
  j["residue"] = residue;
  j["uniform_blocks"] = v.uniform_blocks;
  if (v.evidence) {
    const EraseEvidence& e = *v.evidence;
    j["evidence"] = {{"canaries_written", e.canaries_written},
                     {"canary_lbas", e.canary_lbas},
                     {"canaries_surviving", e.canaries_surviving},
                     {"canaries_unreadable", e.canaries_unreadable},
                     {"fingerprinted_blocks", e.fingerprinted_blocks},
                     {"fingerprints_unchanged", e.fingerprints_unchanged},
                     {"unchanged_lbas", e.unchanged_lbas},
                     {"expected_result", e.expected_result},
                     {"media_verification_used", e.media_verification_used},
                     {"media_verification_note", e.media_verification_note},
                     {"media_inspected", e.media_inspected},
                     {"media_note", e.media_note}};
  } else {
    j["evidence"] = nullptr;
  }
  json hits = json::array();
  for (const auto& h : v.signature_scan.hits) hits.push_back({{"type", h.type}, {"usage", h.usage}, {"offset", h.offset}});
  j["signature_scan"] = {{"performed", v.signature_scan.performed}, {"clean", v.signature_scan.clean},
                         {"hits", hits}, {"error", v.signature_scan.error}, {"tool", "libblkid"}};
  if (v.plan) {
    const SamplePlanSummary& s = *v.plan;
    j["plan"] = {{"algorithm", "wipeproof-sample-v1 (docs/verification.md)"},
                 {"seed_hex", s.seed_hex},
                 {"subsections", s.subsections},
                 {"samples_per_subsection", s.samples_per_subsection},
                 {"sample_count", s.sample_count},
                 {"sample_blocks", s.sample_blocks},
                 {"covered_blocks", s.covered_blocks},
                 {"total_blocks", s.total_blocks},
                 {"block_size", s.block_size},
                 {"coverage_percent", s.coverage_percent},
                 {"requested_coverage_ppm", s.requested_coverage_ppm},
                 {"criterion", s.criterion},
                 {"lba_list_sha256", s.lba_list_sha256},
                 {"first_and_last_included", s.first_and_last_included}};
  } else {
    j["plan"] = nullptr;
  }
  return j;
}

json record_to_json(const WipeRecord& r) {
  const DeviceIdentity& d = r.device;
  json device = {{"path", d.path},
                 {"kind", d.kind},
                 {"kernel_name", d.kernel_name},
                 {"model", d.model},
                 {"serial", d.serial},
                 {"wwn", d.wwn},
                 {"firmware", d.firmware},
                 {"transport", d.transport},
                 {"size_bytes", d.size_bytes},
                 {"logical_sector_size", d.logical_sector_size},
                 {"physical_sector_size", d.physical_sector_size},
                 {"direct_io", d.direct_io}};
  device["rotational"] = d.rotational ? json(*d.rotational) : json(nullptr);
  json passes = json::array();
  for (const auto& p : r.passes)
    passes.push_back({{"index", p.index},
                      {"pattern", pattern_to_json(p.pattern)},
                      {"status", run_status_name(p.status)},
                      {"started", p.started},
                      {"finished", p.finished},
                      {"bytes_written", p.bytes_written},
                      {"throughput_bytes_per_s", p.throughput_bytes_per_s},
                      {"synced", p.synced},
                      {"errors", faults_to_json(p.errors)}});
  const SanitizationChoice& c = r.choice;
  json commands = json::array();
  for (const auto& fc : c.commands)
    commands.push_back({{"name", fc.name}, {"parameters", fc.parameters}, {"result", fc.result}, {"at", fc.at}});
  json choice = {{"requested_level", c.requested_level}, {"level", c.level}, {"method", c.method},
                 {"method_type", c.method_type}, {"why", c.why}, {"shortfall", c.shortfall}, {"rejected", c.rejected},
                 {"firmware_commands", commands}, {"firmware_completed", c.firmware_completed},
                 {"firmware_failure", c.firmware_failure}, {"hidden_areas", c.hidden_areas},
                 {"sectors_before", c.sectors_before}, {"sectors_after", c.sectors_after},
                 {"smart_before", c.smart_before}, {"smart_after", c.smart_after},
                 {"retired_blocks", c.retired_blocks}};
  return {{"record_version", r.record_version},
          {"choice", choice},
          {"record_id", r.record_id},
          {"tool", {{"name", r.tool.name}, {"version", r.tool.version}, {"binary_sha256", r.tool.binary_sha256}}},
          {"host", {{"hostname", r.host}, {"kernel", r.kernel}}},
          {"started", r.started},
          {"finished", r.finished},
          {"device", device},
          {"method", {{"name", r.method.name}, {"title", r.method.title}, {"source", r.method.source},
                      {"rounds", r.method.rounds}, {"final_blank", r.method.final_blank}}},
          {"block_size_bytes", r.block_size_bytes},
          {"passes", passes},
          {"verification", verify_report_to_json(r.verification)},
          {"outcome", outcome_name(r.outcome)},
          {"exceptions", r.exceptions}};
}

namespace {

Result<PassPattern> pattern_from_json(const json& j) {
  PassPattern p;
  std::string kind = j.value("kind", "");
  p.origin = j.value("origin", "");
  if (kind == "random") {
    p.kind = PatternKind::random_stream;
    p.key_hex = j.value("key_hex", "");
    p.iv_hex = j.value("iv_hex", "");
    auto k = from_hex(p.key_hex), iv = from_hex(p.iv_hex);
    if (!k || !iv || k->size() != 16 || iv->size() != 16)
      return make_error(ErrorKind::usage, "record: random pass without a 16-byte key and IV");
    return p;
  }
  if (kind == "fixed") {
    auto b = from_hex(j.value("bytes_hex", ""));
    if (!b) return make_error(ErrorKind::usage, "record: fixed pass without valid bytes_hex");
    p.kind = PatternKind::fixed;
    p.bytes = *b;
    return p;
  }
  if (kind == "uniform" || kind == "looks_random" || kind == "any") {
    p.kind = kind == "uniform" ? PatternKind::uniform : kind == "looks_random" ? PatternKind::looks_random : PatternKind::any;
    return p;
  }
  if (kind == "changed")
    return make_error(ErrorKind::usage, "record: the last step (a firmware erase) has no fixed content to verify "
                                        "against; use --expect zero|one|HEX");
  return make_error(ErrorKind::usage, "record: unknown pattern kind '" + kind + "'");
}

}  // namespace

namespace {

/// A certificate (schema v1) carries the record's passes and verification in its own layout.
json certificate_as_record(const json& c) {
  json r = {{"record_version", 1}, {"record_id", c.value("record_id", "")}};
  const json& s = c.contains("sanitization") ? c["sanitization"] : json::object();
  const json& m = c.contains("media") ? c["media"] : json::object();
  r["block_size_bytes"] = s.value("block_size_bytes", 0u);
  r["passes"] = s.contains("passes") ? s["passes"] : json::array();
  r["verification"] = c.contains("verification") ? c["verification"] : json::object();
  r["device"] = {{"path", m.value("path", "")},
                 {"serial", m.contains("serial") && m["serial"].is_string() ? m["serial"] : json("")},
                 {"size_bytes", m.contains("capacity") ? m["capacity"].value("apparent_bytes", std::uint64_t{0}) : 0}};
  return r;
}

}  // namespace

Result<WipeRecord> record_from_json(const json& in) {
  const json j = (in.is_object() && in.value("schema", "") == "wipeproof-certificate-v1") ? certificate_as_record(in) : in;
  if (!j.is_object() || j.value("record_version", 0) != 1)
    return make_error(ErrorKind::usage, "not a wipeproof record (record_version 1 expected)");
  WipeRecord r;
  r.record_id = j.value("record_id", "");
  r.block_size_bytes = j.value("block_size_bytes", 0u);
  if (j.contains("device") && j["device"].is_object()) {
    r.device.path = j["device"].value("path", "");
    r.device.serial = j["device"].value("serial", "");
    r.device.size_bytes = j["device"].value("size_bytes", std::uint64_t{0});
  }
  if (j.contains("passes") && j["passes"].is_array()) {
    for (const auto& pj : j["passes"]) {
      PassRecord p;
      p.index = pj.value("index", 0);
      if (!pj.contains("pattern")) return make_error(ErrorKind::usage, "record: pass without pattern");
      WP_ASSIGN_OR_RETURN(p.pattern, pattern_from_json(pj["pattern"]));
      r.passes.push_back(std::move(p));
    }
  }
  if (j.contains("verification") && j["verification"].is_object()) {
    const json& v = j["verification"];
    if (v.contains("expected") && v["expected"].is_object()) {
      WP_ASSIGN_OR_RETURN(r.verification.expected, pattern_from_json(v["expected"]));
    } else if (!r.passes.empty()) {
      r.verification.expected = r.passes.back().pattern;
    }
    if (v.contains("plan") && v["plan"].is_object()) {
      SamplePlanSummary s;
      s.seed_hex = v["plan"].value("seed_hex", "");
      s.coverage_percent = v["plan"].value("coverage_percent", "");
      s.requested_coverage_ppm = v["plan"].value("requested_coverage_ppm", 0u);
      s.lba_list_sha256 = v["plan"].value("lba_list_sha256", "");
      r.verification.plan = s;
    }
  } else if (!r.passes.empty()) {
    r.verification.expected = r.passes.back().pattern;
  }
  if (r.passes.empty() && r.verification.expected.bytes.empty() && r.verification.expected.key_hex.empty())
    return make_error(ErrorKind::usage, "record has no pass to verify against");
  return r;
}

std::string to_document(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wipeproof::certs
