#pragma once
// Power-state tricks a wipe may need (device/power_linux.cpp).
#include "core/result.hpp"

namespace wipeproof::device {

/// ATA security frozen by the BIOS: a suspend-to-RAM cycle powers the drive down and Linux
/// re-initialises it without FREEZE LOCK (erase-commands.md 2.6). Only where the platform offers
/// "mem" sleep; the RTC wakes the machine after 5 s.
Result<void> suspend_to_ram_briefly();

}  // namespace wipeproof::device
