#include "station/custody.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::station {

bool is_custody_event(const std::string& t) {
  return std::any_of(std::begin(kCustodyEvents), std::end(kCustodyEvents), [&](const char* e) { return t == e; });
}

Result<std::string> new_custody_id() {
  std::vector<std::byte> raw(5);
  WP_RETURN_IF_ERROR(random_bytes(raw));
  std::string hex = to_hex(raw);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "WPC-" + hex;
}

std::string custody_label_payload(const std::string& id, const std::string& serial) {
  return "wipeproof-custody:" + id + ":serial:" + serial;
}

std::optional<std::pair<std::string, std::string>> parse_custody_label(const std::string& p) {
  const std::string head = "wipeproof-custody:";
  if (p.rfind(head, 0) != 0) return std::nullopt;
  auto mid = p.find(":serial:", head.size());
  if (mid == std::string::npos) return std::nullopt;
  std::string id = p.substr(head.size(), mid - head.size()), serial = p.substr(mid + 8);
  if (id.size() != 14 || id.rfind("WPC-", 0) != 0 || serial.empty()) return std::nullopt;
  return std::make_pair(id, serial);
}

std::string custody_state(const std::vector<CustodyEvent>& events) {
  // destroy_check and contractor_returned describe; they do not move the drive on.
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->type != "destroy_check" && it->type != "contractor_returned") return it->type;
  return events.empty() ? "unknown" : events.back().type;
}

bool awaiting_destruction(const std::vector<CustodyEvent>& events) {
  std::string s = custody_state(events);
  return s == "queued_for_destruction" || s == "handed_over" || s == "wipe_failed";
}

std::vector<std::string> custody_gaps(const std::vector<CustodyEvent>& events) {
  std::vector<std::string> gaps;
  auto seen_before = [&](std::size_t i, std::initializer_list<const char*> types) {
    for (std::size_t k = 0; k < i; ++k)
      for (const char* t : types)
        if (events[k].type == t) return true;
    return false;
  };
  if (events.empty() || events.front().type != "received") gaps.push_back("no received event: the intake was not recorded");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const CustodyEvent& e = events[i];
    auto d = nlohmann::json::parse(e.detail, nullptr, false);
    auto need = [&](std::initializer_list<const char*> types, const std::string& what) {
      if (!seen_before(i, types)) gaps.push_back(fmt::format("event {} ({}): {}", e.seq, e.type, what));
    };
    if (e.type == "handed_over") need({"queued_for_destruction"}, "handed over without being queued for destruction");
    if (e.type == "contractor_returned") need({"handed_over"}, "a contractor confirmation without a hand-over");
    if (e.type == "destroy_check") need({"queued_for_destruction"}, "checked without being queued for destruction");
    if (e.type == "destroyed") {
      need({"queued_for_destruction"}, "destroyed without being queued for destruction");
      if (d.is_object() && d.value("performed_by_kind", "") == "contractor")
        need({"handed_over"}, fmt::format("destroyed by contractor {} without a handed_over event",
                                          d.value("performed_by", std::string("?"))));
    }
    if (e.type == "certificate_issued") need({"destroyed", "wiped"}, "a certificate without a wipe or destruction");
  }
  return gaps;
}

std::vector<std::string> custody_chain_problems(const std::vector<CustodyEvent>& all) {
  std::vector<std::string> problems;
  std::string prev(64, '0');
  std::uint64_t expect = 1;
  for (const auto& e : all) {
    if (e.seq != expect) problems.push_back(fmt::format("events {}-{} are missing", expect, e.seq - 1));
    else if (e.prev_sha256 != prev) problems.push_back(fmt::format("event {} does not link to event {}", e.seq, e.seq - 1));
    if (custody_event_hash(e) != e.entry_sha256) problems.push_back(fmt::format("event {} was altered", e.seq));
    prev = e.entry_sha256;
    expect = e.seq + 1;
  }
  return problems;
}

Result<std::optional<std::pair<CustodyDrive, std::vector<CustodyEvent>>>> open_chain(Registry& reg,
                                                                                   const std::string& serial) {
  using Out = std::optional<std::pair<CustodyDrive, std::vector<CustodyEvent>>>;
  WP_ASSIGN_OR_RETURN(auto found, reg.find_custody(serial));
  for (const auto& d : found) {
    WP_ASSIGN_OR_RETURN(auto events, reg.custody_events(d.custody_id));
    if (custody_state(events) != "certificate_issued") return Out{std::make_pair(d, std::move(events))};
  }
  return Out{};
}

