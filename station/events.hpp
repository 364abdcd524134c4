#pragma once
// The station's event stream: drives appearing and leaving, jobs starting, progressing and
// finishing. Producers publish; the dashboard's server-sent-events connections wait for events
// after the last sequence number they saw. A bounded ring keeps the latest events, so a slow or
// reconnecting client resumes from its Last-Event-ID or is told to reload the full state.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wipeproof::station {

struct StationEvent {
  std::uint64_t seq = 0;
  std::string type;      ///< drive_added, drive_removed, job_started, job_progress, job_finished
  nlohmann::json data;   ///< the event's payload (always an object)
};

class EventHub {
 public:
  explicit EventHub(std::size_t keep = 2048) : keep_(keep) {}
  std::uint64_t publish(const std::string& type, nlohmann::json data);
  /// Events with seq > `after`, waiting up to `timeout_ms` for the first one. `gap` is set when
  /// events after `after` have already left the ring (the client must reload its state).
  std::vector<StationEvent> wait_after(std::uint64_t after, int timeout_ms, bool& gap);
  std::uint64_t last_seq();
  /// Wakes every waiter (shutdown).
  void close();
  bool closed();

 private:
  std::size_t keep_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<StationEvent> ring_;
  std::uint64_t seq_ = 0;
  bool closed_ = false;
};

}  // namespace wipeproof::station
