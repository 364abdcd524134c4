#include "wipe/method.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/sys.hpp"

namespace wipeproof::wipe {
namespace {

PassSpec fixed(std::initializer_list<unsigned> bytes, int group = 0) {
  PassSpec s;
  s.kind = PassKind::fixed;
  for (unsigned b : bytes) s.bytes.push_back(static_cast<std::byte>(b));
  s.shuffle_group = group;
  return s;
}
PassSpec of(PassKind kind) {
  PassSpec s;
  s.kind = kind;
  return s;
}
const PassSpec kRandom = of(PassKind::random_stream);
const PassSpec kRandomByte = of(PassKind::random_byte);
const PassSpec kComplement = of(PassKind::complement);

std::vector<MethodDefinition> build_methods() {
  std::vector<MethodDefinition> m;
  m.push_back({"random", "One pseudo-random pass (AES-128-CTR)",
               "NIST SP 800-88 Rev. 1 Clear (single overwrite); ASD ISM-0354 (one random pass + read-back)",
               {kRandom}, false, false});
  m.push_back({"zero", "One pass of 0x00", "NIST SP 800-88 Rev. 1 App. A Clear: one pass of a fixed value",
               {fixed({0x00})}, false, false});
  m.push_back({"one", "One pass of 0xFF", "fixed-value overwrite (nwipe 'Ones')", {fixed({0xFF})}, false, false});
  m.push_back({"pattern", "One pass of a user byte pattern (--pattern HEX)", "fixed-value overwrite",
               {of(PassKind::user_pattern)}, true, false});
  m.push_back({"nist-clear", "NIST SP 800-88 Clear: one pass of 0x00, then verify",
               "NIST SP 800-88 Rev. 1 App. A (ATA/SCSI HDD, SSD Clear) and §4.7 verification",
               {fixed({0x00})}, false, false});
  m.push_back({"nist-clear-flash", "NIST SP 800-88 Clear for USB/cards: a pattern, then its complement",
               "NIST SP 800-88 Rev. 1 App. A (removable flash: two passes, pattern and complement)",
               {fixed({0x55}), kComplement}, false, false});
  m.push_back({"dod3", "DoD 5220.22-M (3 passes): random byte, complement, random stream",
               "DoD 5220.22-M (NISPOM 1995) 8-306 item d; pass list as in nwipe 'DoD Short'",
               {kRandomByte, kComplement, kRandom}, false, true});
  m.push_back({"dod7", "DoD 5220.22-M ECE (7 passes)",
               "DoD 5220.22-M ECE (E + C + E); pass list as in nwipe 'DoD 5220.22-M'",
               {kRandomByte, kComplement, kRandom, kRandomByte, kRandomByte, kComplement, kRandom}, false, true});
  {
    MethodDefinition g{"gutmann", "Gutmann (35 passes)",
                       "P. Gutmann, 'Secure Deletion of Data from Magnetic and Solid-State Memory' (1996): "
                       "4 random, 27 fixed in random order, 4 random",
                       {}, false, true};
    for (int i = 0; i < 4; ++i) g.passes.push_back(kRandom);
    for (auto p : std::initializer_list<std::initializer_list<unsigned>>{
             {0x55}, {0xAA}, {0x92, 0x49, 0x24}, {0x49, 0x24, 0x92}, {0x24, 0x92, 0x49}, {0x00}, {0x11},
             {0x22}, {0x33}, {0x44}, {0x55}, {0x66}, {0x77}, {0x88}, {0x99}, {0xAA}, {0xBB}, {0xCC},
             {0xDD}, {0xEE}, {0xFF}, {0x92, 0x49, 0x24}, {0x49, 0x24, 0x92}, {0x24, 0x92, 0x49},
             {0x6D, 0xB6, 0xDB}, {0xB6, 0xDB, 0x6D}, {0xDB, 0x6D, 0xB6}})
      g.passes.push_back(fixed(p, 1));
    for (int i = 0; i < 4; ++i) g.passes.push_back(kRandom);
    m.push_back(std::move(g));
  }
  m.push_back({"schneier", "Schneier (7 passes): 0xFF, 0x00, 5 random",
               "B. Schneier, Applied Cryptography, 2nd ed. (1996), §10.9",
               {fixed({0xFF}), fixed({0x00}), kRandom, kRandom, kRandom, kRandom, kRandom}, false, true});
  m.push_back({"vsitr", "BSI VSITR (7 passes): 0x00/0xFF alternating, then 0xAA",
               "BSI IT-Grundschutz VSITR (Richtlinien zum Geheimschutz von Verschlusssachen)",
               {fixed({0x00}), fixed({0xFF}), fixed({0x00}), fixed({0xFF}), fixed({0x00}), fixed({0xFF}),
                fixed({0xAA})},
               false, true});
  m.push_back({"ops2", "RCMP TSSIT OPS-II (7 passes): 0x00/0xFF alternating, then random",
               "RCMP TSSIT OPS-II (Technical Security Standard for IT, 2003), Appendix OPS-II",
               {fixed({0x00}), fixed({0xFF}), fixed({0x00}), fixed({0xFF}), fixed({0x00}), fixed({0xFF}), kRandom},
               false, true});
  m.push_back({"hmg-baseline", "HMG IS5 Baseline: one pass of 0x00", "HMG Infosec Standard 5 (UK), Baseline",
               {fixed({0x00})}, false, false});
  m.push_back({"hmg-enhanced", "HMG IS5 Enhanced: 0x00, 0xFF, random", "HMG Infosec Standard 5 (UK), Enhanced",
               {fixed({0x00}), fixed({0xFF}), kRandom}, false, true});
  m.push_back({"bmb21", "BMB21-2019 (6 passes): 0xFF, 0x00, 3 random, 0xFF",
               "China BMB21-2019 (secure deletion of classified data); pass list as in nwipe",
               {fixed({0xFF}), fixed({0x00}), kRandom, kRandom, kRandom, fixed({0xFF})}, false, true});
  return m;
}

}  // namespace

const std::vector<MethodDefinition>& all_methods() {
  static const std::vector<MethodDefinition> methods = build_methods();
  return methods;
}

const MethodDefinition* find_method(std::string_view name) {
  for (const auto& m : all_methods())
    if (m.name == name) return &m;
  return nullptr;
}

Result<std::vector<PassPattern>> instantiate_passes(const MethodDefinition& method, const PassOptions& options) {
  if (options.rounds < 1 || options.rounds > 100)
    return make_error(ErrorKind::usage, fmt::format("--rounds must be between 1 and 100, got {}", options.rounds));
  if (method.needs_user_pattern && (!options.user_pattern || options.user_pattern->empty()))
    return make_error(ErrorKind::usage, "method 'pattern' needs --pattern HEX");

  std::vector<PassSpec> specs;
  for (int r = 0; r < options.rounds; ++r) {
    std::vector<PassSpec> round = method.passes;
    // Shuffle each group's members among their own positions (Gutmann's 27 fixed patterns),
    // with a Fisher-Yates driven by getrandom: the chosen order is what the record shows.
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < round.size(); ++i)
      if (round[i].shuffle_group != 0) positions.push_back(i);
    for (std::size_t i = positions.size(); i > 1; --i) {
      std::array<std::byte, 4> rb{};
      WP_RETURN_IF_ERROR(random_bytes(rb));
      std::uint32_t v = 0;
      for (auto b : rb) v = (v << 8) | std::to_integer<std::uint32_t>(b);
      std::size_t j = v % i;  // bias < 2^-24 for i <= 27; the order has no security role
      std::swap(round[positions[i - 1]], round[positions[j]]);
    }
    specs.insert(specs.end(), round.begin(), round.end());
  }
  if (options.final_blank) specs.push_back(fixed({0x00}));

