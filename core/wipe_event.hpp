#pragma once
// The events `wipeproof wipe --json` prints, one JSON object a line (cli/output.cpp writes them):
// progress, done and error. The TUI and the station run wipes as child processes and read these;
// this is the one parser both use.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wipeproof {

struct WipeEvent {
  enum class Kind { progress, done, error };
  Kind kind = Kind::progress;
  // progress
  std::string phase;
  int step = 0, steps = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0, bytes_per_s = 0, eta_s = 0;
  // done
  std::string outcome, record_id;
  std::string certificate_path;  ///< the signed certificate's JSON, when one was issued
  std::string record_path;       ///< the file written (certificate or unsigned record)
  std::vector<std::string> exceptions;
  std::string journal;           ///< an interrupted job that can be resumed: its journal
  // error
  std::string message;
};

/// nullopt for anything that is not one of the three events (other JSON, partial lines, text).
std::optional<WipeEvent> parse_wipe_event(const std::string& line);

}  // namespace wipeproof
