#pragma once
// What a block that should have been erased still looks like: file formats common in hospitals
// and offices, recognised by their magic at the start of a block (files start on block
// boundaries), HL7 v2 messages anywhere, and operator-given strings (--search, e.g. a patient-ID
// prefix). Only blocks that already failed the comparison are scanned, so random data written
// by a pass cannot raise false alarms; the scan names what the residue is.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/records.hpp"

namespace wipeproof::verify {

/// Appends a hit for every recognised content in `block` (one logical block read at `lba`).
void scan_block(std::span<const std::byte> block, std::uint64_t lba, const std::vector<std::string>& needles,
                std::vector<ResidueHit>& hits);

}  // namespace wipeproof::verify
