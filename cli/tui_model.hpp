#pragma once
// The technician's screen as data: the drive list, the selection, the operator and confirmation
// entries, and one job per wiped drive fed by `wipeproof wipe --json` events. Keys go in,
// actions come out; the ncurses view (cmd_tui.cpp) only draws it, so every rule here is
// unit-tested without a terminal.
#include <cstdint>
#include <string>
#include <vector>

namespace wipeproof::cli {

struct TuiDrive {
  std::string name;        ///< kernel name: sda, nvme0n1
  std::string path;        ///< /dev/sda
  std::string model, serial, bus, size, health;
  std::string plan;        ///< planner's choice: method (level)
  std::string confirm;     ///< the word wipeproof wants for --confirm
  std::string refused;     ///< non-empty: not selectable, and why
};

struct TuiJob {
  std::size_t drive = 0;
  std::string phase;       ///< pass, verify, sanitize...
  int step = 0, steps = 0;
  std::uint64_t done = 0, total = 0, rate = 0, eta_s = 0;
  bool finished = false;
  int exit_code = -1;
  std::string outcome;     ///< erased, erased_with_exceptions, not_erased...
  std::string record_id, certificate, error;
};

enum class TuiScreen { select, operator_name, confirm, running, results };
enum class TuiAction { none, start, quit, power_off };

/// Keys the model understands (the view maps curses codes onto these).
enum TuiKey : int { kKeyUp = 0x101, kKeyDown, kKeyEnter, kKeyBackspace, kKeyEscape };

class TuiModel {
 public:
  TuiModel(std::vector<TuiDrive> drives, std::string level);

  TuiAction key(int k);
  /// One line of `wipeproof wipe --json` output for job `index`.
  void event(std::size_t index, const std::string& json_line);
  void exited(std::size_t index, int exit_code);

  TuiScreen screen() const { return screen_; }
  const std::vector<TuiDrive>& drives() const { return drives_; }
  const std::vector<TuiJob>& jobs() const { return jobs_; }
  bool selected(std::size_t i) const { return selected_[i]; }
  std::size_t cursor() const { return cursor_; }
  std::size_t selected_count() const;
  const std::string& operator_name() const { return operator_; }
  const std::string& confirm_text() const { return confirm_; }
  const std::string& level() const { return level_; }
  const std::string& message() const { return message_; }
  bool all_finished() const;

  /// "[#######.......]  45.0 %  pass 1/3  120 MB/s  ETA 0:12:03"
  static std::string progress_line(const TuiJob& job, int bar_width);

 private:
  std::vector<TuiDrive> drives_;
  std::vector<bool> selected_;
  std::vector<TuiJob> jobs_;
  std::size_t cursor_ = 0;
  TuiScreen screen_ = TuiScreen::select;
  std::string level_;
  std::string operator_;
  std::string confirm_;
  std::string message_;
};

}  // namespace wipeproof::cli
