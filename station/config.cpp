#include "station/config.hpp"

#include <fnmatch.h>

#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace wipeproof::station {

Result<void> validate_bay(const BaySpec& b) {
  auto bad = [&](const std::string& what) {
    return make_error(ErrorKind::usage, fmt::format("bay '{}': {}", b.name, what));
  };
  if (b.name.empty()) return make_error(ErrorKind::usage, "every [[bay]] needs a name");
  if (b.by_path.empty() == b.device.empty()) return bad("give exactly one of by_path or device");
  if (!b.device.empty() && b.device.rfind("/dev/", 0) != 0) return bad("device must be a /dev path or glob");
  if (!b.level.empty() && !b.method.empty()) return bad("give at most one of level or method");
  if (!b.level.empty() && b.level != "clear" && b.level != "purge") return bad("level must be clear or purge");
  if (b.auto_start) {
    if (b.level.empty() && b.method.empty()) return bad("policy auto needs level or method");
    if (b.operator_name.empty()) return bad("policy auto needs operator (the person who answers for these wipes)");
  }
  return {};
}

Result<StationConfig> load_station_config(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorKind::usage, fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  static const std::set<std::string> kTop{"data", "listen", "keys", "site", "ca", "tls", "poll_ms", "bay", "registry"};
  static const std::set<std::string> kBay{"name", "by_path", "device", "policy", "level", "method", "operator"};
  for (const auto& [k, v] : t)
    if (!kTop.count(std::string(k.str())))
      return make_error(ErrorKind::usage, fmt::format("{}: unknown key '{}'", path, k.str()));
  StationConfig c;
  c.data_dir = t["data"].value_or(std::string{});
  c.listen = t["listen"].value_or(std::string{});
  c.keys = t["keys"].value_or(std::string{});
  c.site = t["site"].value_or(std::string{});
  c.ca = t["ca"].value_or(std::string{});
  c.registry = t["registry"].value_or(std::string{});
  if (auto tls = t["tls"].value<bool>()) c.tls = *tls;
  // An integer node only: toml++ converts a float to an integer by a cast that overflows (UB)
  // for a huge value (found by fuzz_config); the range is checked before narrowing to int.
  std::int64_t poll = 500;
  if (auto node = t["poll_ms"]; node) {
    const auto* integer = node.as_integer();
    if (!integer) return make_error(ErrorKind::usage, path + ": poll_ms must be an integer (milliseconds)");
    poll = integer->get();
  }
  if (poll < 100 || poll > 10000) return make_error(ErrorKind::usage, path + ": poll_ms must be 100-10000");
  c.poll_ms = static_cast<int>(poll);
  std::set<std::string> names;
  if (auto* bays = t["bay"].as_array()) {
    for (const auto& node : *bays) {
      const auto* bt = node.as_table();
      if (!bt) return make_error(ErrorKind::usage, path + ": bay must be a table ([[bay]])");
      for (const auto& [k, v] : *bt)
        if (!kBay.count(std::string(k.str())))
          return make_error(ErrorKind::usage, fmt::format("{}: bay: unknown key '{}'", path, k.str()));
      BaySpec b;
      b.name = (*bt)["name"].value_or(std::string{});
      b.by_path = (*bt)["by_path"].value_or(std::string{});
      b.device = (*bt)["device"].value_or(std::string{});
      std::string policy = (*bt)["policy"].value_or(std::string("manual"));
      if (policy != "manual" && policy != "auto")
        return make_error(ErrorKind::usage, fmt::format("{}: bay '{}': policy must be manual or auto", path, b.name));
      b.auto_start = policy == "auto";
      b.level = (*bt)["level"].value_or(std::string{});
      b.method = (*bt)["method"].value_or(std::string{});
      b.operator_name = (*bt)["operator"].value_or(std::string{});
      if (auto v = validate_bay(b); !v) return make_error(ErrorKind::usage, path + ": " + v.error().context);
      if (!names.insert(b.name).second)
        return make_error(ErrorKind::usage, fmt::format("{}: bay '{}' is named twice", path, b.name));
      c.bays.push_back(std::move(b));
    }
  }
  return c;
}

std::optional<std::size_t> bay_for(const std::vector<BaySpec>& bays, const std::string& device_path,
                                   const std::vector<std::string>& by_path_names) {
  for (std::size_t i = 0; i < bays.size(); ++i) {
    const BaySpec& b = bays[i];
    if (!b.device.empty() && fnmatch(b.device.c_str(), device_path.c_str(), 0) == 0) return i;
    if (!b.by_path.empty())
      for (const auto& n : by_path_names)
        if (fnmatch(b.by_path.c_str(), n.c_str(), 0) == 0) return i;
  }
  return std::nullopt;
}

}  // namespace wipeproof::station
