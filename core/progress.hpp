#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace wipeproof {

/// One progress report from a long-running phase. Logic reports; renderers print.
struct Progress {
  std::string phase;            ///< "pass" or "verify"
  int step = 0;                 ///< pass number (1-based) for "pass"
  int step_count = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_per_s = 0;
  std::uint64_t eta_s = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

/// Set from a signal handler; long loops check it between blocks and stop cleanly.
class CancelToken {
 public:
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace wipeproof
