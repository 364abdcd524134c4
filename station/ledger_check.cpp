#include "station/ledger_check.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/ledger.hpp"
#include "certs/openssl_util.hpp"
#include "core/sys.hpp"

namespace wipeproof::station {
namespace {

struct Seen {
  std::uint64_t seq;
  std::string id;
};

/// Groups the entries whose certificate is not held, and the sequence numbers nobody has.
void find_gaps(const std::vector<Seen>& seen, const std::set<std::string>& held, LedgerCheckReport& rep) {
  std::map<std::uint64_t, std::string> by_seq;
  for (const auto& s : seen) by_seq[s.seq] = s.id;
  std::uint64_t last = by_seq.empty() ? 0 : by_seq.rbegin()->first;
  for (std::uint64_t seq = 1; seq <= last; ++seq) {
    auto it = by_seq.find(seq);
    auto& ranges = it == by_seq.end() ? rep.holes : rep.missing;
    if (it != by_seq.end() && held.count(it->second)) continue;
    if (ranges.empty() || ranges.back().last + 1 != seq) ranges.push_back({seq, seq, {}});
    ranges.back().last = seq;
    if (it != by_seq.end()) ranges.back().certificate_ids.push_back(it->second);
  }
}

}  // namespace

std::string range_text(const LedgerRange& r) {
  return r.first == r.last ? std::to_string(r.first) : fmt::format("{}-{}", r.first, r.last);
}

LedgerCheckReport check_registry_ledger(const std::vector<RegistryLedgerEntry>& entries, const std::set<std::string>& held) {
  LedgerCheckReport rep;
  rep.source = "registry";
  rep.entries = entries.size();
  std::vector<Seen> seen;
  const RegistryLedgerEntry* prev = nullptr;
  for (const auto& e : entries) {
    seen.push_back({e.seq, e.certificate_id});
    std::string canonical = fmt::format("{}\n{}\n{}\n{}\n{}", e.seq, e.certificate_id, e.cert_sha256, e.at, e.prev_sha256);
    if (certs::sha256_hex(canonical.data(), canonical.size()) != e.entry_sha256)
      rep.problems.push_back(fmt::format("entry {}: altered (its hash does not match its content)", e.seq));
    // Links are checked between neighbours that are both present; a hole is reported as a hole.
    if (prev && prev->seq + 1 == e.seq && e.prev_sha256 != prev->entry_sha256)
      rep.problems.push_back(fmt::format("entry {}: does not link to entry {}", e.seq, prev->seq));
    if (!prev && e.seq == 1 && e.prev_sha256 != std::string(64, '0'))
      rep.problems.push_back("entry 1: does not start the chain");
    prev = &e;
  }
  find_gaps(seen, held, rep);
  return rep;
}

Result<LedgerCheckReport> check_ledger_file(const std::string& path, const std::set<std::string>& held) {
  WP_ASSIGN_OR_RETURN(certs::LedgerReport chain, certs::ledger_verify(path));
  WP_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  LedgerCheckReport rep;
  rep.source = path;
  for (const auto& p : chain.problems) rep.problems.push_back(fmt::format("line {}: {}", p.line, p.what));
  std::vector<Seen> seen;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j["seq"].is_number_unsigned() || !j["certificate_id"].is_string()) continue;
    seen.push_back({j["seq"].get<std::uint64_t>(), j["certificate_id"].get<std::string>()});
  }
  rep.entries = seen.size();
  find_gaps(seen, held, rep);
  return rep;
}

}  // namespace wipeproof::station
