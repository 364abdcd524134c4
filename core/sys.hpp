#pragma once
// Thin, OS-neutral declarations of the few system services core needs; sys_linux.cpp implements
// them. Raw syscalls live only in *_linux.cpp files.
#include <cstddef>
#include <span>
#include <string>

#include "core/result.hpp"

namespace wipeproof {

/// Fills `out` from the kernel CSPRNG (getrandom(2)); blocks until the pool is initialised.
Result<void> random_bytes(std::span<std::byte> out);

/// The whole content of a small text file (sysfs, procfs); trailing newlines and spaces removed.
/// Never for binary files (a DER signature or PDF can end in 0x0A or 0x20): read_file_bytes.
Result<std::string> read_text_file(const std::string& path);

/// The whole content of a file, byte for byte.
Result<std::string> read_file_bytes(const std::string& path);

/// Writes `content` to `path` atomically: a temporary file in the same directory, created with
/// `mode` (0600 for secrets: never readable by others, not even briefly), fsync, rename.
/// Nothing is left half-written if any step fails.
Result<void> write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0644);

std::string host_name();
std::string kernel_release();

/// Absolute path of the running executable (/proc/self/exe).
std::string self_executable_path();

}  // namespace wipeproof
