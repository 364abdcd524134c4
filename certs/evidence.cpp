#include "certs/evidence.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/sha256.hpp"

namespace wipeproof::certs {
namespace fs = std::filesystem;

Result<std::vector<EvidenceFile>> hash_evidence(const std::vector<std::string>& paths) {
  std::vector<EvidenceFile> out;
  std::set<std::string> names;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return make_error(ErrorKind::usage, "--evidence " + p + ": no such file");
    std::string name = fs::path(p).filename().string();
    if (!names.insert(name).second)
      return make_error(ErrorKind::usage, "--evidence: two files are named " + name + " (rename one)");
    WP_ASSIGN_OR_RETURN(std::string sum, sha256_file(p));
    out.push_back({name, sum, static_cast<std::uint64_t>(fs::file_size(p, ec))});
  }
  return out;
}

Result<void> store_evidence(const std::vector<std::string>& paths, const std::vector<EvidenceFile>& files,
                            const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return sys_error("create " + dir, ec.value());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    fs::path to = fs::path(dir) / files[i].name;
    fs::copy_file(paths[i], to, fs::copy_options::overwrite_existing, ec);
    if (ec) return sys_error("copy " + paths[i] + " to " + to.string(), ec.value());
    WP_ASSIGN_OR_RETURN(std::string sum, sha256_file(to.string()));
    if (sum != files[i].sha256)
      return make_error(ErrorKind::sys, fmt::format("{} changed while it was copied", paths[i]), EIO);
  }
  return {};
}

Result<EvidenceCheck> check_evidence(const nlohmann::json& c, const std::string& dir) {
  nlohmann::json::json_pointer p("/destruction/evidence");
  if (!c.contains(p) || !c.at(p).is_array())
    return make_error(ErrorKind::usage, "this certificate lists no evidence files (not a destruction certificate)");
  EvidenceCheck r;
  for (const auto& e : c.at(p)) {
    if (!e.is_object() || !e.contains("file") || !e["file"].is_string() || !e.contains("sha256") || !e["sha256"].is_string())
      return make_error(ErrorKind::usage, "the certificate's evidence list is malformed");
    std::string name = e["file"].get<std::string>();
    // Names come from a signed certificate, but never let one step outside DIR.
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
      r.changed.push_back(name);
      continue;
    }
    fs::path f = fs::path(dir) / name;
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      r.missing.push_back(name);
      continue;
    }
    WP_ASSIGN_OR_RETURN(std::string sum, sha256_file(f.string()));
    (sum == e["sha256"].get<std::string>() ? r.ok : r.changed).push_back(name);
  }
  return r;
}

}  // namespace wipeproof::certs
