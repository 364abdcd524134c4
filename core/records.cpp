#include "core/records.hpp"

#include "core/enum_names.hpp"

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

std::optional<Outcome> outcome_from_name(std::string_view name) {
  static constexpr Outcome kAll[] = {Outcome::erased, Outcome::erased_with_exceptions, Outcome::not_erased,
                                     Outcome::interrupted};
  return enum_from_name(name, kAll, outcome_name);
}

const char* hidden_area_state_name(HiddenAreaState state) {
  switch (state) {
    case HiddenAreaState::not_checked: return "not_checked";
    case HiddenAreaState::none_found: return "none_found";
    case HiddenAreaState::found: return "found";
    case HiddenAreaState::removed: return "removed";
  }
  return "not_checked";
}

std::optional<HiddenAreaState> hidden_area_state_from_name(std::string_view name) {
  static constexpr HiddenAreaState kAll[] = {HiddenAreaState::not_checked, HiddenAreaState::none_found,
                                             HiddenAreaState::found, HiddenAreaState::removed};
  return enum_from_name(name, kAll, hidden_area_state_name);
}

}  // namespace wipeproof
