#include "verify/residue_scan.hpp"

#include <cstring>
#include <string_view>

namespace wipeproof::verify {
namespace {

struct Magic {
  const char* type;
  std::size_t offset;     ///< where in the block the magic sits
  std::string_view bytes;
};

using namespace std::string_view_literals;
// At least 4 bytes each, so random bytes match at a block start with probability <= 2^-32.
const Magic kMagics[] = {
    {"DICOM", 128, "DICM"sv},                       // PS3.10 7.1: 128-byte preamble, then "DICM"
    {"PDF", 0, "%PDF-"sv},
    {"PNG", 0, "\x89PNG\r\n\x1a\n"sv},
    {"JPEG", 0, "\xFF\xD8\xFF\xE0"sv},
    {"JPEG", 0, "\xFF\xD8\xFF\xE1"sv},
    {"ZIP/Office", 0, "PK\x03\x04"sv},
    {"SQLite", 0, "SQLite format 3\0"sv},
    {"OLE/Office 97", 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv},
};

bool contains(std::span<const std::byte> block, std::string_view needle) {
  if (needle.empty() || needle.size() > block.size()) return false;
  std::string_view hay(reinterpret_cast<const char*>(block.data()), block.size());
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace

void scan_block(std::span<const std::byte> block, std::uint64_t lba, const std::vector<std::string>& needles,
                std::vector<ResidueHit>& hits) {
  for (const Magic& m : kMagics)
    if (block.size() >= m.offset + m.bytes.size() &&
        std::memcmp(block.data() + m.offset, m.bytes.data(), m.bytes.size()) == 0)
      hits.push_back({lba, m.type});
  if (contains(block, "MSH|^~\\&")) hits.push_back({lba, "HL7 v2 message"});
  for (const auto& n : needles)
    if (contains(block, n)) hits.push_back({lba, "search string \"" + n + "\""});
}

}  // namespace wipeproof::verify
