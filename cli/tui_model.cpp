#include "cli/tui_model.hpp"

#include "core/wipe_event.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wipeproof::cli {

TuiModel::TuiModel(std::vector<TuiDrive> drives, std::string level)
    : drives_(std::move(drives)), selected_(drives_.size(), false), level_(std::move(level)) {
  if (drives_.empty()) message_ = "no drives found (the boot stick is never listed)";
}

std::size_t TuiModel::selected_count() const {
  return static_cast<std::size_t>(std::count(selected_.begin(), selected_.end(), true));
}

bool TuiModel::all_finished() const {
  return std::all_of(jobs_.begin(), jobs_.end(), [](const TuiJob& j) { return j.finished; });
}

TuiAction TuiModel::key(int k) {
  message_.clear();
  switch (screen_) {
    case TuiScreen::select:
      if (k == kKeyUp && cursor_ > 0) --cursor_;
      else if (k == kKeyDown && cursor_ + 1 < drives_.size()) ++cursor_;
      else if (k == ' ' && !drives_.empty()) {
        if (!drives_[cursor_].refused.empty()) message_ = drives_[cursor_].name + ": " + drives_[cursor_].refused;
        else selected_[cursor_] = !selected_[cursor_];
      } else if (k == 'a') {
        for (std::size_t i = 0; i < drives_.size(); ++i) selected_[i] = drives_[i].refused.empty();
      } else if (k == 'l') {
        level_ = level_ == "purge" ? "clear" : "purge";
      } else if (k == 'p') {
        return TuiAction::power_off;
      } else if (k == 'q') {
        return TuiAction::quit;
      } else if (k == kKeyEnter) {
        if (selected_count() == 0) message_ = "select drives with SPACE first";
        else screen_ = TuiScreen::operator_name;
      }
      return TuiAction::none;
    case TuiScreen::operator_name:
      if (k == kKeyEscape) screen_ = TuiScreen::select;
      else if (k == kKeyBackspace && !operator_.empty()) operator_.pop_back();
      else if (k == kKeyEnter) {
        // The MHLW guideline wants disposal by a named, competent person: no anonymous wipes.
        if (operator_.find_first_not_of(' ') == std::string::npos) message_ = "the operator's name is required";
        else screen_ = TuiScreen::confirm;
      } else if (k >= 0x20 && k < 0x7F && operator_.size() < 64) {
        operator_.push_back(static_cast<char>(k));
      }
      return TuiAction::none;
    case TuiScreen::confirm:
      if (k == kKeyEscape) {
        confirm_.clear();
        screen_ = TuiScreen::select;
      } else if (k == kKeyBackspace && !confirm_.empty()) {
        confirm_.pop_back();
      } else if (k == kKeyEnter) {
        if (confirm_ != std::to_string(selected_count())) {
          message_ = fmt::format("type {} (the number of drives) to confirm; nothing was written", selected_count());
          confirm_.clear();
          return TuiAction::none;
        }
        for (std::size_t i = 0; i < drives_.size(); ++i)
          if (selected_[i]) {
            TuiJob j;
            j.drive = i;
            jobs_.push_back(std::move(j));
          }
        screen_ = TuiScreen::running;
        return TuiAction::start;
      } else if (k >= '0' && k <= '9' && confirm_.size() < 4) {
        confirm_.push_back(static_cast<char>(k));
      }
      return TuiAction::none;
    case TuiScreen::running:
      return TuiAction::none;  // wipes are not interrupted from the keyboard
    case TuiScreen::results:
      if (k == 'p') return TuiAction::power_off;
      if (k == 'q') return TuiAction::quit;
      return TuiAction::none;
  }
  return TuiAction::none;
}

void TuiModel::event(std::size_t index, const std::string& line) {
  if (index >= jobs_.size()) return;
  TuiJob& j = jobs_[index];
  auto e = parse_wipe_event(line);
  if (!e) return;
  switch (e->kind) {
    case WipeEvent::Kind::progress:
      j.phase = e->phase;
      j.step = e->step;
      j.steps = e->steps;
      j.done = e->bytes_done;
      j.total = e->bytes_total;
      j.rate = e->bytes_per_s;
      j.eta_s = e->eta_s;
      break;
    case WipeEvent::Kind::done:
      j.outcome = e->outcome;
      j.record_id = e->record_id;
      j.certificate = !e->certificate_path.empty() ? e->certificate_path : e->record_path;
      break;
    case WipeEvent::Kind::error:
      j.error = e->message;
      break;
  }
}

void TuiModel::exited(std::size_t index, int exit_code) {
  if (index >= jobs_.size()) return;
  jobs_[index].finished = true;
  jobs_[index].exit_code = exit_code;
  if (jobs_[index].outcome.empty() && jobs_[index].error.empty())
    jobs_[index].error = fmt::format("wipe ended with exit code {} and no result", exit_code);
  if (all_finished()) screen_ = TuiScreen::results;
}

std::string TuiModel::progress_line(const TuiJob& j, int width) {
  double frac = j.total ? static_cast<double>(j.done) / static_cast<double>(j.total) : 0.0;
  frac = std::clamp(frac, 0.0, 1.0);
  int filled = static_cast<int>(frac * width + 0.5);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(static_cast<std::size_t>(width), '.');
  std::string what = j.phase.empty() ? "starting" : j.phase;
  if (j.phase == "pass") what = fmt::format("pass {}/{}", j.step, j.steps);
  return fmt::format("[{}] {:5.1f} %  {:<10} {:>6} MB/s  ETA {}:{:02}:{:02}", bar, frac * 100, what, j.rate / 1000000,
                     j.eta_s / 3600, j.eta_s / 60 % 60, j.eta_s % 60);
}

}  // namespace wipeproof::cli
