// Runs a command N times and reports wall time (median) and peak RSS, without depending on
// GNU time: fork/exec, wait4() gives the child's rusage (ru_maxrss is in KiB on Linux).
//
//   run_measured [--runs N] [--stdout FILE] -- CMD ARGS...
// Prints one line:  wall_median_s=0.123 wall_min_s=0.120 cpu_median_s=0.118 maxrss_kib=4567 status=0
// The command's stdout goes to /dev/null unless --stdout is given (stderr is kept).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  int runs = 3;
  std::string out = "/dev/null";
  int i = 1;
  for (; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--stdout") && i + 1 < argc) out = argv[++i];
    else if (!std::strcmp(argv[i], "--")) { ++i; break; }
    else break;
  }
  if (i >= argc || runs < 1) {
    std::fprintf(stderr, "usage: run_measured [--runs N] [--stdout FILE] -- CMD ARGS...\n");
    return 2;
  }
  std::vector<double> wall, cpu;
  long maxrss = 0;
  int last_status = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        close(fd);
      }
      execvp(argv[i], argv + i);
      std::perror(argv[i]);
      _exit(127);
    }
    int status = 0;
    struct rusage ru{};
    if (wait4(pid, &status, 0, &ru) < 0) {
      std::perror("wait4");
      return 1;
    }
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    maxrss = std::max(maxrss, ru.ru_maxrss);
    cpu.push_back(static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (last_status == 127) break;
  }
  std::vector<double> s = wall;
  std::sort(s.begin(), s.end());
  std::sort(cpu.begin(), cpu.end());
  // CPU time (user+sys) is less disturbed than wall time when the machine is shared.
  std::printf("wall_median_s=%.4f wall_min_s=%.4f cpu_median_s=%.4f maxrss_kib=%ld status=%d\n", s[s.size() / 2],
              s.front(), cpu[cpu.size() / 2], maxrss, last_status);
  return 0;
}
