#include "station/access.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "certs/openssl_util.hpp"
#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/sys.hpp"
#include "station/auth.hpp"

namespace wipeproof::station {
using nlohmann::json;

namespace {
constexpr const char* kCookie = "wp_session";
constexpr auto kSessionLife = std::chrono::hours(8);
constexpr auto kIdle = std::chrono::minutes(30);
constexpr int kMaxFailures = 5;
constexpr std::int64_t kLockSeconds = 300;

std::string cookie_value(const httplib::Request& req) {
  std::string all = req.get_header_value("Cookie");
  std::string key = std::string(kCookie) + "=";
  for (std::size_t pos = 0; pos < all.size();) {
    while (pos < all.size() && (all[pos] == ' ' || all[pos] == ';')) ++pos;
    std::size_t end = all.find(';', pos);
    std::string part = all.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.rfind(key, 0) == 0) return part.substr(key.size());
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

std::string hash(const std::string& s) { return certs::sha256_hex(s.data(), s.size()); }

std::string rfc3339_in(std::int64_t seconds) {
  std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

std::optional<Access::Session> Access::session_of(const httplib::Request& req) {
  std::string cookie = cookie_value(req);
  if (cookie.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(hash(cookie));
  if (it == sessions_.end()) return std::nullopt;
  auto now = std::chrono::steady_clock::now();
  if (now > it->second.expires || now > it->second.idle_until) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.idle_until = now + kIdle;
  return it->second;
}

std::optional<Caller> Access::authorize(const httplib::Request& req, httplib::Response& res, Role need) {
  std::string auth = req.get_header_value("Authorization");
  std::optional<Caller> caller;
  if (auth.rfind("Bearer ", 0) == 0) {
    if (auto r = registry_.role_of(auth.substr(7)); r && *r)
      caller = Caller{fmt::format("token@{}", req.remote_addr), "", **r};
  } else if (auto s = session_of(req)) {
    caller = Caller{fmt::format("{}@{}", s->user, req.remote_addr), s->user, s->role};
  }
  if (!caller) {
    (void)registry_.audit(req.remote_addr, "denied", fmt::format("{} {}: not signed in, no valid token", req.method, req.path));
    reply_json(res, 401, {{"reason", "sign in, or send a valid token (Authorization: Bearer TOKEN)"}});
    return std::nullopt;
  }
  if (static_cast<int>(caller->role) < static_cast<int>(need)) {
    (void)registry_.audit(fmt::format("{} ({})", caller->actor, role_name(caller->role)), "denied",
                          fmt::format("{} {}: needs role {}", req.method, req.path, role_name(need)));
    reply_json(res, 403, {{"reason", fmt::format("role {} may not do this (needs {})", role_name(caller->role), role_name(need))}});
    return std::nullopt;
  }
  (void)registry_.audit(fmt::format("{} ({})", caller->actor, role_name(caller->role)), "access",
                        fmt::format("{} {}", req.method, req.path));
  return caller;
}

void Access::login(const httplib::Request& req, httplib::Response& res) {
  auto b = json::parse(req.body, nullptr, false);
  if (!b.is_object() || !b["user"].is_string() || !b["password"].is_string() || !b["totp"].is_string())
    return reply_json(res, 400, {{"reason", "expected {\"user\", \"password\", \"totp\"}"}});
  std::string name = b["user"], who = fmt::format("{}@{}", name, req.remote_addr);
  // One answer for every failure, so a guesser learns nothing; the audit log says which factor.
  auto refuse = [&](const std::string& why) {
    (void)registry_.audit(who, "login-refused", why);
    reply_json(res, 401, {{"reason", "sign-in failed: wrong user, password or code"}});
  };
  auto user = registry_.get_user(name);
  if (!user) return reply_json(res, 500, {{"reason", user.error().context}});
  if (!*user) return refuse("no such user");
  UserRow& u = **user;
  std::string now_text = rfc3339_in(0);
  if (!u.locked_until.empty() && now_text < u.locked_until) {
    (void)registry_.audit(who, "login-refused", "account locked until " + u.locked_until);
    return reply_json(res, 429, {{"reason", "too many failed sign-ins: locked until " + u.locked_until}});
  }
  std::uint64_t step = 0;
  LoginCheck check = check_login(u, b["password"], b["totp"], static_cast<std::int64_t>(std::time(nullptr)), step);
  if (check == LoginCheck::ok) {
    std::lock_guard lock(mutex_);
    if (last_step_.count(name) && last_step_[name] >= step) check = LoginCheck::wrong_totp;  // replayed code
  }
  if (check != LoginCheck::ok) {
    int failures = u.failures + 1;
    std::string locked = failures >= kMaxFailures ? rfc3339_in(kLockSeconds) : "";
    (void)registry_.set_login_state(name, failures >= kMaxFailures ? 0 : failures, locked);
    refuse(fmt::format("{} (failure {} in a row){}", check == LoginCheck::wrong_password ? "wrong password" : "wrong TOTP code",
                       failures, locked.empty() ? "" : "; locked until " + locked));
    return;
  }
  (void)registry_.set_login_state(name, 0, "");
  std::vector<std::byte> raw(32);
  if (auto r = random_bytes(raw); !r) return reply_json(res, 500, {{"reason", r.error().context}});
  std::string cookie = to_hex(raw);
  {
    std::lock_guard lock(mutex_);
    last_step_[name] = step;
    auto now = std::chrono::steady_clock::now();
    sessions_[hash(cookie)] = Session{name, u.role, now + kSessionLife, now + kIdle};
  }
  res.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}", kCookie, cookie, secure_ ? "; Secure" : ""));
  (void)registry_.audit(who, "login", fmt::format("signed in with password and TOTP (role {})", role_name(u.role)));
  reply_json(res, 200, {{"user", name}, {"role", role_name(u.role)}});
}

bool Access::has_session_cookie(const httplib::Request& req) { return !cookie_value(req).empty(); }

void Access::logout(const httplib::Request& req, httplib::Response& res) {
  std::string cookie = cookie_value(req);
  std::string user;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash(cookie));
    if (it != sessions_.end()) {
      user = it->second.user;
      sessions_.erase(it);
    }
  }
  if (!user.empty()) (void)registry_.audit(fmt::format("{}@{}", user, req.remote_addr), "logout", "signed out");
  res.set_header("Set-Cookie", fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", kCookie));
  reply_json(res, 200, {{"signed_out", !user.empty()}});
}

}  // namespace wipeproof::station
