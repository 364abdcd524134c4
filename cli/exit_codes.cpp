#include "cli/exit_codes.hpp"

namespace wipeproof::cli {

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::refused: return kExitRefused;
    case ErrorKind::sys:
    case ErrorKind::device_status: return kExitIo;
    case ErrorKind::verify_mismatch: return kExitVerifyFailed;
    case ErrorKind::interrupted: return kExitInterrupted;
    case ErrorKind::crypto:
    case ErrorKind::internal: return kExitInternal;
  }
  return kExitInternal;
}

int exit_code_for(Outcome outcome) {
  switch (outcome) {
    case Outcome::erased: return kExitOk;
    case Outcome::erased_with_exceptions: return kExitIo;
    case Outcome::not_erased: return kExitVerifyFailed;
    case Outcome::interrupted: return kExitInterrupted;
  }
  return kExitInternal;
}

}  // namespace wipeproof::cli
