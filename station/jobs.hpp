#pragma once
// Wipe jobs started through the API or by an `auto` bay. Each runs as its own
// `wipeproof wipe --json` process, so a failing or vanishing drive never stalls or crashes the
// station or the other jobs; a poller thread reads their progress events, publishes them to the
// event stream, and keeps every job's state in the registry. A finished job's certificate goes
// into the registry. A graceful shutdown stops running wipes and waits for their records
// (outcome interrupted); a job the registry still shows running at start-up (power loss, crash)
// is marked interrupted. At start-up, either is resumed from its journal ("interrupted →
// resumed"); any job can also be restarted from scratch.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/child_process.hpp"
#include "station/events.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

struct JobRequest {
  std::string device;   ///< /dev/sdX
  std::string level;    ///< clear|purge (planner), or
  std::string method;   ///< an overwrite method
  std::string confirm;  ///< the drive's serial (or kernel name), as `wipe --confirm`
  std::string operator_name;
  std::string bay;      ///< the bay it ran in, if any
};

struct JobConfig {
  std::string wipeproof;  ///< the binary to run
  std::string out_dir;    ///< certificates
  std::string keys, site;
  bool no_sign = false;
  EventHub* events = nullptr;
  int shutdown_grace_ms = 15000;  ///< how long a stopping station waits for each wipe's record
  bool auto_resume = true;        ///< at start-up, resume jobs the station's stop interrupted
};

class JobManager {
 public:
  JobManager(JobConfig config, Registry& registry);
  ~JobManager();  ///< graceful: running wipes are stopped and recorded as interrupted

  Result<std::string> start(const JobRequest& request, const std::string& started_by);
  /// A new job with the same request as a finished, failed or interrupted one.
  Result<std::string> restart(const std::string& id, const std::string& by);
  std::optional<nlohmann::json> get(const std::string& id);
  nlohmann::json list();
  /// The newest job on `device` (for bays).
  std::optional<nlohmann::json> latest_for_device(const std::string& device);
  Result<void> abort(const std::string& id, const std::string& by);
  /// Stops every running wipe and records it (idempotent; the destructor calls it).
  void shutdown();

 private:
  struct Job {
    std::string id;
    JobRequest request;
    std::unique_ptr<ChildProcess> child;
    nlohmann::json state;  ///< status, progress, outcome, certificate
    std::string order;     ///< start time, for "newest"
  };
  void poll_loop();
  void drain(Job& job);
  /// Reads the child's new events; when it has exited, finishes the job. True once finished.
  bool reap(Job& job);
  void finish(Job& job, int exit_code);
  void record_custody(Job& job);
  void save(const Job& job);
  void publish(const std::string& type, const nlohmann::json& data);
  void load_history();
  void resume_interrupted();
  std::vector<std::string> signing_args() const;
  /// Starts `wipeproof` for job `id` (signing options appended), stderr to OUT/<id>.stderr.log.
  Result<std::unique_ptr<ChildProcess>> spawn(const std::string& id, std::vector<std::string> argv);

  JobConfig config_;
  Registry& registry_;
  std::mutex mutex_;
  std::map<std::string, Job> jobs_;
  std::atomic<bool> stop_{false};
  bool shut_down_ = false;
  std::thread poller_;
};

}  // namespace wipeproof::station
