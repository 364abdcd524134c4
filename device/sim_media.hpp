#pragma once
// The storage inside a simulated drive, shared by its command set (firmware erases) and its
// block view (host reads and writes), with the ways a drive can lie about an erase
// (docs/testing.md): do nothing, skip LBA ranges, keep remapped blocks where the host cannot
// address them, or return zeros for "erased" blocks whose media still holds the old data.
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace wipeproof::device {

struct SimLies {
  bool noop = false;                                          ///< reports success, erases nothing
  std::vector<std::pair<std::uint64_t, std::uint64_t>> skip;  ///< inclusive LBA ranges left untouched
  std::uint64_t remap = 0;                                    ///< old blocks kept beyond host reach
  bool zero_read = false;  ///< erase only deallocates: reads give zeros, the media keeps the data
  bool any() const { return noop || !skip.empty() || remap > 0 || zero_read; }
};

class SimMedia {
 public:
  SimMedia(std::uint64_t bytes, std::uint32_t lba_size, std::byte fill);

  /// What the media physically holds, indexed like the LBA space.
  std::vector<std::byte>& raw() { return data_; }
  const std::vector<std::byte>& raw() const { return data_; }
  std::uint32_t lba_size() const { return lba_size_; }
  std::uint64_t size() const { return data_.size(); }
  /// Grows (DCO restore) or shrinks the media; new bytes hold `fill`.
  void resize(std::uint64_t bytes, std::byte fill);

  /// Installs the lies. remap:N retires N scattered LBAs now (a grown defect list): their data
  /// moves to the hidden region, and the spare sector that replaces each reads zeros.
  void set_lies(const SimLies& lies);
  const SimLies& lies() const { return lies_; }

  // The host's block path.
  void host_read(std::uint64_t offset, std::span<std::byte> out) const;
  void host_write(std::uint64_t offset, std::span<const std::byte> in);

  /// A firmware erase: `fill` writes the erase result into [offset, offset+span) of the media;
  /// the lies decide which ranges it is given (zero-read deallocates instead of filling).
  void firmware_erase(const std::function<void(std::span<std::byte>, std::uint64_t offset)>& fill);

  /// NVMe Media Verification state (NVMe 2.1 §8.1.24.4): reads return what the media holds,
  /// not the deallocated-block answer.
  void set_media_verification(bool on) { media_verification_ = on; }
  bool media_verification() const { return media_verification_; }

  /// Old contents of remapped LBAs, beyond the host's reach (tests inspect them).
  const std::map<std::uint64_t, std::vector<std::byte>>& hidden() const { return hidden_; }
  std::map<std::uint64_t, std::vector<std::byte>>& hidden() { return hidden_; }
  /// Deallocated LBA ranges (zero-read), inclusive; persisted by the sim target.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> deallocated_ranges() const;
  void set_deallocated(std::uint64_t first_lba, std::uint64_t last_lba);
  bool remapped_already() const { return remapped_; }
  void mark_remapped() { remapped_ = true; }

 private:
  bool skipped(std::uint64_t lba) const;

  std::vector<std::byte> data_;
  std::uint32_t lba_size_;
  SimLies lies_;
  std::vector<bool> deallocated_;
  std::map<std::uint64_t, std::vector<std::byte>> hidden_;
  bool media_verification_ = false;
  bool remapped_ = false;
};

/// Erase results, position-aligned so a partial (skip:) erase leaves the same bytes elsewhere.
/// A crypto erase: the old ciphertext read with a new key, i.e. noise (splitmix64 of the offset).
void fill_noise(std::span<std::byte> range, std::uint64_t offset, std::uint64_t key);
/// A repeating pattern of `pattern.size()` bytes starting at media offset 0.
void fill_pattern(std::span<std::byte> range, std::uint64_t offset, std::span<const std::byte> pattern);

}  // namespace wipeproof::device
