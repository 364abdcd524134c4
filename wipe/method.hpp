#pragma once
// Overwrite methods as data: each is a list of pass specifications plus its source. Turning a
// method into concrete passes (random bytes, AES keys, Gutmann's shuffled order) happens once, in
// instantiate_passes(), and the result is what the record keeps.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::wipe {

enum class PassKind {
  fixed,           ///< the given bytes, repeated
  user_pattern,    ///< the --pattern bytes
  random_byte,     ///< one byte chosen from the CSPRNG when the job starts, repeated
  complement,      ///< the bitwise complement of the previous pass's bytes
  random_stream,   ///< AES-128-CTR keystream, fresh key and IV per pass
};

struct PassSpec {
  PassKind kind = PassKind::fixed;
  std::vector<std::byte> bytes;  ///< fixed only
  int shuffle_group = 0;         ///< passes with the same non-zero group are put in random order
};

struct MethodDefinition {
  std::string name;     ///< command-line name: "dod3"
  std::string title;    ///< "DoD 5220.22-M (3 passes)"
  std::string source;   ///< where the pass list comes from
  std::vector<PassSpec> passes;
  bool needs_user_pattern = false;
  bool legacy = false;  ///< multi-pass scheme not required by NIST SP 800-88 Rev. 2 / IEEE 2883
};

/// Every built-in method, in the order `wipeproof methods` lists them.
const std::vector<MethodDefinition>& all_methods();
const MethodDefinition* find_method(std::string_view name);

struct PassOptions {
  int rounds = 1;                               ///< the whole pass list is repeated this often
  bool final_blank = false;                     ///< add a 0x00 pass at the end
  std::optional<std::vector<std::byte>> user_pattern;
};

/// The concrete passes for one job: random choices drawn from getrandom(2) now.
Result<std::vector<PassPattern>> instantiate_passes(const MethodDefinition& method, const PassOptions& options);

/// Human-readable summary of a pass: "0x00", "0x92 49 24", "random (AES-128-CTR)".
std::string describe_pass(const PassPattern& pattern);
std::string describe_spec(const PassSpec& spec);

}  // namespace wipeproof::wipe
