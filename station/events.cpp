#include "station/events.hpp"

#include <chrono>

namespace wipeproof::station {

std::uint64_t EventHub::publish(const std::string& type, nlohmann::json data) {
  std::uint64_t seq;
  {
    std::lock_guard lock(mutex_);
    seq = ++seq_;
    ring_.push_back(StationEvent{seq, type, std::move(data)});
    while (ring_.size() > keep_) ring_.pop_front();
  }
  cv_.notify_all();
  return seq;
}

std::vector<StationEvent> EventHub::wait_after(std::uint64_t after, int timeout_ms, bool& gap) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return closed_ || seq_ > after; });
  gap = !ring_.empty() && ring_.front().seq > after + 1;
  std::vector<StationEvent> out;
  for (const auto& e : ring_)
    if (e.seq > after) out.push_back(e);
  return out;
}

std::uint64_t EventHub::last_seq() {
  std::lock_guard lock(mutex_);
  return seq_;
}

void EventHub::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool EventHub::closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace wipeproof::station
