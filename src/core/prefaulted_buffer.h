#pragma once

#include <cstddef>
#include <string_view>

namespace veil::core {

// One large buffer whose pages are all in place from the start. Touching a fresh page costs a
// page fault, and on virtual machines like the one veil is measured on a fault costs ~12 µs:
// a 2 MB pattern database faulted in page by page took 6 ms, mapped with MAP_POPULATE 1.3 ms.
// For start-up buffers of a megabyte or more; move-only.
class PrefaultedBuffer {
 public:
  PrefaultedBuffer() = default;
  // Throws std::bad_alloc when the memory cannot be mapped.
  explicit PrefaultedBuffer(size_t size);
  ~PrefaultedBuffer();
  PrefaultedBuffer(PrefaultedBuffer&& other) noexcept;
  PrefaultedBuffer& operator=(PrefaultedBuffer&& other) noexcept;
  PrefaultedBuffer(const PrefaultedBuffer&) = delete;
  PrefaultedBuffer& operator=(const PrefaultedBuffer&) = delete;

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace veil::core
