// `wipeproof tui`: the technician's screen on the boot image (docs/bootimage.md). Lists every
// drive but the excluded boot stick, with model, serial, size, bus, health and the planned
// method; the technician selects drives, enters their name and confirms by typing the number of
// drives; each drive is then wiped by its own `wipeproof wipe --json` process, in parallel, with a
// progress bar and ETA per drive, and the results and certificate ids are shown at the end.
#include <ncurses.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/tui_model.hpp"
#include "core/child_process.hpp"
#include "core/sys.hpp"
#include "device/device_inventory.hpp"
#include "device/target.hpp"
#include "job/drive_probe.hpp"

namespace wipeproof::cli {
namespace {

struct TuiOptions {
  std::vector<std::string> exclude;  ///< kernel names never offered (the boot stick)
  std::string level = "purge";
  std::string out_dir = "certs";
  std::string keys, site;
  bool no_sign = false;
};

std::vector<TuiDrive> discover(const TuiOptions& o, std::string& error) {
  std::vector<TuiDrive> out;
  auto devs = device::list_block_devices();
  if (!devs) {
    error = devs.error().context;
    return out;
  }
  wipe::Level level = o.level == "clear" ? wipe::Level::clear : wipe::Level::purge;
  for (const auto& d : *devs) {
    if (!d.parent.empty() || d.transport == "loop" || d.transport == "ram" || d.size_bytes == 0) continue;
    if (std::find(o.exclude.begin(), o.exclude.end(), d.name) != o.exclude.end()) continue;
    TuiDrive t;
    t.name = d.name;
    t.path = d.path;
    t.model = d.model.empty() ? "?" : d.model;
    t.serial = d.serial.empty() ? "-" : d.serial;
    t.bus = d.transport;
    t.size = human_bytes(d.size_bytes);
    auto target = device::inspect_target(d.path);
    if (!target) {
      t.refused = target.error().context;
    } else {
      if (auto use = device::check_not_in_use(*target); !use) t.refused = use.error().context;
      t.confirm = device::confirmation_token(*target);
      job::ProbedDrive p = job::probe_drive(*target);
      t.health = p.smart.empty() ? "health n/a" : p.smart;
      wipe::Plan plan = wipe::plan_sanitization(p.caps, level);
      t.plan = fmt::format("{} ({})", sanitize_method_name(plan.chosen.method), wipe::level_name(plan.chosen.level));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> wipe_argv(const TuiOptions& o, const TuiModel& m, const TuiDrive& d) {
  std::vector<std::string> a{self_executable_path(), "wipe", d.path, "--json", "--level", m.level(),
                             "--confirm", d.confirm, "--operator", m.operator_name(), "--out", o.out_dir};
  if (o.no_sign) {
    a.push_back("--no-sign");
  } else {
    if (!o.keys.empty()) a.insert(a.end(), {"--keys", o.keys});
    if (!o.site.empty()) a.insert(a.end(), {"--site", o.site});
  }
  return a;
}

void draw(const TuiModel& m) {
  erase();
  int rows = LINES, cols = COLS;
  mvprintw(0, 0, "wipeproof - select drives to sanitize (level: %s)", m.level().c_str());
  // The image names itself: the SHA-256 of the stick's system partition, as every certificate records it.
  if (const char* image = std::getenv("WIPEPROOF_BOOT_IMAGE_SHA256"); image && *image)
    mvprintw(1, 0, "image %.*s", std::max(0, cols - 7), image);
  int y = 2;
  if (m.screen() == TuiScreen::select || m.screen() == TuiScreen::operator_name || m.screen() == TuiScreen::confirm) {
    for (std::size_t i = 0; i < m.drives().size() && y < rows - 6; ++i) {
      const TuiDrive& d = m.drives()[i];
      if (i == m.cursor() && m.screen() == TuiScreen::select) attron(A_REVERSE);
      std::string row = fmt::format("{} {:>2} {:<8} {:<20.20} serial {:<16.16} {:>9} {}", m.selected(i) ? "[x]" : "[ ]",
                                    i + 1, d.name, d.model, d.serial, d.size, d.bus);
      mvprintw(y++, 0, "%.*s", std::max(0, cols - 1), row.c_str());
      attroff(A_REVERSE);
      std::string info = d.refused.empty() ? "plan: " + d.plan + "  " + d.health : "NOT AVAILABLE: " + d.refused;
      mvprintw(y++, 6, "%.*s", std::max(0, cols - 7), info.c_str());
    }
    if (m.drives().empty()) mvprintw(y++, 2, "(no drives)");
    y = std::max(y + 1, rows - 5);
    if (m.screen() == TuiScreen::select)
      mvprintw(y, 0, "UP/DOWN move  SPACE select  a all  l level  ENTER continue  p power off  q quit");
    else if (m.screen() == TuiScreen::operator_name)
      mvprintw(y, 0, "Operator name: %s", m.operator_name().c_str());
    else
      mvprintw(y, 0, "ERASE %zu drive(s) at level %s. Type the number of drives (%zu) to confirm: %s",
               m.selected_count(), m.level().c_str(), m.selected_count(), m.confirm_text().c_str());
  } else {
    mvprintw(y++, 0, "%s", m.screen() == TuiScreen::running ? "Wiping (each drive in its own process):"
                                                            : "Results (certificates on the WIPEPROOF partition):");
    for (const TuiJob& j : m.jobs()) {
      if (y >= rows - 4) break;
      const TuiDrive& d = m.drives()[j.drive];
      std::string state = !j.finished        ? ""
                          : j.outcome.empty() ? "FAILED: " + j.error
                                              : "outcome: " + j.outcome;
      mvprintw(y++, 0, "%-8s serial %-16.16s %.*s", d.name.c_str(), d.serial.c_str(), std::max(0, cols - 34),
               state.c_str());
      // The progress line is about 48 columns plus the bar: it gets a line of its own.
      std::string detail = !j.finished ? TuiModel::progress_line(j, std::clamp(cols - 52, 10, 40))
                           : j.certificate.empty() ? std::string{}
                                                   : "certificate: " + std::filesystem::path(j.certificate).filename().string();
      mvprintw(y++, 2, "%.*s", std::max(0, cols - 3), detail.c_str());
    }
    if (m.screen() == TuiScreen::results) mvprintw(rows - 3, 0, "p power off  q quit");
  }
  if (!m.message().empty()) mvprintw(rows - 2, 0, "%.*s", cols - 1, m.message().c_str());
  refresh();
}

int translate(int ch) {
  switch (ch) {
    case KEY_UP: return kKeyUp;
    case KEY_DOWN: return kKeyDown;
    case '\n': case '\r': case KEY_ENTER: return kKeyEnter;
    case KEY_BACKSPACE: case 127: case 8: return kKeyBackspace;
    case 27: return kKeyEscape;
    default: return ch;
  }
}

int run_tui(const TuiOptions& o) {
  if (o.level != "purge" && o.level != "clear") {
    print_error(Error{ErrorKind::usage, 0, "--level must be clear or purge"}, false);
    return kExitUsage;
  }
  if (!::isatty(0) || !::isatty(1)) {
    print_error(Error{ErrorKind::usage, 0, "tui needs a terminal (use `wipeproof wipe` in scripts)"}, false);
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  std::string error;
  TuiModel model(discover(o, error), o.level);
  initscr();
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  set_escdelay(50);
  curs_set(0);
  timeout(250);
  std::vector<std::unique_ptr<ChildProcess>> children;
  TuiAction action = TuiAction::none;
  for (;;) {
    draw(model);
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (!children[i]) continue;
      for (const auto& line : children[i]->read_lines()) model.event(i, line);
      if (children[i]->poll_exit()) {
        model.exited(i, children[i]->exit_code());
        children[i].reset();
      }
    }
    int ch = getch();
    if (ch == ERR) continue;
    action = model.key(translate(ch));
    if (action == TuiAction::start) {
      for (const TuiJob& j : model.jobs()) {
        const TuiDrive& d = model.drives()[j.drive];
        auto c = ChildProcess::spawn(wipe_argv(o, model, d), o.out_dir + "/" + d.name + ".stderr.log");
        if (c) {
          children.push_back(std::make_unique<ChildProcess>(std::move(*c)));
        } else {
          children.push_back(nullptr);
          model.event(children.size() - 1, nlohmann::json{{"event", "error"}, {"message", c.error().context}}.dump());
          model.exited(children.size() - 1, 1);
        }
      }
    }
    if (action == TuiAction::quit || action == TuiAction::power_off) break;
  }
  endwin();
  for (const TuiJob& j : model.jobs())
    fmt::print("{}: {} {}\n", model.drives()[j.drive].name, j.outcome.empty() ? "FAILED " + j.error : j.outcome,
               j.certificate);
  return action == TuiAction::power_off ? kExitPowerOff : kExitOk;
}

}  // namespace

void register_tui(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TuiOptions>();
  CLI::App* cmd = app.add_subcommand("tui", "the technician's full-screen menu (boot image): select, confirm, wipe in parallel");
  cmd->footer("Each selected drive is wiped by its own `wipeproof wipe --json` process with the drive's serial as\n"
              "confirmation, after the technician types the number of drives. Exit code 0, or 9 when the\n"
              "technician chose power off. See docs/bootimage.md.");
  cmd->add_option("--exclude", o->exclude, "kernel name never offered (the boot stick), repeatable");
  cmd->add_option("--level", o->level, "starting level: purge or clear (toggle with l)")->capture_default_str();
  cmd->add_option("--out", o->out_dir, "directory for certificates")->capture_default_str();
  cmd->add_option("--keys", o->keys, "signing key directory, passed to each wipe");
  cmd->add_option("--site", o->site, "site file, passed to each wipe");
  cmd->add_flag("--no-sign", o->no_sign, "write unsigned records");
  cmd->callback([o, &exit_code] { exit_code = run_tui(*o); });
}

}  // namespace wipeproof::cli
