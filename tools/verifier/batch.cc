// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/verifier/batch.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/common/report.h"

namespace nitro_attest::cli {

LineReader::Got LineReader::Next(std::string* line) {
  line->clear();
  bool too_long = false;
  for (;;) {
    if (pos_ == len_) {
      if (eof_) {
        break;
      }
      len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
      pos_ = 0;
      if (len_ == 0) {
        if (std::ferror(file_) != 0) {
          return Got::kError;
        }
        eof_ = true;
        break;
      }
    }
    const char* start = buffer_.data() + pos_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
    const size_t n = newline != nullptr ? static_cast<size_t>(newline - start) : len_ - pos_;
    if (!too_long && line->size() + n <= kMaxInputLine) {
      line->append(start, n);
    } else {
      too_long = true;  // the rest of the line is skipped, never buffered
      line->clear();
    }
    pos_ += n;
    if (newline != nullptr) {
      ++pos_;
      ++line_number_;
      return too_long ? Got::kTooLong : Got::kLine;
    }
  }
  // End of the stream: a last line without a newline is still a line.
  if (too_long || !line->empty()) {
    ++line_number_;
    return too_long ? Got::kTooLong : Got::kLine;
  }
  return Got::kEnd;
}

namespace {

// Item is one document to verify, as read: its bytes (to be decoded when they are a line of
// text) or the error that reading it met.
struct Item {
  std::string name;  // "file", or "file:line" with --each-line; standard input is "stdin"
  std::string file;
  size_t line = 0;  // 0: not --each-line
  Bytes data;
  bool decode = false;
  std::optional<Error> error;
};

enum class Outcome { kVerified, kRejected, kError };

// Done is one document's verdict, rendered.
struct Done {
  Outcome outcome = Outcome::kError;
  std::string text;
};

std::string DisplayName(const std::string& path) { return path == "-" ? "stdin" : path; }

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

// Inputs walks the inputs and yields one Item per document, in order.
class Inputs {
 public:
  explicit Inputs(const BatchArgs& args) : args_(args) {}
  ~Inputs() { Close(); }
  Inputs(const Inputs&) = delete;
  Inputs& operator=(const Inputs&) = delete;

