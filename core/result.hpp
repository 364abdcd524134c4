#pragma once
// Errors are values. This is the only file that names tl::; moving to std::expected (GCC >= 13)
// touches nothing else.
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace wipeproof {

/// The error domains stay apart: a failed syscall, a refusal, bad input and a verification
/// mismatch lead to different exit codes and different record entries.
enum class ErrorKind {
  sys,              ///< a system call failed; sys_errno says why
  device_status,    ///< the device answered with an error status
  refused,          ///< a safety rule refused the operation
  usage,            ///< bad input from the user
  verify_mismatch,  ///< data read back differs from what was written
  crypto,           ///< an OpenSSL call failed
  interrupted,      ///< SIGINT/SIGTERM asked us to stop
  internal,         ///< a bug or an impossible state
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  int sys_errno = 0;     ///< only when kind == sys
  std::string context;   ///< "open /dev/sdb: ..." lower-case, no trailing period
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(ErrorKind kind, std::string context, int sys_errno = 0) {
  return tl::unexpected<Error>(Error{kind, sys_errno, std::move(context)});
}

/// A system error with the errno text appended: "pwrite /dev/loop3 at 4096: Input/output error".
tl::unexpected<Error> sys_error(std::string context, int sys_errno);

/// "usage", "refused", ... as used in JSON output.
const char* error_kind_name(ErrorKind kind);

}  // namespace wipeproof

// Both macros expand to several statements: always use them inside braces.
#define WP_CONCAT_INNER(a, b) a##b
#define WP_CONCAT(a, b) WP_CONCAT_INNER(a, b)

#define WP_RETURN_IF_ERROR(expr)                                        \
  do {                                                                  \
    auto wp_status_ = (expr);                                           \
    if (!wp_status_) return tl::unexpected<::wipeproof::Error>(std::move(wp_status_.error())); \
  } while (0)

#define WP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                              \
  auto tmp = (expr);                                                          \
  if (!tmp) return tl::unexpected<::wipeproof::Error>(std::move(tmp.error())); \
  lhs = std::move(*tmp)

#define WP_ASSIGN_OR_RETURN(lhs, expr) \
  WP_ASSIGN_OR_RETURN_IMPL(WP_CONCAT(wp_result_, __LINE__), lhs, expr)
