// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "src/eif/internal.h"

namespace nitro_attest {
namespace eif {
namespace {

// One fetched SHA-384 for every context: EVP_sha384() would look it up again on each init.
const EVP_MD* Sha384Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  return md;
}

[[noreturn]] void Fatal(const char* what) {
  // EVP digest calls fail only on allocation failure or a broken provider; nothing sensible
  // can continue a measurement after that.
  std::fprintf(stderr, "nitro-attest: %s failed\n", what);
  std::abort();
}

// Extend returns SHA-384(0^48 || digest): a zero PCR extended once with the digest
// (nitro-cli's EifHasher::tpm_extend_finalize_reset).
Pcr48 Extend(const std::array<uint8_t, 48>& digest) {
  Sha384 pcr;
  const std::array<uint8_t, 48> zeros{};
  pcr.Update(zeros);
  pcr.Update(digest);
  return pcr.Digest();
}

}  // namespace

Sha384::Sha384() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || Sha384Md() == nullptr || EVP_DigestInit_ex(ctx_.get(), Sha384Md(), nullptr) != 1) {
    Fatal("SHA-384 init");
  }
}

Sha384::Sha384(const Sha384& other) : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_MD_CTX_copy_ex(ctx_.get(), other.ctx_.get()) != 1) {
    Fatal("SHA-384 copy");
  }
}

void Sha384::Update(std::span<const uint8_t> data) {
  if (!data.empty() && EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    Fatal("SHA-384 update");
  }
}

std::array<uint8_t, 48> Sha384::Digest() const {
  Sha384 copy(*this);
  std::array<uint8_t, 48> out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(copy.ctx_.get(), out.data(), &len) != 1 || len != out.size()) {
    Fatal("SHA-384 final");
  }
  return out;
}

Pcr48 Sha384::Measurement() const { return Extend(Digest()); }

Measurer::Measurer(bool parallel) : parallel_(parallel) {
  for (size_t i = 0; i < (parallel_ ? kSlots : 1); ++i) {
    slots_[i].data = std::make_unique<uint8_t[]>(kChunk);
  }
  if (parallel_) {
    workers_[0] = std::thread([this] { Work(0); });
    workers_[1] = std::thread([this] { Work(1); });
  }
}

Measurer::~Measurer() {
  if (parallel_) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) {
      if (t.joinable()) {
        t.join();
      }
    }
  }
}

std::span<uint8_t> Measurer::Buffer() {
  if (!parallel_) {
    return {slots_[0].data.get(), kChunk};
  }
  std::unique_lock<std::mutex> lock(mu_);
  // Slot produced_ % kSlots last held chunk produced_ - kSlots: both workers must be past it.
  cv_.wait(lock, [&] {
    return done_[0] + kSlots > produced_ && done_[1] + kSlots > produced_;
  });
  return {slots_[produced_ % kSlots].data.get(), kChunk};
}

void Measurer::Submit(size_t n, Route route) { Push(n, route, false); }

void Measurer::EndBootstrap() {
  if (!parallel_) {
    bootstrap_digest_ = boot_.Digest();
    return;
  }
  (void)Buffer();
  Push(0, Route::kBoot, true);
}

void Measurer::Push(size_t n, Route route, bool end_bootstrap) {
  if (!parallel_) {
    Slot& slot = slots_[0];
    slot.len = n;
    slot.route = route;
    slot.end_bootstrap = end_bootstrap;
    Process(0, slot);
    Process(1, slot);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    Slot& slot = slots_[produced_ % kSlots];
    slot.len = n;
    slot.route = route;
    slot.end_bootstrap = end_bootstrap;
    ++produced_;
  }
  cv_.notify_all();
}

void Measurer::Process(int worker, const Slot& slot) {
  const std::span<const uint8_t> data(slot.data.get(), slot.len);
  if (worker == 0) {
    boot_.Update(data);  // every measured byte is in PCR0
    if (slot.end_bootstrap) {
      bootstrap_digest_ = boot_.Digest();
    }
  } else if (slot.route == Route::kApp) {
    app_.Update(data);
  }
}

void Measurer::Work(int worker) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return closed_ || done_[worker] < produced_; });
    if (done_[worker] == produced_) {
      return;  // closed and drained
    }
    const Slot& slot = slots_[done_[worker] % kSlots];
    lock.unlock();
    Process(worker, slot);
    lock.lock();
    ++done_[worker];
    cv_.notify_all();
  }
}

EifMeasurements Measurer::Finish() {
  if (parallel_) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) {
      t.join();
    }
    parallel_ = false;  // nothing left for the destructor
  }
  EifMeasurements m;
  m.pcr0 = boot_.Measurement();
  // Readers refuse images without a ramdisk, so the bootstrap mark is always there; without
  // it PCR1 would measure kernel and cmdline only.
  m.pcr1 = Extend(bootstrap_digest_ ? *bootstrap_digest_ : boot_.Digest());
  m.pcr2 = app_.Measurement();
  return m;
}

}  // namespace eif

Pcr48 MeasureBytes(std::span<const uint8_t> content) {
  eif::Sha384 h;
  h.Update(content);
  return h.Measurement();
}

Result<Pcr48> MeasureFile(const std::string& path) {
  NA_ASSIGN_OR_RETURN(std::unique_ptr<eif::FdSource> source, eif::FdSource::Open(path));
  eif::Sha384 h;
  std::vector<uint8_t> buf(eif::Measurer::kChunk);
  for (;;) {
    NA_ASSIGN_OR_RETURN(const size_t n, source->Read(buf));
    if (n == 0) {
      break;
    }
    h.Update(std::span<const uint8_t>(buf.data(), n));
  }
  return h.Measurement();
}

Result<Pcr48> MeasureCertificate(std::span<const uint8_t> pem) {
  NA_ASSIGN_OR_RETURN(const Bytes der, PemCertificateToDer(pem));
  return MeasureBytes(der);
}

}  // namespace nitro_attest
