#include "ingest/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ipsecdoc {

LineReader::LineReader(const std::string& path, size_t buffer_size) : buf_(buffer_size) {
  if (path == "-") {
    fd_ = 0;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      error_ = std::strerror(errno);
      return;
    }
    struct stat st{};
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      error_ = "is a directory";
      return;
    }
  }
  // Sniff gzip magic without consuming input we cannot give back (stdin): read the first
  // block ourselves and, if it is gzip, hand the descriptor to zlib after rewinding.
  if (fd_ != 0) {
    unsigned char magic[2] = {0, 0};
    ssize_t n = ::pread(fd_, magic, 2, 0);
    if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      gz_ = gzdopen(dup(fd_), "rb");
      if (!gz_) error_ = "cannot open gzip stream";
      else gzbuffer(static_cast<gzFile>(gz_), 256 * 1024);
    }
  }
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ > 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) return true;  // full: caller cuts an overlong line
  long n;
  if (gz_) {
    n = gzread(static_cast<gzFile>(gz_), buf_.data() + end_, static_cast<unsigned>(buf_.size() - end_));
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(static_cast<gzFile>(gz_), &errnum);
      error_ = std::string("gzip: ") + (msg ? msg : "read error");
      eof_ = true;
      return false;
    }
  } else {
    do {
      n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      error_ = std::strerror(errno);
      eof_ = true;
      return false;
    }
  }
  if (n == 0) {
    eof_ = true;
    return end_ > begin_;
  }
  if (first_block_) {
    first_block_ = false;
    size_t ctrl = 0, nul = 0;
    size_t look = std::min<size_t>(static_cast<size_t>(n), 8192);
    for (size_t i = 0; i < look; ++i) {
      unsigned char c = static_cast<unsigned char>(buf_[end_ + i]);
      if (c == 0) ++nul;
      else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != 0x1b && c != '\f') ++ctrl;
    }
    binary_ = nul > 0 || ctrl * 20 > look;  // >5% control bytes or any NUL up front
  }
  // Count NULs (kept as data; the cleaner replaces them) for the input summary.
  for (const char* p = buf_.data() + end_; (p = static_cast<const char*>(std::memchr(p, 0, buf_.data() + end_ + n - p)));
       ++p)
    ++nuls_;
  end_ += static_cast<size_t>(n);
  total_ += static_cast<uint64_t>(n);
  return true;
}

bool LineReader::next(std::string_view& line) {
  if (!error_.empty() && fd_ < 0) return false;
  for (;;) {
    const char* start = buf_.data() + begin_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl) {
      line = std::string_view(start, static_cast<size_t>(nl - start));
      begin_ += line.size() + 1;
      ++line_no_;
      return true;
    }
    size_t before = end_ - begin_;
    if (eof_ || !fill()) {
      if (end_ > begin_) {  // last line without '\n'
        line = std::string_view(buf_.data() + begin_, end_ - begin_);
        begin_ = end_;
        ++line_no_;
        no_final_newline_ = true;
        return true;
      }
      return false;
    }
    if (end_ - begin_ == buf_.size() && before == buf_.size()) {
      // The buffer holds one line longer than itself: hand it out in pieces.
      line = std::string_view(buf_.data() + begin_, end_ - begin_);
      begin_ = end_;
      ++line_no_;
      ++overlong_;
      return true;
    }
  }
}

ExpandedPaths expand_paths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  ExpandedPaths out;
  for (const auto& p : paths) {
    if (p == "-") {
      out.files.push_back(p);
      continue;
    }
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out.errors.emplace_back(p, ec ? ec.message() : "no such file or directory");
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        out.errors.emplace_back(p, ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) {
          out.errors.emplace_back(it->path().string(), ec.message());
          break;
        }
        auto name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else {
      out.files.push_back(p);
    }
  }
  return out;
}

}  // namespace ipsecdoc
