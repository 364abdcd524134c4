#include "core/subprocess.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>

extern char** environ;

namespace wipeproof {

Result<int> run_command(const std::vector<std::string>& argv, bool quiet) {
  if (argv.empty()) return make_error(ErrorKind::internal, "run_command: empty argv");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (quiet) {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return sys_error("cannot run " + argv[0], rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return sys_error("waitpid " + argv[0], errno);
  if (!WIFEXITED(status)) return make_error(ErrorKind::sys, argv[0] + " was killed by a signal");
  return WEXITSTATUS(status);
}

}  // namespace wipeproof
