#include "job/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/record_json.hpp"
#include "core/clock.hpp"

namespace wipeproof::job {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kJournalVersion = 1;

Result<UniqueFd> open_locked(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0600));
  if (!fd.valid()) return sys_error("cannot open journal " + path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return make_error(ErrorKind::refused, path + ": another wipeproof process is working on this job right now");
    return sys_error("cannot lock journal " + path, errno);
  }
  return fd;
}

Result<void> fsync_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return sys_error("cannot sync directory " + dir, errno);
  return {};
}

json start_to_json(const JournalStart& s) {
  json issuer = json::parse(s.issuer_json, nullptr, false);
  if (!issuer.is_object()) issuer = json::object();
  json passes = json::array();
  for (const auto& p : s.passes) passes.push_back(certs::pattern_to_json(p));
  return {{"type", "start"},
          {"journal_version", kJournalVersion},
          {"record", certs::record_to_json(s.header)},
          {"backing_file", s.backing_file},
          {"passes", passes},
          {"verify", {{"mode", verify_mode_name(s.verify_mode)}, {"coverage_ppm", s.coverage_ppm},
                      {"seed_hex", s.seed_hex}, {"min_samples", s.min_samples}, {"search", s.search}}},
          {"issuer", issuer}};
}

/// The verification counters a checkpoint keeps (verify_progress_from_json reads them back).
json verify_progress_to_json(const VerifyReport& v) {
  json j = certs::verify_report_to_json(v);
  return {{"mode", j["mode"]},
          {"expected", j["expected"]},
          {"status", j["status"]},
          {"started", j["started"]},
          {"blocks_read", j["blocks_read"]},
          {"bytes_read", j["bytes_read"]},
          {"mismatched_blocks", j["mismatched_blocks"]},
          {"uniform_blocks", j["uniform_blocks"]},
          {"first_mismatch_lbas", j["first_mismatch_lbas"]},
          {"read_errors", j["read_errors"]},
          {"residue", j["residue"]}};
}

template <typename T>
T must(Result<T> r) {
  if (!r) throw std::invalid_argument(r.error().context);
  return std::move(*r);
}

JournalStart start_from_json(const json& j) {
  if (j.at("journal_version").get<int>() != kJournalVersion)
    throw std::invalid_argument(fmt::format("journal_version {} expected", kJournalVersion));
  JournalStart s;
  s.header = must(certs::full_record_from_json(j.at("record")));
  s.backing_file = j.at("backing_file").get<std::string>();
  for (const auto& p : j.at("passes")) s.passes.push_back(must(certs::pattern_from_json(p)));
  if (s.passes.empty()) throw std::invalid_argument("no passes");
  const json& v = j.at("verify");
  std::string mode = v.at("mode").get<std::string>();
  s.verify_mode = mode == "full" ? VerifyMode::full : mode == "sample" ? VerifyMode::sample : VerifyMode::none;
  if (mode != verify_mode_name(s.verify_mode)) throw std::invalid_argument("unknown verification mode '" + mode + "'");
  s.coverage_ppm = v.at("coverage_ppm").get<std::uint32_t>();
  s.seed_hex = v.at("seed_hex").get<std::string>();
  s.min_samples = v.at("min_samples").get<std::uint64_t>();
  s.search = v.at("search").get<std::vector<std::string>>();
  // Journals written before the issuer was kept have none: resume then needs the flags again.
  if (j.contains("issuer")) {
    if (!j.at("issuer").is_object()) throw std::invalid_argument("issuer is not an object");
    s.issuer_json = j.at("issuer").dump();
  }
  return s;
}

