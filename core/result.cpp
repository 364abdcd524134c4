#include "core/result.hpp"

#include <cstring>

namespace wipeproof {

tl::unexpected<Error> sys_error(std::string context, int sys_errno) {
  context += ": ";
  context += std::strerror(sys_errno);
  return make_error(ErrorKind::sys, std::move(context), sys_errno);
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::sys: return "system";
    case ErrorKind::device_status: return "device_status";
    case ErrorKind::refused: return "refused";
    case ErrorKind::usage: return "usage";
    case ErrorKind::verify_mismatch: return "verify_mismatch";
    case ErrorKind::crypto: return "crypto";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace wipeproof
