#include "certs/ledger.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/canonical_json.hpp"
#include "certs/openssl_util.hpp"
#include "core/unique_fd.hpp"

namespace wipeproof::certs {
using nlohmann::json;

namespace {

const std::string kGenesis(64, '0');

json entry_body(const LedgerEntry& e) {
  return {{"seq", e.seq},
          {"certificate_id", e.certificate_id},
          {"cert_sha256", e.cert_sha256},
          {"issued_at", e.issued_at},
          {"prev_sha256", e.prev_sha256}};
}

std::string entry_hash(const LedgerEntry& e) {
  std::string canon = *canonicalize(entry_body(e));
  return sha256_hex(canon.data(), canon.size());
}

LedgerReport check_lines(const std::vector<std::string>& lines, std::vector<LedgerEntry>* entries) {
  LedgerReport rep;
  std::string prev = kGenesis;
  std::uint64_t expect_seq = 1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::size_t line = i + 1;
    if (lines[i].empty()) {
      rep.problems.push_back({line, "empty line"});
      continue;
    }
    auto j = parse_canonical(lines[i]);
    if (!j || !j->is_object()) {
      rep.problems.push_back({line, "not a canonical JSON entry: " + (j ? std::string("not an object") : j.error().context)});
      continue;
    }
    LedgerEntry e;
    try {
      e.seq = j->at("seq").get<std::uint64_t>();
      e.certificate_id = j->at("certificate_id").get<std::string>();
      e.cert_sha256 = j->at("cert_sha256").get<std::string>();
      e.issued_at = j->at("issued_at").get<std::string>();
      e.prev_sha256 = j->at("prev_sha256").get<std::string>();
      e.entry_sha256 = j->at("entry_sha256").get<std::string>();
    } catch (const json::exception&) {
      rep.problems.push_back({line, "entry lacks a field or has a wrong type"});
      continue;
    }
    ++rep.entries;
    if (entry_hash(e) != e.entry_sha256)
      rep.problems.push_back({line, fmt::format("entry seq {} (certificate {}) was altered: its hash does not match",
                                                e.seq, e.certificate_id)});
    if (e.seq != expect_seq)
      rep.problems.push_back({line, fmt::format("entry seq {} where seq {} was expected: entries were deleted or reordered",
                                                e.seq, expect_seq)});
    if (e.prev_sha256 != prev)
      rep.problems.push_back({line, fmt::format("entry seq {} (certificate {}) does not follow the entry before it: "
                                                "an entry was deleted, reordered or altered before line {}",
                                                e.seq, e.certificate_id, line)});
    prev = e.entry_sha256;
    expect_seq = e.seq + 1;
    if (entries) entries->push_back(e);
  }
  rep.head_sha256 = prev;
  return rep;
}

Result<std::vector<std::string>> read_lines(const std::string& path, bool missing_ok) {
  std::ifstream in(path);
  if (!in) {
    if (missing_ok && errno == ENOENT) return std::vector<std::string>{};
    return sys_error("cannot read ledger " + path, errno ? errno : ENOENT);
  }
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

}  // namespace

Result<LedgerEntry> ledger_append(const std::string& path, const std::string& certificate_id,
                                  const std::string& cert_sha256, const std::string& issued_at) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) return sys_error("cannot open ledger " + path, errno);
  if (::flock(fd.get(), LOCK_EX) != 0) return sys_error("cannot lock ledger " + path, errno);
  WP_ASSIGN_OR_RETURN(auto lines, read_lines(path, true));
  LedgerReport rep = check_lines(lines, nullptr);
  if (!rep.problems.empty())
    return make_error(ErrorKind::verify_mismatch, fmt::format("ledger {} is broken at line {}: {}; not appending", path,
                                                              rep.problems.front().line, rep.problems.front().what));
  LedgerEntry e;
  e.seq = rep.entries + 1;
  e.certificate_id = certificate_id;
  e.cert_sha256 = cert_sha256;
  e.issued_at = issued_at;
  e.prev_sha256 = rep.head_sha256;
  e.entry_sha256 = entry_hash(e);
  json j = entry_body(e);
  j["entry_sha256"] = e.entry_sha256;
  std::string line = *canonicalize(j) + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return sys_error("cannot append to ledger " + path, errno ? errno : EIO);
  if (::fsync(fd.get()) != 0) return sys_error("cannot sync ledger " + path, errno);
  return e;
}

Result<LedgerReport> ledger_verify(const std::string& path) {
  WP_ASSIGN_OR_RETURN(auto lines, read_lines(path, false));
  return check_lines(lines, nullptr);
}

Result<bool> ledger_contains(const std::string& path, const std::string& certificate_id, const std::string& cert_sha256) {
  WP_ASSIGN_OR_RETURN(auto lines, read_lines(path, false));
  std::vector<LedgerEntry> entries;
  LedgerReport rep = check_lines(lines, &entries);
  if (!rep.problems.empty())
    return make_error(ErrorKind::verify_mismatch,
                      fmt::format("ledger {} is broken at line {}: {}", path, rep.problems.front().line, rep.problems.front().what));
  for (const auto& e : entries)
    if (e.certificate_id == certificate_id && e.cert_sha256 == cert_sha256) return true;
  return false;
}

}  // namespace wipeproof::certs
