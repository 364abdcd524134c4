#pragma once
// The job journal: what lets a wipe survive a power cut, a kill or a pulled cable and carry on
// where it stopped (docs/resume.md). One file per overwrite job, OUT/<record-id>.journal, JSON
// lines appended and fdatasync'd one at a time, so a cut leaves at worst one torn last line,
// which the reader ignores:
//   start       the record's header, the concrete passes (AES key/IV included: the record keeps
//               them too, they are the pattern, not a secret), the verification settings
//   checkpoint  phase "pass": pass N durable below byte `offset` (flushed first), with the pass
//               record so far; phase "verify": `reads_done` reads of the read list checked, with
//               the verification counters so far
//   pass        a pass ended (its final record)
//   resumed     an interruption: where the last checkpoint was and where work started again
//   finished    the job ended and its record was written
// The file is held under flock(LOCK_EX) while a process works on it, so two processes can never
// resume the same job at once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "wipe/overwrite_engine.hpp"

namespace wipeproof::job {

inline constexpr const char* kJournalSuffix = ".journal";

/// The journal's first line: everything needed to continue the job on another boot.
struct JournalStart {
  WipeRecord header;             ///< id, tool, host, device, method, choice, block size; no passes yet
  std::string backing_file;      ///< loop devices: the file behind it (identifies a serial-less device)
  std::vector<PassPattern> passes;
  VerifyMode verify_mode = VerifyMode::full;
  std::uint32_t coverage_ppm = 0;
  std::string seed_hex;          ///< sample plan seed; empty unless verify_mode is sample
  std::uint64_t min_samples = 0;
  std::vector<std::string> search;
  /// Who issues the certificate and for whom (people, organisation, site file, key directory,
  /// or unsigned), as the CLI gave it: resume signs with the same, not with whoever resumes.
  /// A JSON object the job layer keeps but does not read; never key material.
  std::string issuer_json = "{}";
};

struct JournalCheckpoint {
  std::string at;                ///< RFC 3339
  std::string phase;             ///< "pass" or "verify"
  int pass = 0;                  ///< 1-based, phase pass
  std::uint64_t offset = 0;      ///< pass: bytes durable; verify: bytes checked so far
  std::size_t reads_done = 0;    ///< verify only
  PassRecord pass_record;        ///< pass only: the record at this checkpoint
  VerifyReport verify;           ///< verify only: counters at this checkpoint
};

/// A journal read back.
struct JournalState {
  std::string path;
  JournalStart start;
  std::vector<PassRecord> completed;            ///< "pass" lines, in order
  std::vector<JournalCheckpoint> checkpoints;   ///< since the last "pass" line (or start)
  std::vector<Interruption> interruptions;      ///< "resumed" lines
  std::string last_activity;                    ///< time of the last line
  bool finished = false;
  std::string outcome;                          ///< from the "finished" line
  bool torn_tail = false;                       ///< the last line was cut short (ignored)
  bool busy = false;                            ///< another process holds the lock right now
};

/// Reads a journal. Usage error naming the line for anything but a torn last line.
Result<JournalState> read_journal(const std::string& path);

/// Every OUT/*.journal, oldest first; unreadable ones are returned as errors in `problems`.
struct JournalListing {
  std::vector<JournalState> journals;
  std::vector<std::string> problems;
};
JournalListing list_journals(const std::string& dir);

/// Where a journaled job continues, and the interruption to record.
struct ResumePoint {
  std::string phase;                  ///< "pass" or "verify"
  wipe::OverwriteResume overwrite;    ///< phase pass; in verify, every pass is in overwrite.completed
  std::size_t first_read = 0;         ///< phase verify
  std::optional<VerifyReport> verify_prior;
  Interruption interruption;          ///< resumed_at/by/host left for the caller
};

/// The safe point: in a pass, the checkpoint *before* the last one (or the pass start), so a
/// drive that acknowledged a flush it then lost is rewritten too — at most about two checkpoint
/// intervals of work are repeated. In the verify phase, the last checkpoint (reads change nothing).
Result<ResumePoint> resume_point(const JournalState& state);

/// Appends to a journal; every line is written whole and fdatasync'd before the call returns.
/// A failure to append is remembered (failure()) and later appends are skipped: the wipe goes on,
/// it just can no longer be resumed from later than the last good line.
class JournalWriter {
 public:
  /// Creates DIR/<record-id>.journal (never overwrites) and writes the start line.
  static Result<JournalWriter> create(const std::string& dir, const JournalStart& start);
  /// Opens an existing journal to continue it; refused while another process holds it.
  static Result<JournalWriter> reopen(const std::string& path);

  void pass_checkpoint(const PassRecord& so_far, std::uint64_t durable_offset);
  void pass_finished(const PassRecord& pass);
  void verify_checkpoint(std::size_t reads_done, const VerifyReport& so_far);
  void resumed(const Interruption& interruption);
  void finished(Outcome outcome, const std::string& record_path);

  const std::string& path() const { return path_; }
  const std::string& failure() const { return failure_; }

 private:
  JournalWriter(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  void append(const std::string& line);
  UniqueFd fd_;
  std::string path_;
  std::string failure_;
};

}  // namespace wipeproof::job