Result<CustodyDrive> receive_drive(Registry& reg, const IntakeIdentity& id, const std::string& from,
                                   const std::string& by, const std::string& note) {
  if (id.serial.empty()) return make_error(ErrorKind::usage, "a drive is received by its serial (read from it, or --serial)");
  if (by.empty()) return make_error(ErrorKind::usage, "--by NAME (who received it) is required");
  WP_ASSIGN_OR_RETURN(auto existing, open_chain(reg, id.serial));
  if (existing)
    return make_error(ErrorKind::refused, fmt::format("serial {} is already in custody as {} ({})", id.serial,
                                                      existing->first.custody_id, custody_state(existing->second)));
  CustodyDrive d;
  WP_ASSIGN_OR_RETURN(d.custody_id, new_custody_id());
  d.serial = id.serial;
  d.model = id.model;
  d.wwn = id.wwn;
  d.identity_source = id.identity_source;
  d.asset = id.asset;
  WP_RETURN_IF_ERROR(reg.create_custody(d));
  nlohmann::json detail = {{"from", from},         {"identity_source", id.identity_source}, {"model", id.model},
                           {"serial", id.serial},     {"wwn", id.wwn},   {"asset", id.asset},
                           {"bus", id.bus},           {"media_type", id.media_type}, {"firmware", id.firmware},
                           {"size_bytes", id.size_bytes}};
  if (!note.empty()) detail["note"] = note;
  WP_RETURN_IF_ERROR(record_custody_event(reg, d.custody_id, "received", by, detail));
  return d;
}

Result<CustodyDrive> custody_of(Registry& reg, const std::string& key) {
  WP_ASSIGN_OR_RETURN(auto found, reg.find_custody(key));
  if (found.empty())
    return make_error(ErrorKind::refused, fmt::format("{} was never received into custody (wipeproof custody receive)", key));
  return found.front();
}

Result<CustodyEvent> record_custody_event(Registry& reg, const std::string& custody_id, const std::string& type,
                                          const std::string& actor, const nlohmann::json& detail) {
  if (!is_custody_event(type))
    return make_error(ErrorKind::usage, fmt::format("unknown custody event '{}' (received, wiped, wipe_failed, "
                                                    "queued_for_destruction, handed_over, contractor_returned, "
                                                    "destroy_check, destroyed, certificate_issued)", type));
  if (actor.empty()) return make_error(ErrorKind::usage, "--by NAME (who did it) is required");
  if (!detail.is_object()) return make_error(ErrorKind::usage, "custody event detail must be an object");
  return reg.append_custody_event(custody_id, type, actor, detail.dump());
}

Result<std::string> record_wipe_outcome(Registry& reg, const WipeOutcomeFacts& w, const std::string& by) {
  if (w.outcome == "interrupted") return std::string();
  if (w.identity.serial.empty())
    return make_error(ErrorKind::usage, "the drive reports no serial: custody not recorded (receive it with --serial)");
  std::string who = by.empty() ? "wipeproof" : by;
  CustodyDrive drive;
  WP_ASSIGN_OR_RETURN(auto chain, open_chain(reg, w.identity.serial));
  if (chain) {
    drive = chain->first;
  } else {
    WP_ASSIGN_OR_RETURN(drive, receive_drive(reg, w.identity, w.from, who, "received at wipe"));
  }
  nlohmann::json detail = {{"record_id", w.record_id}, {"outcome", w.outcome}, {"method", w.method}};
  if (w.outcome == "erased") {
    WP_RETURN_IF_ERROR(record_custody_event(reg, drive.custody_id, "wiped", who, detail));
    if (w.certified)
      WP_RETURN_IF_ERROR(record_custody_event(reg, drive.custody_id, "certificate_issued", who, {{"certificate_id", w.record_id}}));
  } else {
    detail["exceptions"] = w.exceptions;
    WP_RETURN_IF_ERROR(record_custody_event(reg, drive.custody_id, "wipe_failed", who, detail));
    WP_RETURN_IF_ERROR(record_custody_event(reg, drive.custody_id, "queued_for_destruction", who,
                                            {{"reason", "wipe_failed"}, {"record_id", w.record_id},
                                             {"identity_source", "read"}, {"smart", w.smart}}));
  }
  return drive.custody_id;
}

nlohmann::json custody_json(const CustodyDrive& d, const std::vector<CustodyEvent>& events) {
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : events)
    ev.push_back({{"seq", e.seq}, {"type", e.type}, {"at", e.at}, {"by", e.actor},
                  {"detail", nlohmann::json::parse(e.detail, nullptr, false)}, {"entry_sha256", e.entry_sha256}});
  return {{"custody_id", d.custody_id}, {"serial", d.serial}, {"model", d.model}, {"wwn", d.wwn},
          {"identity_source", d.identity_source}, {"asset", d.asset}, {"received_at", d.created_at},
          {"state", custody_state(events)}, {"awaiting_destruction", awaiting_destruction(events)},
          {"gaps", custody_gaps(events)}, {"events", ev}};
}

}  // namespace wipeproof::station
