#include "device/power.hpp"

#include "core/subprocess.hpp"
#include "core/sys.hpp"

namespace wipeproof::device {

Result<void> suspend_to_ram_briefly() {
  auto states = read_text_file("/sys/power/state");
  if (!states || states->find("mem") == std::string::npos)
    return make_error(ErrorKind::device_status, "cannot unfreeze: this platform offers no suspend-to-RAM (/sys/power/state)");
  auto rc = run_command({"rtcwake", "-m", "mem", "-s", "5"}, true);
  if (!rc || *rc != 0) return make_error(ErrorKind::device_status, "cannot unfreeze: rtcwake -m mem failed");
  return {};
}

}  // namespace wipeproof::device