void apply_line(JournalState& st, const json& j, bool first) {
  std::string type = j.at("type").get<std::string>();
  if (first != (type == "start")) throw std::invalid_argument(first ? "the first line is not a start line" : "a second start line");
  if (type == "start") {
    st.start = start_from_json(j);
    st.last_activity = st.start.header.started;
    return;
  }
  if (st.finished) throw std::invalid_argument("a line after the finished line");
  st.last_activity = j.at("at").get<std::string>();
  if (type == "checkpoint") {
    JournalCheckpoint c;
    c.at = st.last_activity;
    c.phase = j.at("phase").get<std::string>();
    if (c.phase == "pass") {
      c.pass_record = must(certs::pass_record_from_json(j.at("pass_record")));
      c.pass = c.pass_record.index;
      c.offset = j.at("offset").get<std::uint64_t>();
      if (c.pass != static_cast<int>(st.completed.size()) + 1) throw std::invalid_argument("checkpoint for the wrong pass");
    } else if (c.phase == "verify") {
      c.verify = must(certs::verify_progress_from_json(j.at("verify")));
      c.reads_done = j.at("reads_done").get<std::size_t>();
      c.offset = c.verify.bytes_read;
    } else {
      throw std::invalid_argument("unknown checkpoint phase '" + c.phase + "'");
    }
    st.checkpoints.push_back(std::move(c));
  } else if (type == "pass") {
    PassRecord p = must(certs::pass_record_from_json(j.at("pass_record")));
    if (p.index != static_cast<int>(st.completed.size()) + 1) throw std::invalid_argument("pass lines out of order");
    st.completed.push_back(std::move(p));
    st.checkpoints.clear();
  } else if (type == "resumed") {
    const Interruption& in = st.interruptions.emplace_back(must(certs::interruption_from_json(j.at("interruption"))));
    // Work restarts from the resume point; checkpoints after it supersede the earlier ones.
    if (in.phase == "pass")
      std::erase_if(st.checkpoints,
                    [&](const JournalCheckpoint& c) { return c.phase == "pass" && c.offset > in.resumed_offset; });
  } else if (type == "finished") {
    st.finished = true;
    st.outcome = j.at("outcome").get<std::string>();
  } else {
    throw std::invalid_argument("unknown line type '" + type + "'");
  }
}

}  // namespace

Result<JournalState> read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sys_error("cannot read journal " + path, errno ? errno : ENOENT);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  JournalState st;
  st.path = path;
  std::size_t pos = 0, line_no = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    ++line_no;
    if (end == std::string::npos) {  // no newline: the write of this line was cut short
      st.torn_tail = true;
      break;
    }
    std::string_view line(content.data() + pos, end - pos);
    pos = end + 1;
    json j = json::parse(line, nullptr, false);
    // A line fdatasync'd whole parses; only the last one can be torn (zeros or a partial write
    // after a power cut), and then nothing follows it.
    if (j.is_discarded() && pos >= content.size()) {
      st.torn_tail = true;
      break;
    }
    try {
      if (j.is_discarded()) throw std::invalid_argument("not JSON");
      apply_line(st, j, line_no == 1);
    } catch (const std::exception& e) {
      return make_error(ErrorKind::usage, fmt::format("{} line {}: {}", path, line_no, e.what()));
    }
  }
  if (line_no == 0 || (line_no == 1 && st.torn_tail))
    return make_error(ErrorKind::usage, path + ": empty journal (the job was interrupted before it wrote anything)");
  // Is someone working on it now? A shared, non-blocking probe of the writer's exclusive lock.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.valid() && ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) st.busy = true;
  return st;
}

JournalListing list_journals(const std::string& dir) {
  JournalListing out;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == kJournalSuffix && it->is_regular_file()) paths.push_back(it->path());
  if (ec) out.problems.push_back(fmt::format("cannot list {}: {}", dir, ec.message()));
  for (const auto& p : paths) {
    auto st = read_journal(p.string());
    if (st)
      out.journals.push_back(std::move(*st));
    else
      out.problems.push_back(st.error().context);
  }
  std::sort(out.journals.begin(), out.journals.end(),
            [](const JournalState& a, const JournalState& b) { return a.start.header.started < b.start.header.started; });
  return out;
}

