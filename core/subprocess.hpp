#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace wipeproof {

/// Runs argv[0] (searched in PATH) with the given arguments, no shell, stdout and stderr
/// inherited unless `quiet` (then sent to /dev/null). Returns the exit status; a signal death or
/// a missing program is an error.
Result<int> run_command(const std::vector<std::string>& argv, bool quiet);

}  // namespace wipeproof