  std::vector<PassPattern> out;
  for (const auto& spec : specs) {
    PassPattern p;
    switch (spec.kind) {
      case PassKind::fixed:
        p.kind = PatternKind::fixed;
        p.bytes = spec.bytes;
        p.origin = "fixed";
        break;
      case PassKind::user_pattern:
        p.kind = PatternKind::fixed;
        p.bytes = *options.user_pattern;
        p.origin = "user pattern";
        break;
      case PassKind::random_byte: {
        std::array<std::byte, 1> b{};
        WP_RETURN_IF_ERROR(random_bytes(b));
        p.kind = PatternKind::fixed;
        p.bytes = {b[0]};
        p.origin = "random byte";
        break;
      }
      case PassKind::complement: {
        if (out.empty() || out.back().kind != PatternKind::fixed)
          return make_error(ErrorKind::internal, "complement pass must follow a fixed pass");
        p.kind = PatternKind::fixed;
        for (auto b : out.back().bytes) p.bytes.push_back(~b);
        p.origin = "complement of previous";
        break;
      }
      case PassKind::random_stream: {
        // Key and IV protect nothing: they only name the noise written, and the record keeps
        // them so anyone holding the device can regenerate the stream and re-verify.
        std::array<std::byte, 32> kiv{};
        WP_RETURN_IF_ERROR(random_bytes(kiv));
        p.kind = PatternKind::random_stream;
        p.key_hex = to_hex(std::span(kiv).first(16));
        p.iv_hex = to_hex(std::span(kiv).subspan(16));
        p.origin = "random stream";
        break;
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string describe_pass(const PassPattern& p) {
  if (p.kind == PatternKind::random_stream) return "random (AES-128-CTR)";
  if (p.kind == PatternKind::uniform) return "one repeated byte per block";
  if (p.kind == PatternKind::looks_random) return "noise (no key: judged by byte statistics and residue scan)";
  if (p.kind == PatternKind::any) return "no recognisable content";
  if (p.bytes.empty()) return "changed since before the erase";
  std::string s = "0x";
  std::string h = to_hex(p.bytes);
  for (std::size_t i = 0; i < h.size(); i += 2) {
    if (i > 0) s += ' ';
    s += h.substr(i, 2);
  }
  if (p.origin == "random byte" || p.origin == "complement of previous") s += " (" + p.origin + ")";
  return s;
}

std::string describe_spec(const PassSpec& spec) {
  switch (spec.kind) {
    case PassKind::fixed: {
      PassPattern p;
      p.bytes = spec.bytes;
      return describe_pass(p) + (spec.shuffle_group ? "*" : "");
    }
    case PassKind::user_pattern: return "user pattern";
    case PassKind::random_byte: return "random byte";
    case PassKind::complement: return "complement";
    case PassKind::random_stream: return "random";
  }
  return "?";
}

}  // namespace wipeproof::wipe
