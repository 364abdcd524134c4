#include "core/wipe_event.hpp"

#include <nlohmann/json.hpp>

namespace wipeproof {

std::optional<WipeEvent> parse_wipe_event(const std::string& line) {
  auto e = nlohmann::json::parse(line, nullptr, false);
  if (!e.is_object() || !e.contains("event") || !e["event"].is_string()) return std::nullopt;
  // Typed reads: a field of the wrong type reads as absent instead of throwing.
  auto str = [&](const nlohmann::json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  auto num = [&](const char* k) {
    return e.contains(k) && e[k].is_number_unsigned() ? e[k].get<std::uint64_t>() : std::uint64_t{0};
  };
  std::string kind = e["event"].get<std::string>();
  WipeEvent w;
  if (kind == "progress") {
    w.kind = WipeEvent::Kind::progress;
    w.phase = str(e, "phase");
    w.step = static_cast<int>(num("step"));
    w.steps = static_cast<int>(num("steps"));
    w.bytes_done = num("bytes_done");
    w.bytes_total = num("bytes_total");
    w.bytes_per_s = num("bytes_per_s");
    w.eta_s = num("eta_s");
  } else if (kind == "done") {
    w.kind = WipeEvent::Kind::done;
    w.outcome = str(e, "outcome");
    w.record_id = str(e, "record_id");
    w.record_path = str(e, "record_path");
    w.journal = str(e, "journal");
    if (e.contains("certificate") && e["certificate"].is_object()) w.certificate_path = str(e["certificate"], "json");
    if (e.contains("exceptions") && e["exceptions"].is_array())
      for (const auto& x : e["exceptions"])
        if (x.is_string()) w.exceptions.push_back(x.get<std::string>());
  } else if (kind == "error") {
    w.kind = WipeEvent::Kind::error;
    w.message = str(e, "message");
  } else {
    return std::nullopt;
  }
  return w;
}

}  // namespace wipeproof