Result<ResumePoint> resume_point(const JournalState& st) {
  if (st.finished) return make_error(ErrorKind::usage, st.path + ": this job already finished (" + st.outcome + ")");
  ResumePoint rp;
  rp.overwrite.completed = st.completed;
  const std::size_t pass_count = st.start.passes.size();
  for (const auto& p : st.completed)
    if (p.status != RunStatus::complete)
      return make_error(ErrorKind::usage, fmt::format("{}: pass {} ended {}: the job cannot be resumed, start a new wipe",
                                                      st.path, p.index, run_status_name(p.status)));
  Interruption& in = rp.interruption;
  in.last_checkpoint = st.last_activity;
  if (st.completed.size() < pass_count) {
    rp.phase = "pass";
    in.phase = "pass";
    in.pass = static_cast<int>(st.completed.size()) + 1;
    const auto& cps = st.checkpoints;
    if (!cps.empty()) in.checkpoint_offset = cps.back().offset;
    if (cps.size() >= 2) {
      const JournalCheckpoint& safe = cps[cps.size() - 2];
      rp.overwrite.current = {safe.offset, safe.pass_record};
    } else {
      // No earlier checkpoint: the pass starts over, keeping its original start time.
      PassRecord fresh;
      fresh.index = in.pass;
      if (!cps.empty()) fresh.started = cps.front().pass_record.started;
      rp.overwrite.current = {0, fresh};
    }
    in.resumed_offset = rp.overwrite.current.offset;
    return rp;
  }
  rp.phase = "verify";
  in.phase = "verify";
  if (!st.checkpoints.empty()) {
    const JournalCheckpoint& last = st.checkpoints.back();
    rp.first_read = last.reads_done;
    rp.verify_prior = last.verify;
    in.checkpoint_offset = in.resumed_offset = last.offset;
  }
  return rp;
}

Result<JournalWriter> JournalWriter::create(const std::string& dir, const JournalStart& start) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return sys_error("cannot create directory " + dir, ec.value());
  std::string path = (fs::path(dir) / (start.header.record_id + kJournalSuffix)).string();
  WP_ASSIGN_OR_RETURN(auto fd, open_locked(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND));
  JournalWriter w(std::move(fd), path);
  w.append(start_to_json(start).dump());
  if (!w.failure_.empty()) {
    ::unlink(path.c_str());
    return make_error(ErrorKind::sys, w.failure_, EIO);
  }
  WP_RETURN_IF_ERROR(fsync_directory(dir));
  return w;
}

Result<JournalWriter> JournalWriter::reopen(const std::string& path) {
  WP_ASSIGN_OR_RETURN(auto fd, open_locked(path, O_RDWR | O_APPEND));
  // A torn last line would glue itself to the next one: cut the file back to its last newline.
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size > 0) {
    std::string tail(static_cast<std::size_t>(std::min<off_t>(size, 1 << 20)), '\0');
    off_t from = size - static_cast<off_t>(tail.size());
    if (::pread(fd.get(), tail.data(), tail.size(), from) != static_cast<ssize_t>(tail.size()))
      return sys_error("cannot read journal " + path, errno);
    std::size_t nl = tail.rfind('\n');
    off_t keep = nl == std::string::npos ? from : from + static_cast<off_t>(nl) + 1;
    if (keep != size && (::ftruncate(fd.get(), keep) != 0 || ::fdatasync(fd.get()) != 0))
      return sys_error("cannot repair the torn end of journal " + path, errno);
  }
  return JournalWriter(std::move(fd), path);
}

void JournalWriter::append(const std::string& line) {
  if (!failure_.empty()) return;
  std::string data = line + "\n";
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure_ = fmt::format("cannot append to journal {}: {}", path_, std::strerror(errno ? errno : EIO));
      return;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_.get()) != 0) failure_ = fmt::format("cannot sync journal {}: {}", path_, std::strerror(errno));
}

void JournalWriter::pass_checkpoint(const PassRecord& so_far, std::uint64_t durable_offset) {
  append(json{{"type", "checkpoint"}, {"phase", "pass"}, {"at", now_utc()}, {"offset", durable_offset},
              {"pass_record", certs::pass_record_to_json(so_far)}}
             .dump());
}

void JournalWriter::pass_finished(const PassRecord& pass) {
  append(json{{"type", "pass"}, {"at", now_utc()}, {"pass_record", certs::pass_record_to_json(pass)}}.dump());
}

void JournalWriter::verify_checkpoint(std::size_t reads_done, const VerifyReport& so_far) {
  append(json{{"type", "checkpoint"}, {"phase", "verify"}, {"at", now_utc()}, {"reads_done", reads_done},
              {"verify", verify_progress_to_json(so_far)}}
             .dump());
}

void JournalWriter::resumed(const Interruption& interruption) {
  append(json{{"type", "resumed"}, {"at", now_utc()}, {"interruption", certs::interruption_to_json(interruption)}}.dump());
}

void JournalWriter::finished(Outcome outcome, const std::string& record_path) {
  append(json{{"type", "finished"}, {"at", now_utc()}, {"outcome", outcome_name(outcome)}, {"record", record_path}}.dump());
}

}  // namespace wipeproof::job
