#include "app/server_clock.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <mutex>

namespace gatehouse::app {
namespace {

std::string g_clock_offset_file;
std::mutex g_clock_mu;
int64_t g_clock_offset = 0;
struct timespec g_clock_mtime = {};

int64_t ClockOffset() {
  if (g_clock_offset_file.empty()) return 0;
  struct stat st {};
  std::lock_guard lock(g_clock_mu);
  if (::stat(g_clock_offset_file.c_str(), &st) != 0) return g_clock_offset = 0;
  if (st.st_mtim.tv_sec != g_clock_mtime.tv_sec || st.st_mtim.tv_nsec != g_clock_mtime.tv_nsec) {
    g_clock_mtime = st.st_mtim;
    std::ifstream in(g_clock_offset_file);
    int64_t offset = 0;
    if (in >> offset) g_clock_offset = offset;
  }
  return g_clock_offset;
}

}  // namespace

void SetClockOffsetFile(std::string path) { g_clock_offset_file = std::move(path); }

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         ClockOffset();
}

}  // namespace gatehouse::app
