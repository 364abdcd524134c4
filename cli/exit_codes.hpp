#pragma once
// Documented in docs/cli.md; tests rely on them.
#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::cli {

enum ExitCode : int {
  kExitOk = 0,            ///< outcome erased / verification passed / command succeeded
  kExitInternal = 1,      ///< a bug or an unexpected failure
  kExitUsage = 2,         ///< bad input: unknown method, bad hex, coverage out of range, ...
  kExitRefused = 3,       ///< a safety rule refused the target
  kExitIo = 4,            ///< I/O failure: erased_with_exceptions, or the target could not be used
  kExitVerifyFailed = 5,  ///< not_erased: data read back differs, or a signature remains
  kExitTampered = 6,      ///< cert/ledger verify: content or signature altered, chain broken
  kExitUntrusted = 7,     ///< cert verify: intact, but the signer (or TSA) is not trusted
  kExitMalformed = 8,     ///< cert verify: not a certificate, truncated or garbage input
  kExitPowerOff = 9,      ///< tui: the technician chose "power off" (the boot image's init acts on it)
  kExitInconclusive = 10, ///< verify --expect any|random: nothing known found, which proves no erasure
  kExitSignerUnchecked = 11,  ///< cert verify without --ca: signature intact, signer NOT trusted
  kExitInterrupted = 130, ///< SIGINT/SIGTERM (outcome interrupted)
};

int exit_code_for(const Error& error);
int exit_code_for(Outcome outcome);

}  // namespace wipeproof::cli
