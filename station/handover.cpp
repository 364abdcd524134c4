#include "station/handover.hpp"

#include <fmt/format.h>

#include "certs/label_render.hpp"
#include "core/clock.hpp"
#include "station/custody.hpp"

namespace wipeproof::station {
using nlohmann::json;

Result<Handover> hand_over(Registry& reg, const std::vector<std::string>& keys, const std::string& contractor,
                           const std::string& by) {
  if (contractor.empty()) return make_error(ErrorKind::usage, "the contractor is required");
  if (by.empty()) return make_error(ErrorKind::usage, "who hands them over is required");
  if (keys.empty()) return make_error(ErrorKind::usage, "name the drives (custody ids or serials)");
  Handover h;
  for (const auto& k : keys) {
    WP_ASSIGN_OR_RETURN(CustodyDrive d, custody_of(reg, k));
    WP_ASSIGN_OR_RETURN(auto events, reg.custody_events(d.custody_id));
    if (custody_state(events) != "queued_for_destruction")
      return make_error(ErrorKind::refused, fmt::format("{} ({}) is {}, not queued for destruction", d.custody_id, d.serial,
                                                        custody_state(events)));
    for (const auto& already : h.drives)
      if (already.custody_id == d.custody_id) return make_error(ErrorKind::usage, d.custody_id + " is named twice");
    h.drives.push_back(d);
  }
  WP_ASSIGN_OR_RETURN(std::string id, new_custody_id());
  h.batch = "WPB-" + id.substr(4);
  for (const auto& d : h.drives)
    WP_RETURN_IF_ERROR(record_custody_event(reg, d.custody_id, "handed_over", by,
                                            {{"contractor", contractor}, {"batch", h.batch}, {"drives", h.drives.size()}}));
  return h;
}

Result<void> render_batch_manifest(Registry& reg, const std::string& batch, const std::string& pdf_path) {
  WP_ASSIGN_OR_RETURN(auto all, reg.custody_events(""));
  std::vector<certs::ManifestRow> rows;
  std::string contractor, by, at;
  for (const auto& e : all) {
    if (e.type != "handed_over") continue;
    auto d = json::parse(e.detail, nullptr, false);
    if (!d.is_object() || d.value("batch", "") != batch) continue;
    contractor = d.value("contractor", "");
    by = e.actor;
    at = e.at;
    WP_ASSIGN_OR_RETURN(CustodyDrive drive, custody_of(reg, e.custody_id));
    rows.push_back({custody_label_payload(drive.custody_id, drive.serial),
                    {drive.custody_id + "   S/N " + drive.serial, drive.model.empty() ? "model unknown" : drive.model,
                     drive.identity_source == "typed" ? "identity typed" : "identity read electronically"}});
  }
  if (rows.empty()) return make_error(ErrorKind::usage, "no drives were handed over in batch " + batch);
  return certs::render_manifest("Destruction hand-over " + batch,
                                {"Contractor / 委託業者: " + contractor, "Handed over by / 引渡し者: " + by,
                                 fmt::format("{} drive(s), {}", rows.size(), at)},
                                rows, pdf_path);
}

Result<std::size_t> confirm_batch(Registry& reg, const std::string& batch, const std::string& file_name,
                                  const std::string& sha256, const std::string& by) {
  WP_ASSIGN_OR_RETURN(auto all, reg.custody_events(""));
  std::vector<std::string> ids;
  for (const auto& e : all)
    if (e.type == "handed_over") {
      auto d = json::parse(e.detail, nullptr, false);
      if (d.is_object() && d.value("batch", "") == batch) ids.push_back(e.custody_id);
    }
  if (ids.empty()) return make_error(ErrorKind::usage, "no drives were handed over in batch " + batch);
  for (const auto& id : ids)
    WP_RETURN_IF_ERROR(record_custody_event(reg, id, "contractor_returned", by,
                                            {{"batch", batch}, {"file", file_name}, {"sha256", sha256}}));
  return ids.size();
}

Result<json> custody_overview(Registry& reg, const std::string& state) {
  WP_ASSIGN_OR_RETURN(auto drives, reg.list_custody());
  WP_ASSIGN_OR_RETURN(auto all, reg.custody_events(""));
  json out = json::array();
  for (const auto& d : drives) {
    std::vector<CustodyEvent> mine;
    for (const auto& e : all)
      if (e.custody_id == d.custody_id) mine.push_back(e);
    json j = custody_json(d, mine);
    if (state == "awaiting_destruction" && !j["awaiting_destruction"].get<bool>()) continue;
    if (state == "open" && j["state"] == "certificate_issued") continue;
    out.push_back(std::move(j));
  }
  return json{{"drives", out}, {"count", out.size()}, {"chain_problems", custody_chain_problems(all)}};
}

}  // namespace wipeproof::station
