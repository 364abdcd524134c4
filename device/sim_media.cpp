#include "device/sim_media.hpp"

#include <algorithm>
#include <cstring>

namespace wipeproof::device {

SimMedia::SimMedia(std::uint64_t bytes, std::uint32_t lba_size, std::byte fill)
    : data_(bytes, fill), lba_size_(lba_size), deallocated_((bytes + lba_size - 1) / lba_size, false) {}

void SimMedia::resize(std::uint64_t bytes, std::byte fill) {
  data_.resize(bytes, fill);
  deallocated_.resize((bytes + lba_size_ - 1) / lba_size_, false);
}

void SimMedia::set_lies(const SimLies& lies) {
  lies_ = lies;
  const std::uint64_t blocks = data_.size() / lba_size_;
  if (lies_.remap == 0 || remapped_ || blocks == 0) return;
  // Spread evenly with a fixed stride offset, so a test knows nothing but "scattered".
  std::uint64_t n = std::min(lies_.remap, blocks);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t lba = (i * blocks + blocks / 2) / n;
    auto first = data_.begin() + static_cast<std::ptrdiff_t>(lba * lba_size_);
    hidden_[lba].assign(first, first + lba_size_);
    std::fill(first, first + lba_size_, std::byte{0});
  }
  remapped_ = true;
}

bool SimMedia::skipped(std::uint64_t lba) const {
  return std::any_of(lies_.skip.begin(), lies_.skip.end(),
                     [&](const auto& r) { return lba >= r.first && lba <= r.second; });
}

void SimMedia::host_read(std::uint64_t offset, std::span<std::byte> out) const {
  std::memcpy(out.data(), data_.data() + offset, out.size());
  if (media_verification_) return;
  for (std::uint64_t pos = 0; pos < out.size();) {
    std::uint64_t lba = (offset + pos) / lba_size_;
    std::uint64_t end = std::min<std::uint64_t>((lba + 1) * lba_size_ - offset, out.size());
    if (deallocated_[lba]) std::memset(out.data() + pos, 0, end - pos);
    pos = end;
  }
}

void SimMedia::host_write(std::uint64_t offset, std::span<const std::byte> in) {
  std::memcpy(data_.data() + offset, in.data(), in.size());
  // A partial-sector write still maps the sector: the rest of it reads what the media holds.
  for (std::uint64_t lba = offset / lba_size_; lba * lba_size_ < offset + in.size(); ++lba) deallocated_[lba] = false;
}

void SimMedia::firmware_erase(const std::function<void(std::span<std::byte>, std::uint64_t)>& fill) {
  if (lies_.noop) return;
  const std::uint64_t blocks = deallocated_.size();
  std::uint64_t lba = 0;
  while (lba < blocks) {
    if (skipped(lba)) {
      ++lba;
      continue;
    }
    std::uint64_t end = lba;
    while (end < blocks && !skipped(end)) ++end;
    if (lies_.zero_read) {
      std::fill(deallocated_.begin() + static_cast<std::ptrdiff_t>(lba),
                deallocated_.begin() + static_cast<std::ptrdiff_t>(end), true);
    } else {
      std::uint64_t off = lba * lba_size_;
      std::uint64_t len = std::min<std::uint64_t>(end * lba_size_, data_.size()) - off;
      fill(std::span<std::byte>(data_.data() + off, len), off);
    }
    lba = end;
  }
  // An honest drive's sanitize reaches retired blocks too (NIST SP 800-88 §2.4); a drive given
  // remap:N never does, which is the lie being rehearsed.
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> SimMedia::deallocated_ranges() const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::uint64_t i = 0; i < deallocated_.size(); ++i) {
    if (!deallocated_[i]) continue;
    std::uint64_t j = i;
    while (j + 1 < deallocated_.size() && deallocated_[j + 1]) ++j;
    out.emplace_back(i, j);
    i = j;
  }
  return out;
}

void SimMedia::set_deallocated(std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t i = first; i <= last && i < deallocated_.size(); ++i) deallocated_[i] = true;
}

void fill_noise(std::span<std::byte> range, std::uint64_t offset, std::uint64_t key) {
  for (std::size_t i = 0; i < range.size(); ++i) {
    std::uint64_t z = ((offset + i) / 8) * 0x9E3779B97F4A7C15ull + key;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    range[i] = static_cast<std::byte>(z >> (8 * ((offset + i) % 8)));
  }
}

void fill_pattern(std::span<std::byte> range, std::uint64_t offset, std::span<const std::byte> pattern) {
  if (pattern.empty()) {
    std::fill(range.begin(), range.end(), std::byte{0});
    return;
  }
  for (std::size_t i = 0; i < range.size(); ++i) range[i] = pattern[(offset + i) % pattern.size()];
}

}  // namespace wipeproof::device