  // Next fills *item with the next document; false after the last one.
  bool Next(Item* item) {
    item->line = 0;
    item->data.clear();
    item->decode = false;
    item->error.reset();
    for (;;) {
      if (!args_.each_line) {
        if (index_ >= args_.inputs.size()) {
          return false;
        }
        const std::string& path = args_.inputs[index_++];
        item->name = item->file = DisplayName(path);
        if (Result<Bytes> bytes = ReadDocument(path)) {
          item->data = std::move(*bytes);
        } else {
          item->error = std::move(bytes).error();
        }
        return true;
      }
      if (!reader_) {
        if (index_ >= args_.inputs.size()) {
          return false;
        }
        const std::string& path = args_.inputs[index_++];
        file_name_ = DisplayName(path);
        file_ = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
        if (file_ == nullptr) {
          item->name = item->file = file_name_;
          item->error =
              MakeError(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
          return true;
        }
        reader_.emplace(file_);
      }
      const LineReader::Got got = reader_->Next(&line_);
      item->file = file_name_;
      item->line = reader_->line_number();
      item->name = file_name_ + ":" + std::to_string(item->line);
      switch (got) {
        case LineReader::Got::kEnd:
          Close();
          continue;
        case LineReader::Got::kError:
          item->name = item->file;
          item->line = 0;
          item->error = MakeError(ErrorCode::kIoError, "cannot read " + file_name_ + " after line " +
                                                           std::to_string(reader_->line_number()) +
                                                           ": " + std::strerror(errno));
          Close();
          return true;
        case LineReader::Got::kTooLong:
          item->error = MakeError(ErrorCode::kMalformedInput,
                                  "line longer than " + std::to_string(kMaxInputLine) +
                                      " bytes: not a document");
          return true;
        case LineReader::Got::kLine:
          if (IsBlank(line_)) {
            ++skipped_blank_;
            continue;
          }
          item->data.assign(line_.begin(), line_.end());
          item->decode = true;
          return true;
      }
    }
  }

  size_t skipped_blank() const { return skipped_blank_; }

 private:
  void Close() {
    if (file_ != nullptr && file_ != stdin) {
      std::fclose(file_);
    }
    file_ = nullptr;
    reader_.reset();
  }

  const BatchArgs& args_;
  size_t index_ = 0;
  std::FILE* file_ = nullptr;
  std::string file_name_;
  std::optional<LineReader> reader_;
  std::string line_;
  size_t skipped_blank_ = 0;
};

std::string VerifiedLine(const std::string& name, const VerifiedDocument& v) {
  std::string image = "the expected PCRs matched";
  if (v.any_image()) {
    image = "ANY image (--any-image)";
  } else if (v.pcr_set_index()) {
    image = "PCR set " + std::to_string(*v.pcr_set_index()) + " (" +
            EscapeText(v.pcr_set_name()) + ") matched";
  }
  return "VERIFIED " + EscapeText(name) + ": module_id " + EscapeText(v.document().module_id) +
         "; " + image + "; at " + TimeText(v.verified_at()) +
         (v.at_document_time() ? " (document time)" : "") + "\n";
}

std::string FailedLine(const std::string& name, const Error& e, Outcome outcome) {
  std::string line = (outcome == Outcome::kError ? "ERROR " : "REJECTED ") + EscapeText(name) +
                     ": " + std::string(to_string(e.code));
  if (e.cert_index >= 0) {
    line += " [certificate " + std::to_string(e.cert_index) + "]";
  }
  line += ": " + EscapeText(e.detail);
  if (const std::string hint = HintFor(e); !hint.empty()) {
    line += " (hint: " + hint + ")";
  }
  return line + "\n";
}

// Check decodes and verifies one document and renders its verdict.
Done Check(const Item& item, const Verifier& verifier, const VerifyOptions& options, bool json) {
  std::optional<Error> error = item.error;
  Bytes decoded;  // outlives `document`, which may point into it
  std::span<const uint8_t> document;
  if (!error) {
    if (item.decode) {
      if (Result<Bytes> d = DecodeDocumentInput(item.data, kMaxInputLine)) {
        decoded = std::move(*d);
      } else {
        error = std::move(d).error();
      }
      document = decoded;
    } else {
      document = item.data;
    }
  }
  VerifyTrace trace;
  const Result<VerifiedDocument> verdict =
      error ? Result<VerifiedDocument>(*error) : verifier.Verify(document, options, &trace);
  Done done;
  done.outcome = verdict                                        ? Outcome::kVerified
                 : ExitCodeFor(verdict.error()) == kExitUsage ? Outcome::kError
                                                               : Outcome::kRejected;
  if (json) {
    nlohmann::json j = VerdictJson(document, verdict, trace, &options);
    j["input"] = item.name;
    j["file"] = item.file;
    j["line"] = item.line > 0 ? nlohmann::json(item.line) : nlohmann::json(nullptr);
    done.text = JsonLine(j);
  } else if (verdict) {
    done.text = VerifiedLine(item.name, *verdict);
  } else {
    done.text = FailedLine(item.name, verdict.error(), done.outcome);
  }
  return done;
}

// Tally counts verdicts and prints them in input order.
struct Tally {
  bool fail_fast = false;
  size_t verified = 0, rejected = 0, errors = 0;
  bool stopped = false;

