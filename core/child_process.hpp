#pragma once
// A child process whose stdout is read line by line without blocking: the TUI runs each wipe as
// its own `wipeproof wipe --json` process, so a failing or vanishing drive can never stall or
// crash the others, and reads their progress events.
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace wipeproof {

class ChildProcess {
 public:
  /// Starts argv (argv[0] searched in PATH); stdin /dev/null, stdout a pipe, stderr appended to `stderr_path`.
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv, const std::string& stderr_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();  ///< a child still running gets SIGTERM and is reaped

  int stdout_fd() const { return out_.get(); }
  /// Complete lines read so far (does not block).
  std::vector<std::string> read_lines();
  /// True once the child has exited and its output is drained; exit_code() is then valid.
  bool poll_exit();
  int exit_code() const { return exit_code_; }
  void terminate();

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  UniqueFd out_;
  std::string partial_;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace wipeproof
