#include "certs/site.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace wipeproof::certs {
namespace {

void read_person(const toml::table& t, const char* key, Person& p) {
  const toml::table* s = t[key].as_table();
  if (!s) return;
  p.name = (*s)["name"].value_or(p.name);
  p.title = (*s)["title"].value_or(p.title);
  p.organisation = (*s)["organisation"].value_or(p.organisation);
  p.contact = (*s)["contact"].value_or(p.contact);
}

template <std::size_t N>
bool one_of(const std::string& v, const char* const (&allowed)[N]) {
  return std::any_of(std::begin(allowed), std::end(allowed), [&](const char* a) { return v == a; });
}

}  // namespace

Result<SiteInfo> load_site_file(const std::string& path) {
  SiteInfo s;
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (e.source().begin.line == 0)
      return make_error(ErrorKind::usage, fmt::format("{}: {}", path, e.description()));
    return make_error(ErrorKind::usage,
                      fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  s.station_id = t["station_id"].value_or(std::string{});
  s.organisation = t["organisation"]["name"].value_or(std::string{});
  s.location = t["organisation"]["location"].value_or(std::string{});
  s.data_owner = t["data_owner"]["name"].value_or(std::string{});
  read_person(t, "operator", s.operator_);
  read_person(t, "validator", s.validator);
  s.asset_number = t["media"]["asset_number"].value_or(std::string{});
  s.classification = t["media"]["classification"].value_or(std::string{});
  s.backup = t["media"]["backup"].value_or(std::string("unknown"));
  s.backup_location = t["media"]["backup_location"].value_or(std::string{});
  s.disposition = t["disposition"]["destination"].value_or(std::string("unknown"));
  s.disposition_notes = t["disposition"]["notes"].value_or(std::string{});
  return s;
}

Result<void> validate_for_signing(const SiteInfo& s) {
  if (s.operator_.name.empty())
    return make_error(ErrorKind::usage, "a signed certificate needs the operator: --operator NAME or [operator] name in the site file");
  if (s.organisation.empty())
    return make_error(ErrorKind::usage,
                      "a signed certificate needs the organisation: --organisation NAME or [organisation] name in the site file");
  if (!one_of(s.backup, kBackupStates))
    return make_error(ErrorKind::usage, fmt::format("backup must be yes, no or unknown, got '{}'", s.backup));
  if (!one_of(s.disposition, kDispositions))
    return make_error(ErrorKind::usage,
                      fmt::format("disposition must be one of internal_reuse, external_reuse, recycle, "
                                  "return_to_manufacturer, destroyed, other, unknown; got '{}'",
                                  s.disposition));
  return {};
}

}  // namespace wipeproof::certs
