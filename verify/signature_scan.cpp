#include "verify/signature_scan.hpp"

#include <blkid/blkid.h>

#include <cstdlib>
#include <memory>

namespace wipeproof::verify {
namespace {

struct ProbeFree {
  void operator()(blkid_probe p) const { blkid_free_probe(p); }
};

std::string lookup(blkid_probe pr, const char* name) {
  const char* v = nullptr;
  if (blkid_probe_lookup_value(pr, name, &v, nullptr) == 0 && v) return v;
  return {};
}

}  // namespace

SignatureScan scan_signatures(const std::string& path) {
  SignatureScan scan;
  std::unique_ptr<blkid_struct_probe, ProbeFree> pr(blkid_new_probe_from_filename(path.c_str()));
  if (!pr) {
    scan.error = "libblkid cannot probe " + path;
    return scan;
  }
  // As wipefs does: every superblock and partition table, with magic offsets, repeatedly
  // calling blkid_do_probe until the chains are exhausted.
  blkid_probe_enable_superblocks(pr.get(), 1);
  blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_MAGIC);
  blkid_probe_enable_partitions(pr.get(), 1);
  blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
  scan.performed = true;
  int rc = 0;
  int guard = 0;
  while ((rc = blkid_do_probe(pr.get())) == 0 && guard++ < 256) {
    SignatureHit hit;
    hit.type = lookup(pr.get(), "TYPE");
    std::string off = lookup(pr.get(), "SBMAGIC_OFFSET");
    hit.usage = lookup(pr.get(), "USAGE");
    if (hit.type.empty()) {
      hit.type = lookup(pr.get(), "PTTYPE");
      off = lookup(pr.get(), "PTMAGIC_OFFSET");
      hit.usage = "partition table";
    }
    if (hit.type.empty()) continue;
    hit.offset = off.empty() ? 0 : std::strtoull(off.c_str(), nullptr, 10);
    scan.hits.push_back(std::move(hit));
  }
  if (rc < 0) {
    scan.error = "libblkid probe failed on " + path;
    return scan;
  }
  scan.clean = scan.hits.empty();
  return scan;
}

}  // namespace wipeproof::verify
