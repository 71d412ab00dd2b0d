#include "core/prefaulted_buffer.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace veil::core {

PrefaultedBuffer::PrefaultedBuffer(size_t size) {
  if (size == 0) return;
  void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<char*>(memory);
  size_ = size;
}

PrefaultedBuffer::~PrefaultedBuffer() {
  if (data_) ::munmap(data_, size_);
}

PrefaultedBuffer::PrefaultedBuffer(PrefaultedBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

PrefaultedBuffer& PrefaultedBuffer::operator=(PrefaultedBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

}  // namespace veil::core
