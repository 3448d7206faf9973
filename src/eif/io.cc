// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/stat.h>
#include <libdeflate.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/eif/internal.h"

namespace nitro_attest::eif {
namespace {

void PutBe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

uint64_t GetBe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | p[i];
  }
  return v;
}

Error IoError(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kIoError, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

std::array<uint8_t, kEifHeaderSize> EncodeHeader(const Header& h) {
  std::array<uint8_t, kEifHeaderSize> out{};
  uint8_t* p = out.data();
  std::copy(h.magic.begin(), h.magic.end(), p);
  PutBe(p + 4, h.version, 2);
  PutBe(p + 6, h.flags, 2);
  PutBe(p + 8, h.default_mem, 8);
  PutBe(p + 16, h.default_cpus, 8);
  PutBe(p + 24, h.reserved, 2);
  PutBe(p + 26, h.num_sections, 2);
  for (size_t i = 0; i < kEifMaxSections; ++i) {
    PutBe(p + 28 + 8 * i, h.offsets[i], 8);
    PutBe(p + 284 + 8 * i, h.sizes[i], 8);
  }
  PutBe(p + 540, h.unused, 4);
  PutBe(p + 544, h.crc32, 4);
  return out;
}

Header DecodeHeader(std::span<const uint8_t, kEifHeaderSize> bytes) {
  const uint8_t* p = bytes.data();
  Header h;
  std::copy(p, p + 4, h.magic.begin());
  h.version = static_cast<uint16_t>(GetBe(p + 4, 2));
  h.flags = static_cast<uint16_t>(GetBe(p + 6, 2));
  h.default_mem = GetBe(p + 8, 8);
  h.default_cpus = GetBe(p + 16, 8);
  h.reserved = static_cast<uint16_t>(GetBe(p + 24, 2));
  h.num_sections = static_cast<uint16_t>(GetBe(p + 26, 2));
  for (size_t i = 0; i < kEifMaxSections; ++i) {
    h.offsets[i] = GetBe(p + 28 + 8 * i, 8);
    h.sizes[i] = GetBe(p + 284 + 8 * i, 8);
  }
  h.unused = static_cast<uint32_t>(GetBe(p + 540, 4));
  h.crc32 = static_cast<uint32_t>(GetBe(p + 544, 4));
  return h;
}

std::array<uint8_t, kEifSectionHeaderSize> EncodeSectionHeader(uint16_t type, uint16_t flags,
                                                               uint64_t size) {
  std::array<uint8_t, kEifSectionHeaderSize> out{};
  PutBe(out.data(), type, 2);
  PutBe(out.data() + 2, flags, 2);
  PutBe(out.data() + 4, size, 8);
  return out;
}

Error MalformedImage(std::string detail) {
  return MakeError(ErrorCode::kMalformedImage, std::move(detail));
}

uint32_t Crc32(uint32_t crc, std::span<const uint8_t> data) {
  if (data.empty()) {
    return crc;
  }
  // libdeflate_crc32 is zlib's crc32 (same polynomial, same chaining), with PCLMULQDQ.
  return libdeflate_crc32(crc, data.data(), data.size());
}

Result<size_t> Source::ReadFull(std::span<uint8_t> buf) {
  size_t total = 0;
  while (total < buf.size()) {
    NA_ASSIGN_OR_RETURN(const size_t n, Read(buf.subspan(total)));
    if (n == 0) {
      break;
    }
    total += n;
  }
  return total;
}

Result<std::unique_ptr<FdSource>> FdSource::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return IoError("cannot open", path);
  }
  struct stat st {};
  uint64_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
    // Read once, front to back: let the kernel read ahead generously.
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return std::unique_ptr<FdSource>(new FdSource(fd, path, size));
}

FdSource::~FdSource() { ::close(fd_); }

Result<size_t> FdSource::Read(std::span<uint8_t> buf) {
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) {
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) {
      return IoError("cannot read", path_);
    }
  }
}

Result<size_t> MemorySource::Read(std::span<uint8_t> buf) {
  const size_t n = std::min(buf.size(), data_.size());
  if (n > 0) {
    std::memcpy(buf.data(), data_.data(), n);
  }
  data_ = data_.subspan(n);
  return n;
}

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return IoError("cannot create a temporary file for", path);
  }
  (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
  // mkstemp makes it 0600; an image or ramdisk is not a secret: give it the usual mode.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(fd, 0666 & ~mask);
  return std::unique_ptr<OutputFile>(new OutputFile(fd, std::move(tmp), path));
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
  if (!committed_) {
    ::unlink(tmp_.c_str());
  }
}

Status OutputFile::Write(std::span<const uint8_t> data) {
  NA_TRY(WriteAt(written_, data));
  written_ += data.size();
  return {};
}

Status OutputFile::WriteAt(uint64_t offset, std::span<const uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return IoError("cannot write", tmp_);
    }
    data = data.subspan(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

Status OutputFile::Commit() {
  if (::close(fd_) != 0) {
    fd_ = -1;
    return IoError("cannot write", tmp_);
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return IoError("cannot rename the output to", path_);
  }
  committed_ = true;
  return {};
}

}  // namespace nitro_attest::eif
