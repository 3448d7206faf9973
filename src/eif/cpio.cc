// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Reproducible initramfs: the newc cpio format the kernel unpacks (Documentation/
// driver-api/early-userspace/buffer-format.rst), with everything that varies between machines
// fixed: entry order (bytewise by path), inode numbers (1, 2, ... in that order), owners (0:0),
// times, link counts; and gzip from zlib with no name and mtime 0. Only the tree's paths,
// contents, file types and permission bits reach the archive.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "src/eif/internal.h"

namespace nitro_attest {
namespace eif {
namespace {

constexpr uint32_t kTrailerIno = 0;

struct Entry {
  std::string path;  // relative, no leading "./"
  mode_t mode = 0;
};

Error Io(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kIoError, what + " " + path + ": " + std::strerror(errno));
}

// Walk lists every entry below `root` + "/" + `rel` (not following symlinks).
Status Walk(const std::string& root, const std::string& rel, std::vector<Entry>* out) {
  const std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return Io("cannot read the directory", dir);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return Io("cannot read the directory", dir);
  }
  for (const std::string& name : names) {
    const std::string path = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (::lstat((root + "/" + path).c_str(), &st) != 0) {
      return Io("cannot stat", root + "/" + path);
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       root + "/" + path +
                           " is not a directory, regular file or symlink; a ramdisk holds only "
                           "those (devices come from devtmpfs at boot)");
    }
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > 0xffffffffu) {
      return MakeError(ErrorCode::kInvalidArgument,
                       root + "/" + path + " is over 4 GiB, the newc format's limit");
    }
    out->push_back(Entry{path, st.st_mode});
    if (S_ISDIR(st.st_mode)) {
      NA_TRY(Walk(root, path, out));
    }
  }
  return {};
}

// Sink writes the archive, through deterministic gzip or as is.
class Sink {
 public:
  Sink(OutputFile* out, bool gzip) : out_(out), gzip_(gzip) {}
  ~Sink() {
    if (started_) {
      deflateEnd(&z_);
    }
  }

  Status Start() {
    if (!gzip_) {
      return {};
    }
    // windowBits 15 + 16: a gzip wrapper, whose header zlib writes with mtime 0, no name,
    // and the Unix OS byte.
    if (deflateInit2(&z_, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return MakeError(ErrorCode::kInternal, "deflateInit2 failed");
    }
    started_ = true;
    return {};
  }

  Status Write(std::span<const uint8_t> data) {
    archived_ += data.size();
    if (!gzip_) {
      return out_->Write(data);
    }
    return Deflate(data, Z_NO_FLUSH);
  }

  Status Finish() { return gzip_ ? Deflate({}, Z_FINISH) : Status(); }
  uint64_t archived() const { return archived_; }

 private:
  Status Deflate(std::span<const uint8_t> data, int flush) {
    z_.next_in = const_cast<Bytef*>(data.data());
    z_.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      std::array<uint8_t, 64 * 1024> buf;
      z_.next_out = buf.data();
      z_.avail_out = static_cast<uInt>(buf.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) {
        return MakeError(ErrorCode::kInternal, "deflate failed");
      }
      NA_TRY(out_->Write(std::span<const uint8_t>(buf.data(), buf.size() - z_.avail_out)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z_.avail_out != 0) {
        return {};
      }
    }
  }

  OutputFile* out_;
  bool gzip_;
  bool started_ = false;
  z_stream z_{};
  uint64_t archived_ = 0;
};

Status Pad(Sink& sink) {
  static constexpr uint8_t kZeros[4] = {0, 0, 0, 0};
  const size_t pad = (4 - sink.archived() % 4) % 4;
  return sink.Write(std::span<const uint8_t>(kZeros, pad));
}

Status WriteHeader(Sink& sink, uint32_t ino, uint32_t mode, uint32_t nlink, uint32_t mtime,
                   uint32_t size, const std::string& name) {
  char head[111];
  // newc: magic, then ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor
  // rdevminor namesize check, 8 hex digits each.
  std::snprintf(head, sizeof(head), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                ino, mode, 0u, 0u, nlink, mtime, size, 0u, 0u, 0u, 0u,
                static_cast<uint32_t>(name.size() + 1), 0u);
  NA_TRY(sink.Write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(head), 110)));
  NA_TRY(sink.Write(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(name.c_str()), name.size() + 1)));
  return Pad(sink);
}

Status WriteContents(Sink& sink, const std::string& path, uint64_t size) {
  NA_ASSIGN_OR_RETURN(const auto source, FdSource::Open(path));
  std::vector<uint8_t> buf(256 * 1024);
  uint64_t total = 0;
  for (;;) {
    NA_ASSIGN_OR_RETURN(const size_t n, source->Read(buf));
    if (n == 0) {
      break;
    }
    total += n;
    if (total > size) {
      break;
    }
    NA_TRY(sink.Write(std::span<const uint8_t>(buf.data(), n)));
  }
  if (total != size) {
    return MakeError(ErrorCode::kIoError, path + " changed size while it was archived");
  }
  return Pad(sink);
}

}  // namespace
}  // namespace eif

Result<uint64_t> BuildRamdisk(const std::string& dir, const std::string& out_path,
                              const RamdiskOptions& options) {
  using eif::Entry;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, dir + " is not a directory");
  }
  std::vector<Entry> entries;
  NA_TRY(eif::Walk(dir, "", &entries));
  // Bytewise order (std::string compares as unsigned char); a parent sorts before its children.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  NA_ASSIGN_OR_RETURN(const auto out, eif::OutputFile::Create(out_path));
  eif::Sink sink(out.get(), options.gzip);
  NA_TRY(sink.Start());
  uint32_t ino = 1;
  for (const Entry& e : entries) {
    const std::string full = dir + "/" + e.path;
    const uint32_t mode = static_cast<uint32_t>(e.mode & (S_IFMT | 07777));
    if (S_ISDIR(e.mode)) {
      NA_TRY(eif::WriteHeader(sink, ino++, mode, 2, options.mtime, 0, e.path));
    } else if (S_ISLNK(e.mode)) {
      std::string target(4096, '\0');
      const ssize_t n = ::readlink(full.c_str(), target.data(), target.size());
      if (n < 0 || static_cast<size_t>(n) >= target.size()) {
        return eif::Io("cannot read the symlink", full);
      }
      target.resize(static_cast<size_t>(n));
      NA_TRY(eif::WriteHeader(sink, ino++, S_IFLNK | 0777, 1, options.mtime,
                              static_cast<uint32_t>(target.size()), e.path));
      NA_TRY(sink.Write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(target.data()),
                                                 target.size())));
      NA_TRY(eif::Pad(sink));
    } else {
      struct stat fst {};
      if (::lstat(full.c_str(), &fst) != 0) {
        return eif::Io("cannot stat", full);
      }
      const auto size = static_cast<uint64_t>(fst.st_size);
      if (size > 0xffffffffu) {
        return MakeError(ErrorCode::kInvalidArgument, full + " is over 4 GiB");
      }
      NA_TRY(eif::WriteHeader(sink, ino++, mode, 1, options.mtime, static_cast<uint32_t>(size),
                              e.path));
      NA_TRY(eif::WriteContents(sink, full, size));
    }
  }
  NA_TRY(eif::WriteHeader(sink, eif::kTrailerIno, 0, 1, 0, 0, "TRAILER!!!"));
  NA_TRY(sink.Finish());
  const uint64_t written = out->written();
  NA_TRY(out->Commit());
  return written;
}

}  // namespace nitro_attest
