#pragma once
// Wipe jobs started through the API. Each runs as its own `wipeproof wipe --json` process, so a
// failing or vanishing drive never stalls or crashes the station or the other jobs; a poller
// thread reads their progress events. A finished job's certificate goes into the registry.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/child_process.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

struct JobRequest {
  std::string device;   ///< /dev/sdX
  std::string level;    ///< clear|purge (planner), or
  std::string method;   ///< an overwrite method
  std::string confirm;  ///< the drive's serial (or kernel name), as `wipe --confirm`
  std::string operator_name;
};

struct JobConfig {
  std::string wipeproof;  ///< the binary to run
  std::string out_dir;    ///< certificates
  std::string keys, site;
  bool no_sign = false;
};

class JobManager {
 public:
  JobManager(JobConfig config, Registry& registry);
  ~JobManager();  ///< stops the poller; running wipes are terminated and recorded as interrupted

  Result<std::string> start(const JobRequest& request, const std::string& started_by);
  std::optional<nlohmann::json> get(const std::string& id);
  nlohmann::json list();
  Result<void> abort(const std::string& id, const std::string& by);

 private:
  struct Job {
    std::string id;
    JobRequest request;
    std::unique_ptr<ChildProcess> child;
    nlohmann::json state;  ///< status, progress, outcome, certificate
  };
  void poll_loop();
  void finish(Job& job, int exit_code);

  JobConfig config_;
  Registry& registry_;
  std::mutex mutex_;
  std::map<std::string, Job> jobs_;
  std::atomic<bool> stop_{false};
  std::thread poller_;
};

}  // namespace wipeproof::station