  // Emit writes one verdict; false when the batch stops here (--fail-fast).
  bool Emit(const Done& done) {
    std::fwrite(done.text.data(), 1, done.text.size(), stdout);
    switch (done.outcome) {
      case Outcome::kVerified:
        ++verified;
        return true;
      case Outcome::kRejected:
        ++rejected;
        break;
      case Outcome::kError:
        ++errors;
        break;
    }
    stopped = fail_fast;
    return !fail_fast;
  }
};

// RunThreaded verifies on `jobs` threads while this thread reads the inputs and prints the
// verdicts in input order. At most `window` documents are in flight (read, not yet printed), so
// memory stays bounded however long the input is.
void RunThreaded(unsigned jobs, Inputs& inputs, Item first,
                 const std::function<Done(const Item&)>& check, Tally& tally) {
  struct Slot {
    Item item;
    Done done;
    bool finished = false;
  };
  const size_t window = 2 * size_t{jobs} + 2;
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::deque<Slot> slots;      // in input order; a deque keeps references across push/pop
  std::deque<Slot*> pending;   // read, waiting for a thread
  bool closing = false;
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned t = 0; t < jobs; ++t) {
    threads.emplace_back([&] {
      std::unique_lock lock(mu);
      for (;;) {
        work_cv.wait(lock, [&] { return closing || !pending.empty(); });
        if (pending.empty()) {
          return;
        }
        Slot* slot = pending.front();
        pending.pop_front();
        lock.unlock();
        Done done = check(slot->item);
        lock.lock();
        slot->done = std::move(done);
        slot->finished = true;
        done_cv.notify_one();
      }
    });
  }
  // Drain prints the finished documents at the front; it waits while the window is full, or,
  // with `all`, until every document is printed. False when the batch stops.
  const auto drain = [&](bool all) {
    std::unique_lock lock(mu);
    for (;;) {
      while (!slots.empty() && slots.front().finished) {
        const Done done = std::move(slots.front().done);
        slots.pop_front();
        lock.unlock();
        const bool go_on = tally.Emit(done);
        lock.lock();
        if (!go_on) {
          return false;
        }
      }
      if (all ? slots.empty() : slots.size() < window) {
        return true;
      }
      done_cv.wait(lock);
    }
  };
  Item item = std::move(first);
  for (bool go_on = true; go_on;) {
    {
      std::lock_guard lock(mu);
      slots.emplace_back().item = std::move(item);
      pending.push_back(&slots.back());
    }
    work_cv.notify_one();
    go_on = drain(false) && inputs.Next(&item);
    if (!go_on && !tally.stopped) {
      drain(true);
    }
  }
  {
    std::lock_guard lock(mu);
    closing = true;
    pending.clear();  // after --fail-fast: what was read but not started is dropped
  }
  work_cv.notify_all();
  for (std::thread& t : threads) {
    t.join();
  }
}

}  // namespace

int RunBatch(const BatchArgs& args, const PolicyFlags& flags, VerifyOptions options) {
  Inputs inputs(args);
  Item first;
  const bool any = inputs.Next(&first);
  // The --root files are read once the first document has arrived, as for one document.
  if (Status roots = LoadRoots(flags, &options); !roots) {
    if (args.json) {
      const std::string line = JsonLine(UsageErrorJson(roots.error()));
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
    PrintError("verifier", roots.error());
    return ExitCodeFor(roots.error());
  }
  PinVerificationTime(&options);  // one time for the whole batch
  const Verifier verifier;
  const auto check = [&](const Item& item) { return Check(item, verifier, options, args.json); };
  Tally tally;
  tally.fail_fast = args.fail_fast;
  if (any && args.jobs > 1) {
    RunThreaded(args.jobs, inputs, std::move(first), check, tally);
  } else if (any) {
    Item item = std::move(first);
    do {
      if (!tally.Emit(check(item))) {
        break;
      }
    } while (inputs.Next(&item));
  }
  std::fflush(stdout);
  const size_t total = tally.verified + tally.rejected + tally.errors;
  std::string summary = "summary: " + std::to_string(total) + " documents: " +
                        std::to_string(tally.verified) + " verified, " +
                        std::to_string(tally.rejected) + " rejected, " +
                        std::to_string(tally.errors) + " errors";
  if (inputs.skipped_blank() > 0) {
    summary += "; " + std::to_string(inputs.skipped_blank()) + " blank lines skipped";
  }
  if (tally.stopped) {
    summary += "; stopped at the first failure (--fail-fast)";
  }
  std::fprintf(stderr, "%s\n", summary.c_str());
  if (tally.errors > 0) {
    return kExitUsage;
  }
  if (tally.rejected > 0) {
    return kExitRejected;
  }
  if (total == 0) {
    std::fprintf(stderr, "verifier: no document in the input: nothing was verified\n");
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace nitro_attest::cli
