#include "core/records.hpp"

namespace wipeproof {

const char* run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::complete: return "complete";
    case RunStatus::interrupted: return "interrupted";
    case RunStatus::aborted: return "aborted";
    case RunStatus::skipped: return "skipped";
  }
  return "skipped";
}

const char* verify_mode_name(VerifyMode mode) {
  switch (mode) {
    case VerifyMode::full: return "full";
    case VerifyMode::sample: return "sample";
    case VerifyMode::none: return "none";
  }
  return "none";
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::erased: return "erased";
    case Outcome::erased_with_exceptions: return "erased_with_exceptions";
    case Outcome::not_erased: return "not_erased";
    case Outcome::interrupted: return "interrupted";
  }
  return "not_erased";
}

}  // namespace wipeproof
