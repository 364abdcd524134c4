// Configuration files people edit by hand: the site file (certs/site) and station.toml with its
// bays (station/config). Every input loads or is a usage error naming the problem.
#include "certs/site.hpp"
#include "station/config.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace wipeproof;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::MemFile f(data, size);
  auto site = certs::load_site_file(f.path());
  if (site) (void)certs::validate_for_signing(*site);
  else if (site.error().kind != ErrorKind::usage) __builtin_trap();
  auto station = station::load_station_config(f.path());
  if (station)
    for (const auto& b : station->bays) (void)station::bay_for(station->bays, "/dev/sda", {b.by_path});
  else if (station.error().kind != ErrorKind::usage) __builtin_trap();
  return 0;
}
