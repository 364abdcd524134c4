#pragma once
// Who is calling: an API token (Authorization: Bearer, for machines) or a dashboard session
// cookie (for people, after password + TOTP). Roles decide what each may do (read < operator <
// admin); every decision and every login attempt is written to the audit log.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "station/registry.hpp"

namespace wipeproof::station {

struct Caller {
  std::string actor;  ///< for the audit log: "alice@127.0.0.1" or "token@127.0.0.1"
  std::string user;   ///< the person, for dashboard sessions
  Role role = Role::read;
};

class Access {
 public:
  Access(Registry& registry, bool secure_cookies) : registry_(registry), secure_(secure_cookies) {}

  /// The caller if allowed `need`, else the 401/403 answer is written and nullopt returned.
  std::optional<Caller> authorize(const httplib::Request& req, httplib::Response& res, Role need);

  /// POST /api/v1/login {"user","password","totp"}: both factors, lock-out after 5 failures in a
  /// row (5 minutes), a TOTP code works once. Sets the session cookie on success.
  void login(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);
  /// The request carries a dashboard session cookie (valid or not): an ambient credential.
  static bool has_session_cookie(const httplib::Request& req);

 private:
  struct Session {
    std::string user;
    Role role;
    std::chrono::steady_clock::time_point expires, idle_until;
  };
  std::optional<Session> session_of(const httplib::Request& req);

  Registry& registry_;
  bool secure_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;          ///< SHA-256 of the cookie → session
  std::map<std::string, std::uint64_t> last_step_;   ///< user → last TOTP step accepted
};

void reply_json(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace wipeproof::station
